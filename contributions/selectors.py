"""Reading payments for a user. Every participant-owned object comes through here (404 otherwise)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from contributions.models import Payment, Receipt
from participants.models import Participant, User
from participants.selectors import participants_of_user


def payments_of_user(
    *, user: User, participant_public_id: uuid.UUID | str | None = None
) -> QuerySet[Payment]:
    """The user's payments (optionally of one KPJ), newest first, with participant and receipt."""
    qs = Payment.objects.filter(participant__user=user)
    if participant_public_id is not None:
        qs = qs.filter(participant__public_id=participant_public_id)
    return qs.select_related("participant", "receipt").order_by("-created_at")


def payment_get_for_user(*, user: User, public_id: uuid.UUID | str) -> Payment:
    """One of the user's payments by public id; Http404 for anyone else's (or a malformed id)."""
    try:
        return payments_of_user(user=user).prefetch_related("month_rows").get(public_id=public_id)
    except (Payment.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def receipt_get_for_user(*, user: User, payment_public_id: uuid.UUID | str) -> Receipt:
    payment = payment_get_for_user(user=user, public_id=payment_public_id)
    try:
        return payment.receipt
    except Receipt.DoesNotExist:
        raise Http404 from None


def open_payment_of_participant(*, participant: Participant) -> Payment | None:
    """The open payment of a KPJ the caller has already fetched through a user-scoped selector."""
    from contributions.models import OPEN_STATUSES

    return Payment.objects.filter(participant=participant, status__in=OPEN_STATUSES).first()


def bpu_participant_get_for_user(*, user: User, public_id: uuid.UUID | str) -> Participant:
    """One of the user's KPJs with its BPU profile (None-safe via `BpuProfile.DoesNotExist`) and the pk of
    its open payment annotated as `open_payment_pk` (None when there is none), in one query. Http404 for
    anything that is not the user's."""
    from contributions.models import OPEN_STATUSES

    open_payment = Payment.objects.filter(participant=OuterRef("pk"), status__in=OPEN_STATUSES).values("pk")
    try:
        return (
            participants_of_user(user=user)
            .select_related("bpu_profile")
            .annotate(open_payment_pk=Subquery(open_payment[:1]))
            .get(public_id=public_id)
        )
    except (Participant.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def open_payment_of_annotated(participant: Participant) -> Payment | None:
    """The open payment of a participant fetched by `bpu_participant_get_for_user` (no query when none)."""
    pk = getattr(participant, "open_payment_pk", None)
    return None if pk is None else Payment.objects.filter(pk=pk).first()
