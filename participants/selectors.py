"""Reading participants on behalf of a user. Views never fetch participant rows any other way."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import QuerySet
from django.http import Http404

from participants.models import Participant, User
from participants.nik import nik_index, normalize_nik


def participant_find_for_activation(*, nik: str, kpj: str, birth_date: dt.date) -> Participant | None:
    """The KPJ whose NIK, number and date of birth all match, and that has no account yet."""
    return (
        Participant.objects.filter(
            nik_index=nik_index(normalize_nik(nik)),
            kpj=kpj.strip(),
            birth_date=birth_date,
            user__isnull=True,
        )
        .select_related("branch")
        .first()
    )


def participants_of_user(*, user: User) -> QuerySet[Participant]:
    """Every KPJ linked to the account, oldest registration first, with its balance row."""
    return (
        Participant.objects.filter(user=user)
        .select_related("jht_balance", "branch")
        .order_by("registered_on", "kpj")
    )


def participant_get_for_user(*, user: User, public_id: uuid.UUID | str) -> Participant:
    """One of the user's KPJs by its public id; 404 for anything else (another person's KPJ included)."""
    try:
        return participants_of_user(user=user).get(public_id=public_id)
    except (Participant.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def unlinked_participants_of_user(*, user: User) -> QuerySet[Participant]:
    """KPJs held by the same NIK as the user's linked KPJs that are not linked to any account yet."""
    own_indexes = Participant.objects.filter(user=user).values("nik_index")
    return Participant.objects.filter(nik_index__in=own_indexes, user__isnull=True).order_by("kpj")


def unlinked_participant_get_for_user(*, user: User, public_id: uuid.UUID | str) -> Participant:
    """A KPJ of the user's NIK that no account holds yet, by its public id; 404 for anything else."""
    try:
        return unlinked_participants_of_user(user=user).select_related("branch").get(public_id=public_id)
    except (Participant.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
