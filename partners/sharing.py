"""The participant's side of the balance extension: switch it off or on for all their KPJs, and see who
asked about their balance."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from participants.models import User
from participants.selectors import participants_of_user
from partners.models import BalanceLookup, BalanceOptOut

MAX_LOOKUPS_SHOWN = 20


def balance_sharing_enabled(*, user: User) -> bool:
    """True unless the user switched the service off (for any of their KPJs)."""
    return not BalanceOptOut.objects.filter(participant__in=participants_of_user(user=user)).exists()


def balance_sharing_set(*, user: User, enabled: bool) -> None:
    """Switch the partner balance service on or off for every KPJ of the user. Idempotent."""
    participants = list(participants_of_user(user=user).values_list("pk", flat=True))
    with transaction.atomic():
        if enabled:
            BalanceOptOut.objects.filter(participant_id__in=participants).delete()
        else:
            existing = set(
                BalanceOptOut.objects.filter(participant_id__in=participants).values_list(
                    "participant_id", flat=True
                )
            )
            BalanceOptOut.objects.bulk_create(
                BalanceOptOut(participant_id=pk) for pk in participants if pk not in existing
            )


def balance_lookups_of_user(*, user: User) -> QuerySet[BalanceLookup]:
    return (
        BalanceLookup.objects.filter(participant__in=participants_of_user(user=user))
        .select_related("partner", "participant")
        .order_by("-created_at", "-pk")[:MAX_LOOKUPS_SHOWN]
    )
