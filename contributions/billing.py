"""The bill: which months a BPU payment covers and what each month costs, per programme.

Coverage is prospective: it starts at the first unpaid month that is not in the past (the current
month in WIB counts as not past: iuran is due by its 15th and there is no late fine). Unpaid past months
are never billed and give no protection. A month is taken when it has a BPU contribution row or is
held by an active `PaymentMonth` (an open or settled payment).

Each month is priced with the declared income / JHT option in force for that month (see
`contributions.declarations`) and the rate table in force on its first day. A discount programme
(participants/rates/discounts.py) applies to a month by the work type recorded now: like declared income,
a change of work type reaches the months not yet billed. `jkk_idr` and `jkm_idr` are what is charged;
`discount_idr` is what the programme took off, shown as its own line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from contributions.models import BpuDeclaration, BpuProfile, PaymentMonth
from participants.models import Category, Contribution, Participant
from participants.rates.calc import bpu_shares
from participants.rates.discounts import bpu_discount, bpu_programme_for
from participants.rates.models import DiscountProgramme, Rate
from participants.rates.selectors import RateTable, discounts_between
from portal.dates import add_months, month_start

ALLOWED_MONTHS = (1, 3, 6, 12)
_HORIZON_MONTHS = 36  # how far ahead we look for free months


class BillingError(ValueError):
    """The participant cannot be billed (not BPU, no income, bad month count). The message is for users."""


def current_period(today: dt.date | None = None) -> dt.date:
    return month_start(today or timezone.localdate())


@dataclass(frozen=True)
class BillMonth:
    period: dt.date
    income_idr: int
    jkk_idr: int
    jkm_idr: int
    jht_idr: int
    discount_idr: int = 0
    discount_code: str = ""
    discount_label: str = ""

    @property
    def total_idr(self) -> int:
        return self.jkk_idr + self.jkm_idr + self.jht_idr


@dataclass(frozen=True)
class Bill:
    participant_id: int
    months: tuple[BillMonth, ...]
    with_jht: bool

    @property
    def total_idr(self) -> int:
        return sum(m.total_idr for m in self.months)

    @property
    def discount_idr(self) -> int:
        return sum(m.discount_idr for m in self.months)

    @property
    def discount_labels(self) -> list[str]:
        """Each programme's line text once, in month order."""
        return list(dict.fromkeys(m.discount_label for m in self.months if m.discount_label))

    @property
    def first_period(self) -> dt.date:
        return self.months[0].period

    @property
    def last_period(self) -> dt.date:
        return self.months[-1].period


def taken_periods(
    participant_id: int, *, start: dt.date, exclude_payment_id: int | None = None
) -> set[dt.date]:
    """Months from `start` on that are paid (contribution row) or held by an active payment month.
    One query (a UNION of both tables)."""
    paid = Contribution.objects.filter(
        participant_id=participant_id, employer__isnull=True, period__gte=start
    ).values_list("period", flat=True)
    held = PaymentMonth.objects.filter(participant_id=participant_id, active=True, period__gte=start)
    if exclude_payment_id is not None:
        held = held.exclude(payment_id=exclude_payment_id)
    return set(paid.union(held.values_list("period", flat=True)))


def free_periods(
    participant_id: int, *, start: dt.date, count: int, exclude_payment_id: int | None = None
) -> list[dt.date]:
    """The first `count` months from `start` on that nobody has paid or holds."""
    taken = taken_periods(participant_id, start=start, exclude_payment_id=exclude_payment_id)
    result: list[dt.date] = []
    period = start
    for _step in range(_HORIZON_MONTHS + count):
        if period not in taken:
            result.append(period)
            if len(result) == count:
                return result
        period = add_months(period, 1)
    raise BillingError(_("Iuran sudah dibayar jauh ke depan; tidak ada bulan yang bisa ditagih."))


def _validate(participant: Participant, months: int) -> BpuProfile:
    if participant.category != Category.BPU:
        raise BillingError(_("Iuran mandiri hanya untuk peserta Bukan Penerima Upah (BPU)."))
    if months not in ALLOWED_MONTHS:
        raise BillingError(_("Pilih 1, 3, 6 atau 12 bulan."))
    try:
        return participant.bpu_profile
    except BpuProfile.DoesNotExist:
        raise BillingError(_("Penghasilan yang dilaporkan belum tercatat.")) from None


@dataclass(frozen=True)
class Declared:
    income_idr: int
    with_jht: bool


def declared_for_periods(profile: BpuProfile, periods: list[dt.date]) -> dict[dt.date, Declared]:
    """The declared income and JHT option in force for each month (first days of months).

    For month m: the newest-created `BpuDeclaration` with effective_from <= m. The profile mirrors the
    newest declaration, so months from its `effective_from` month on need no query (the usual case);
    earlier months (a change was made after they were billed, then the bill was released, e.g. a
    cancelled payment) cost one query. A month older than every declaration gets the profile's values.
    """
    current = Declared(profile.declared_income_idr, profile.with_jht)
    since = month_start(profile.effective_from)
    result = {p: current for p in periods if p >= since}
    earlier = [p for p in periods if p < since]
    if earlier:
        rows = list(
            BpuDeclaration.objects.filter(
                participant_id=profile.participant_id, effective_from__lte=max(earlier)
            )
            .order_by("-created_at", "-pk")
            .values_list("effective_from", "declared_income_idr", "with_jht")
        )
        for period in earlier:
            match = next((row for row in rows if row[0] <= period), None)
            result[period] = Declared(match[1], match[2]) if match else current
    return result


def rate_tables_for(periods: list[dt.date]) -> dict[dt.date, RateTable]:
    """The rate table in force on each of `periods` (as `rate_table_on` gives), in one query."""
    rows = list(
        Rate.objects.filter(effective_from__lte=max(periods))
        .order_by("effective_from")
        .values_list("program", "segment", "component", "value", "effective_from", "effective_to")
    )
    tables: dict[dt.date, RateTable] = {}
    for period in periods:
        values = {
            (p, s, c): v
            for p, s, c, v, since, until in rows
            if since <= period and (until is None or period <= until)
        }
        tables[period] = RateTable(on=period, values=values)
    return tables


def _month_shares(
    declared: Declared,
    period: dt.date,
    rates: RateTable,
    *,
    work_type: str = "",
    programmes: list[DiscountProgramme] | None = None,
) -> BillMonth:
    income = declared.income_idr
    low, high = rates.rupiah("JHT", "BPU", "income_min"), rates.rupiah("JHT", "BPU", "income_max")
    if not low <= income <= high:
        raise BillingError(_("Penghasilan yang dilaporkan di luar batas yang berlaku."))
    shares = bpu_shares(income_idr=income, with_jht=declared.with_jht, rates=rates)
    programme = bpu_programme_for(programmes or [], period=period, work_type=work_type)
    discount = bpu_discount(shares, programme)
    return BillMonth(
        period=period,
        income_idr=income,
        jkk_idr=shares.jkk_idr - (discount.jkk_idr if discount else 0),
        jkm_idr=shares.jkm_idr - (discount.jkm_idr if discount else 0),
        jht_idr=shares.jht_idr,
        discount_idr=discount.total_idr if discount else 0,
        discount_code=discount.code if discount else "",
        discount_label=discount.label if discount else "",
    )


def bill_preview(*, participant: Participant, months: int, today: dt.date | None = None) -> Bill:
    """The bill a payment for `months` months would carry now. Read-only; raises BillingError.

    Each month uses the declaration in force for it and the rate table in force on its first day,
    rounded per docs/contributions.md#rounding, less any discount programme the recorded work type
    qualifies for. Three queries (months taken, rates, discount programmes) when the profile is already
    loaded.
    """
    profile = _validate(participant, months)
    periods = free_periods(participant.pk, start=current_period(today), count=months)
    tables = rate_tables_for(periods)
    declared = declared_for_periods(profile, periods)
    programmes = discounts_between("BPU", periods[0], periods[-1])
    rows = [
        _month_shares(declared[p], p, tables[p], work_type=profile.work_type, programmes=programmes)
        for p in periods
    ]
    return Bill(
        participant_id=participant.pk,
        months=tuple(rows),
        with_jht=any(declared[p].with_jht for p in periods),
    )
