"""Writes on participants: registration of a KPJ and linking KPJs to an online account."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from participants.models import Branch, ContactSource, MembershipStatus, Participant, StatusReason, User
from participants.nik import InvalidNik, nik_matches_person


def participant_create(
    *,
    kpj: str,
    nik: str,
    full_name: str,
    birth_date: dt.date,
    sex: str,
    category: str,
    branch: Branch,
    registered_on: dt.date,
    email: str = "",
    phone: str = "",
    address: str = "",
    status: str = MembershipStatus.AKTIF,
    status_reason: str = StatusReason.REGISTERED,
    status_since: dt.date | None = None,
    contact_source: str = ContactSource.EMPLOYER_IMPORT,
) -> Participant:
    """Register one KPJ. Raises InvalidNik when the NIK's birth date / sex disagree with the record."""
    if not nik_matches_person(nik, birth_date=birth_date, sex=sex):
        raise InvalidNik("Tanggal lahir atau jenis kelamin tidak sesuai dengan NIK.")
    participant = Participant(
        kpj=kpj,
        full_name=full_name,
        birth_date=birth_date,
        sex=sex,
        category=category,
        branch=branch,
        registered_on=registered_on,
        email=email,
        phone=phone,
        contact_source=contact_source,
        address=address,
        status=status,
        status_reason=status_reason,
        status_since=status_since or registered_on,
    )
    participant.set_nik(nik)
    participant.save(force_insert=True)
    return participant


@transaction.atomic
def participant_link_to_user(*, user: User, participant_id: int) -> Participant:
    """Link a KPJ to the account of the person holding it (same NIK). Idempotent.

    Raises Participant.DoesNotExist when the KPJ is not the user's person's (same NIK) or is linked to
    another account: callers turn that into a 404, revealing nothing.
    """
    own_indexes = Participant.objects.filter(user=user).values("nik_index")
    participant = (
        Participant.objects.select_for_update()
        .filter(nik_index__in=own_indexes, user__isnull=True)
        .get(pk=participant_id)
    )
    participant.user = user
    participant.save(update_fields=["user", "updated_at"])
    return participant


CORRECTABLE_FIELDS = ("full_name", "birth_date", "address", "phone", "email")


@transaction.atomic
def participant_correct_personal_data(*, nik_index: str, field: str, value: str | dt.date) -> list[int]:
    """Apply an approved data correction to every KPJ of one person (one NIK), atomically.

    The caller keeps the history (layanan.DataCorrectionRequest: old and new value, who, when, the
    supporting document). A new date of birth re-runs the NIK consistency check (the DOB inside the NIK
    must match, docs/ids.md#nik) for every KPJ: raises InvalidNik and changes nothing when it fails.
    Raises ValueError for a field that cannot be corrected. Returns the ids of the KPJs changed.
    """
    if field not in CORRECTABLE_FIELDS:
        raise ValueError(f"field {field!r} cannot be corrected")
    people = list(Participant.objects.select_for_update().filter(nik_index=nik_index).order_by("pk"))
    if field == "birth_date":
        assert isinstance(value, dt.date)
        for person in people:
            if not nik_matches_person(person.nik, birth_date=value, sex=person.sex):
                raise InvalidNik("Tanggal lahir tidak sesuai dengan NIK.")
    # A contact approved by branch staff (who saw the person's documents) is a contact on record.
    extra = {"contact_source": ContactSource.BRANCH} if field in ("phone", "email") else {}
    for person in people:
        setattr(person, field, value)
        for name, new in extra.items():
            setattr(person, name, new)
        person.full_clean(validate_unique=False, validate_constraints=False)
        person.save(update_fields=[field, *extra, "updated_at"])
    return [p.pk for p in people]
