"""Reads for the life-event pages, always on behalf of the requesting user (a KPJ of another person →
Http404, logged by the view). A bounded number of queries whatever the participant's history."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.http import Http404

from layanan.selectors import person_kpjs
from lifeevents.rules import MonthFact
from participants.models import Category, Contribution, Employment, Participant, User
from participants.rates.selectors import MissingRate, rate_table_on
from portal.money import round_rupiah


@dataclass(frozen=True)
class ReportedExit:
    """The latest end of employment the employer reported for one of the person's KPJs."""

    participant_public_id: uuid.UUID
    kpj: str
    employer_name: str
    start_date: dt.date
    end_date: dt.date
    exit_reason: str
    exit_reason_label: str
    exit_reported_on: dt.date | None


@dataclass(frozen=True)
class Person:
    kpjs: tuple[Participant, ...]
    nik_index: str
    birth_date: dt.date
    reported_exit: ReportedExit | None
    working: bool  # an employment without an end date

    @property
    def participant_ids(self) -> list[int]:
        return [p.pk for p in self.kpjs]


def person_for_user(*, user: User, participant_public_id: uuid.UUID | str | None = None) -> Person | None:
    """The person behind the account (every KPJ of the NIK) and the latest reported exit; with
    `participant_public_id`, the exit of that KPJ only (Http404 when it is not one of the person's KPJs).
    None without a linked KPJ. Two queries."""
    kpjs = tuple(person_kpjs(user=user))
    if not kpjs:
        if participant_public_id is not None:
            raise Http404
        return None
    chosen = kpjs
    if participant_public_id is not None:
        chosen = tuple(p for p in kpjs if str(p.public_id) == str(participant_public_id))
        if not chosen:
            raise Http404
    employments = list(
        Employment.objects.filter(participant__in=[p.pk for p in chosen])
        .select_related("employer")
        .order_by(F("end_date").desc(nulls_first=True), "-start_date")
    )
    working = any(e.end_date is None for e in employments)
    ended = [e for e in employments if e.end_date is not None]
    by_pk = {p.pk: p for p in kpjs}
    reported = None
    if ended:
        e = ended[0]
        assert e.end_date is not None
        owner = by_pk[e.participant_id]
        reported = ReportedExit(
            participant_public_id=owner.public_id,
            kpj=owner.kpj,
            employer_name=e.employer.name,
            start_date=e.start_date,
            end_date=e.end_date,
            exit_reason=e.exit_reason,
            exit_reason_label=e.get_exit_reason_display() if e.exit_reason else "",
            exit_reported_on=e.exit_reported_on,
        )
    return Person(
        kpjs=kpjs,
        nik_index=kpjs[0].nik_index,
        birth_date=kpjs[0].birth_date,
        reported_exit=reported,
        working=working,
    )


def contribution_months(*, person: Person, first: dt.date, last: dt.date) -> list[MonthFact]:
    """The PU contribution months of every KPJ of the person from `first` to `last` (firsts of months):
    the wage reported and whether the month is paid. One query, at most one row per month and KPJ
    and employer (the window is two years)."""
    rows = (
        Contribution.objects.filter(
            participant__in=person.participant_ids,
            participant__category=Category.PU,
            period__gte=first,
            period__lte=last,
        )
        .order_by("period")
        .values_list("period", "wage_idr", "paid_at")
    )
    return [MonthFact(period=p, wage_idr=w, paid=paid is not None) for p, w, paid in rows]


@dataclass(frozen=True)
class JpHistory:
    months: int  # distinct months with a JP contribution
    contributions_idr: int  # employer + worker JP, as reported
    average_wage_idr: int  # average JP wage (capped), from the contributions and the JP rate
    last_wage_idr: int  # the newest reported wage, capped at today's JP wage cap
    last_period: dt.date | None  # the month of that wage
    jp_percent: Decimal  # employer + worker JP rate in force today


def jp_history(*, person: Person, today: dt.date) -> JpHistory:
    """The person's JP record so far. The average capped wage is recovered from the JP contributions
    (3 % of the capped wage since July 2015) instead of re-reading every month's cap. Two queries
    plus the rate table."""
    rates = rate_table_on(today)
    try:
        percent = rates.get("JP", "PU", "employer") + rates.get("JP", "PU", "worker")
        cap = rates.rupiah("JP", "PU", "wage_cap")
    except MissingRate:
        percent, cap = Decimal(0), 0
    jp = Q(jp_employer_idr__gt=0) | Q(jp_worker_idr__gt=0)
    own = Contribution.objects.filter(participant__in=person.participant_ids)
    totals = own.filter(jp).aggregate(
        months=Count("period", distinct=True), paid=Sum(F("jp_employer_idr") + F("jp_worker_idr"))
    )
    months = totals["months"] or 0
    paid = totals["paid"] or 0
    # Rounded half up once (portal/money.py).
    average = round_rupiah(Decimal(paid) * 100 / percent / months) if months and percent else 0
    latest = (
        own.filter(participant__category=Category.PU).order_by("-period").values("wage_idr", "period").first()
    )
    return JpHistory(
        months=months,
        contributions_idr=paid,
        average_wage_idr=average,
        last_wage_idr=min(latest["wage_idr"], cap) if latest else 0,
        last_period=latest["period"] if latest else None,
        jp_percent=percent,
    )


def person_of_participant(participant: Participant) -> Person:
    """The person (every KPJ of the NIK) behind one KPJ, for the reminders (no user: a task). The
    reported exit is left out: the caller has the employment it is about."""
    kpjs = tuple(Participant.objects.filter(nik_index=participant.nik_index).order_by("registered_on", "kpj"))
    working = Employment.objects.filter(participant__in=[p.pk for p in kpjs], end_date__isnull=True).exists()
    return Person(
        kpjs=kpjs,
        nik_index=participant.nik_index,
        birth_date=participant.birth_date,
        reported_exit=None,
        working=working,
    )
