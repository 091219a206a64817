"""X-EXTERNAL-ID: unique per partner per WIB day. The first request under an id runs and its answer is
stored in the same transaction as its effect; a repeat with the same body gets that answer again (and
changes nothing), a repeat with a different body is a conflict (409). Concurrent repeats meet at the
unique index: the losers wait for the winner's commit, then replay its answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from participants.ledger.services import violated_constraint
from partners import codes
from partners.auth import Caller
from partners.models import RequestJournal

JOURNAL_CONSTRAINT = "partner_external_id_once"

Answer = tuple[int, dict[str, Any]]


def _replay(row: dict[str, Any] | None, *, digest: str, service: str) -> Answer | None:
    if row is None:
        return None
    if row["body_digest"] != digest or row["service"] != service:
        return 409, codes.body(codes.CONFLICT, service, "X-EXTERNAL-ID already used with another request")
    return row["http_status"], row["response"]


def _stored(caller: Caller, day: dt.date) -> dict[str, Any] | None:
    row = (
        RequestJournal.objects.filter(partner=caller.partner, day=day, external_id=caller.external_id)
        .values("body_digest", "service", "http_status", "response")
        .first()
    )
    return dict(row) if row is not None else None


def journalled(caller: Caller, *, service: str, digest: str, run: Callable[[], Answer]) -> Answer:
    """Run `run` once per (partner, day, X-EXTERNAL-ID) and store its answer with its effect."""
    day = timezone.localdate()
    # No look-up first and no savepoint: a new id (the usual case) costs one INSERT; a repeat fails that
    # first statement (after waiting for a concurrent first to commit), the transaction rolls back with
    # nothing done, and the stored answer is replayed.
    try:
        with transaction.atomic():
            row = RequestJournal.objects.create(
                partner=caller.partner,
                day=day,
                external_id=caller.external_id,
                service=service,
                body_digest=digest,
            )
            status, answer = run()
            row.http_status, row.response = status, answer
            row.save(update_fields=["http_status", "response"])
    except IntegrityError as exc:
        if violated_constraint(exc) != JOURNAL_CONSTRAINT:
            raise
        replay = _replay(_stored(caller, day), digest=digest, service=service)
        assert replay is not None
        return replay
    return status, answer
