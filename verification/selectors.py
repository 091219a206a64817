"""Reads of assisted verification: for the status link, for the signed-in person, for staff."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from accounts.roles import branch_scope_q
from participants.models import User
from verification.models import VerificationRequest


def verification_request_for_status(*, request_id: uuid.UUID) -> VerificationRequest | None:
    """The request behind a valid status link (the link itself is the proof: it went only to the
    contact given in the request)."""
    return VerificationRequest.objects.filter(pk=request_id).prefetch_related("consents").first()


def verification_requests_of_user(*, user: User) -> QuerySet[VerificationRequest]:
    """The matched requests made for the user's KPJs, newest first, with their consents."""
    return (
        VerificationRequest.objects.filter(participant__user=user, identity_matched=True)
        .prefetch_related("consents")
        .order_by("-created_at")
    )


def verification_requests_for_staff(*, actor: User) -> QuerySet[VerificationRequest]:
    """The queue a staff member may see: their branch (national roles: all, requests for an unknown KPJ
    included)."""
    return VerificationRequest.objects.filter(branch_scope_q(actor, "branch"))
