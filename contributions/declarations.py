"""What a BPU participant declared (monthly income, optional JHT) and for which months it applies.

Every declaration is a `BpuDeclaration` row, never edited: the registration's, then one per change.
A change applies from the participant's next *unbilled* month (the first month from the current one
on that no contribution row or active payment month holds), so bills already created or paid keep the
figures they were made with. For month m the declared values are those of the newest-created
declaration with `effective_from <= m`; `BpuProfile` mirrors the newest declaration, so billing months
from its `effective_from` on needs no history query at all.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from contributions.billing import BillingError, Declared, current_period, declared_for_periods, free_periods
from contributions.models import BpuDeclaration, BpuProfile, DeclarationSource
from participants.models import Category, Participant, User
from participants.rates.selectors import rate_table_on
from participants.selectors import participant_get_for_user


class DeclarationError(ValueError):
    """The change was refused; `str(exc)` is a message for the participant. Nothing was saved."""


def income_limits(on: dt.date) -> tuple[int, int]:
    """(lowest, highest) declared income allowed in the rate table in force on `on`."""
    rates = rate_table_on(on)
    return rates.rupiah("JHT", "BPU", "income_min"), rates.rupiah("JHT", "BPU", "income_max")


def check_income(income_idr: int, *, on: dt.date) -> None:
    """Raise DeclarationError unless the income is within the rate table's BPU limits on `on`."""
    low, high = income_limits(on)
    if not low <= income_idr <= high:
        from portal.money import format_rupiah

        raise DeclarationError(
            _("Penghasilan harus antara %(low)s dan %(high)s per bulan.")
            % {"low": format_rupiah(low), "high": format_rupiah(high)}
        )


def next_unbilled_period(participant_id: int, *, today: dt.date | None = None) -> dt.date:
    """The first month from the current one on that no contribution or active payment month holds."""
    try:
        return free_periods(participant_id, start=current_period(today), count=1)[0]
    except BillingError as exc:
        raise DeclarationError(str(exc)) from None


def bpu_declaration_record(
    *,
    participant: Participant,
    declared_income_idr: int,
    with_jht: bool,
    effective_from: dt.date,
    source: str,
    created_by: User | None = None,
    work_type: str | None = None,
) -> BpuDeclaration:
    """Append a declaration and make the profile mirror it (created when missing). Caller holds the
    participant row lock inside a transaction."""
    declaration = BpuDeclaration.objects.create(
        participant=participant,
        effective_from=effective_from,
        declared_income_idr=declared_income_idr,
        with_jht=with_jht,
        source=source,
        created_by=created_by,
    )
    defaults: dict[str, object] = {
        "declared_income_idr": declared_income_idr,
        "with_jht": with_jht,
        "effective_from": effective_from,
    }
    if work_type is not None:
        defaults["work_type"] = work_type
    BpuProfile.objects.update_or_create(participant=participant, defaults=defaults)
    return declaration


def bpu_declaration_change(
    *,
    user: User,
    participant_public_id: uuid.UUID | str,
    declared_income_idr: int,
    with_jht: bool,
    today: dt.date | None = None,
) -> BpuDeclaration:
    """Change the user's BPU participant's declared income and JHT option for future months.

    Applies from the next unbilled month: months already billed (open payment) or paid keep their
    figures. Raises Http404 for someone else's KPJ and DeclarationError when the participant is not
    BPU, the income is outside the rate table's limits, or nothing would change (nothing is saved
    then). Not idempotent by design: each accepted call adds one history row.
    """
    participant = participant_get_for_user(user=user, public_id=participant_public_id)
    if participant.category != Category.BPU:
        raise DeclarationError(_("Perubahan penghasilan hanya untuk peserta Bukan Penerima Upah (BPU)."))
    with transaction.atomic():
        # Serialises concurrent changes of the same participant.
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        effective = next_unbilled_period(locked.pk, today=today)
        check_income(declared_income_idr, on=effective)
        profile = BpuProfile.objects.filter(participant=locked).first()
        if profile is not None:
            before = declared_for_periods(profile, [effective])[effective]
            if before == Declared(declared_income_idr, with_jht):
                raise DeclarationError(
                    _("Tidak ada yang berubah: penghasilan dan pilihan JHT sama seperti sekarang.")
                )
        return bpu_declaration_record(
            participant=locked,
            declared_income_idr=declared_income_idr,
            with_jht=with_jht,
            effective_from=effective,
            source=DeclarationSource.PARTICIPANT,
            created_by=user,
        )


def declarations_of_participant(*, participant: Participant) -> list[BpuDeclaration]:
    """The history, newest first (the caller fetched the participant through a user-scoped selector)."""
    return list(BpuDeclaration.objects.filter(participant=participant).order_by("-created_at", "-pk"))
