"""Reads for the participant's service pages. Everything goes through the requesting user."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from layanan.jht_projection import FALLBACK_RETURN
from participants.models import Category, Contribution, DevelopmentRate, JhtBalance, Participant, User
from participants.rates.selectors import MissingRate, rate_table_on


def person_kpjs(*, user: User) -> QuerySet[Participant]:
    """Every KPJ of the NIK(s) of the user's linked KPJs (linked or not), with its balance row."""
    own_indexes = Participant.objects.filter(user=user).values("nik_index")
    return (
        Participant.objects.filter(nik_index__in=own_indexes)
        .select_related("jht_balance", "branch")
        .order_by("registered_on", "kpj")
    )


@dataclass(frozen=True)
class ProjectionFacts:
    balance_idr: int
    birth_date: dt.date
    monthly_wage_idr: int
    wage_month: dt.date | None
    category: str
    contribution_percent: Decimal
    kpj_count: int


def projection_facts(*, user: User, today: dt.date) -> ProjectionFacts | None:
    """What the JHT estimate starts from: Σ balance rows of the person's KPJs, the newest reported wage
    or declared income, and the JHT rate of its segment in force today. None without a linked KPJ."""
    kpjs = list(person_kpjs(user=user))
    if not kpjs:
        return None
    balance = 0
    for p in kpjs:
        with contextlib.suppress(JhtBalance.DoesNotExist):  # a KPJ without any posting yet
            balance += p.jht_balance.balance_idr
    latest = (
        Contribution.objects.filter(participant__in=[p.pk for p in kpjs])
        .order_by("-period")
        .values("period", "wage_idr", "participant_id")
        .first()
    )
    by_pk = {p.pk: p for p in kpjs}
    owner = by_pk[latest["participant_id"]] if latest else kpjs[-1]
    return ProjectionFacts(
        balance_idr=balance,
        birth_date=owner.birth_date,
        monthly_wage_idr=latest["wage_idr"] if latest else 0,
        wage_month=latest["period"] if latest else None,
        category=owner.category,
        contribution_percent=jht_percent(category=owner.category, today=today),
        kpj_count=len(kpjs),
    )


def jht_percent(*, category: str, today: dt.date) -> Decimal:
    """JHT as a percent of the wage for the segment: PU employer + worker (5.7 %), otherwise the BPU
    percent (2 %) — PMI and Jasa Konstruksi have no wage-based JHT, so the BPU rule is the estimate."""
    rates = rate_table_on(today)
    try:
        if category == Category.PU:
            return rates.get("JHT", "PU", "employer") + rates.get("JHT", "PU", "worker")
        return rates.get("JHT", "BPU", "percent")
    except MissingRate:
        return Decimal("5.7") if category == Category.PU else Decimal("2")


def default_return_percent() -> Decimal:
    """The newest published (not assumed) development rate, else 5.63 % (2020,
    docs/balance.md#development-return)."""
    rate = (
        DevelopmentRate.objects.filter(assumed=False).order_by("-year").values_list("rate_percent", flat=True)
    )
    value = rate.first()
    return Decimal(value) if value is not None else FALLBACK_RETURN
