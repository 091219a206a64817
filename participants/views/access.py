"""Fetching the requesting user's objects, logging every attempt to reach someone else's (IDOR)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import structlog
from django.http import Http404, HttpRequest

from participants.models import Participant, User
from participants.selectors import participant_get_for_user

log = structlog.get_logger(__name__)


def request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # every view here is login_required
    return user


def _log_idor(request: HttpRequest, kind: str, requested_id: uuid.UUID | str) -> None:
    # The id in the URL is a random UUID, never a NIK or KPJ: safe to log.
    log.warning(
        "participant.idor_attempt",
        user_id=request.user.pk,
        object_kind=kind,
        requested_id=str(requested_id),
        path=request.path,
    )


def owned[T](request: HttpRequest, kind: str, requested_id: uuid.UUID | str, fetch: Callable[[], T]) -> T:
    """Run a selector that raises Http404 for objects not owned by the user; log the refusal."""
    try:
        return fetch()
    except Http404:
        _log_idor(request, kind, requested_id)
        raise


def owned_participant(request: HttpRequest, public_id: uuid.UUID, **_: Any) -> Participant:
    return owned(
        request,
        "participant",
        public_id,
        lambda: participant_get_for_user(user=request_user(request), public_id=public_id),
    )
