"""Reads for the participant's JHT pages (dashboard and contribution history).

Both pages run a fixed number of SQL queries whatever the length of the history: the dashboard reads
the KPJs of the person (linked and not yet linked, one query, balances joined, totals by a window
aggregate) and the contributions of a bounded window of months (one query); the history page reads one
KPJ and one year of contributions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q, Sum, Window
from django.utils.translation import gettext_lazy as _

from participants.ledger.models import JhtBalance
from participants.models import Category, Contribution, MembershipStatus, Participant, StatusReason, User
from participants.overview.alerts import (
    WageDrop,
    add_months,
    missing_months,
    months_between,
    wage_drops,
    window_start,
)

LAST_CONTRIBUTIONS = 6

# Why the status is what it is, and what the participant can do about it (DOMAIN.md §1, §4).
STATUS_HELP: dict[str, Any] = {
    StatusReason.REGISTERED: _(
        "Anda terdaftar dan iuran Anda tercatat. Tidak ada yang perlu dilakukan; periksa riwayat iuran "
        "secara berkala."
    ),
    StatusReason.PAID_AGAIN: _(
        "Iuran Anda sudah dibayar kembali sehingga kepesertaan aktif lagi. Bayar iuran setiap bulan agar "
        "tetap terlindungi."
    ),
    StatusReason.EXIT_REPORTED: _(
        "Pemberi kerja sudah melaporkan bahwa Anda berhenti bekerja. Jika Anda mengundurkan diri atau "
        "terkena PHK, klaim JHT dapat diajukan 1 bulan setelah tanggal berhenti bekerja."
    ),
    StatusReason.UNPAID_3_MONTHS: _(
        "Iuran tidak dibayar selama 3 bulan berturut-turut. Bayar iuran bulan berjalan untuk "
        "mengaktifkan kembali perlindungan Anda; tidak ada denda."
    ),
    StatusReason.MERGED: _(
        "Saldo KPJ ini sudah digabungkan ke KPJ lain. Saldo Anda dapat dilihat pada KPJ tujuan."
    ),
    StatusReason.CLAIMED: _("JHT pada KPJ ini sudah diklaim dan dibayarkan."),
}


def _programmes(participant: Participant, *, has_jht: bool) -> list[str]:
    if participant.category == Category.PU:
        return ["JHT", "JKK", "JKM", "JP", "JKP"]
    if participant.category == Category.BPU:
        return ["JKK", "JKM", *(["JHT"] if has_jht else [])]
    if participant.category == Category.PMI:
        return ["JKK", "JKM", *(["JHT"] if has_jht else [])]
    return ["JKK", "JKM"]


def _balance(participant: Participant) -> JhtBalance:
    try:
        return participant.jht_balance
    except JhtBalance.DoesNotExist:
        return JhtBalance(account=participant)


@dataclass
class KpjSummary:
    participant: Participant
    balance: JhtBalance
    status_help: Any
    programmes: list[str]
    missing: list[dt.date] = field(default_factory=list)
    drops: list[WageDrop] = field(default_factory=list)

    @property
    def is_bpu(self) -> bool:
        return self.participant.category == Category.BPU

    @property
    def has_alerts(self) -> bool:
        return bool(self.missing or self.drops)


@dataclass
class Totals:
    balance_idr: int = 0
    employer_idr: int = 0
    worker_idr: int = 0
    development_idr: int = 0
    other_idr: int = 0


@dataclass
class Dashboard:
    kpjs: list[KpjSummary]
    unlinked: list[Participant]
    totals: Totals
    last_contributions: list[dict[str, Any]]
    window_start: dt.date

    @property
    def has_alerts(self) -> bool:
        return any(k.has_alerts for k in self.kpjs)


def _total(column: str) -> Window:
    # A window aggregate: every linked row carries the person's totals, no second query.
    return Window(Sum(f"jht_balance__{column}"), partition_by=[F("user_id")])


def dashboard_for_user(*, user: User, today: dt.date) -> Dashboard:
    """Everything the dashboard shows, in two queries whatever the number of KPJs and years."""
    own_indexes = Participant.objects.filter(user=user).values("nik_index")
    people: list[Participant] = list(
        # Every KPJ of the person shares the NIK blind index, so filter on the (indexed) nik_index
        # first; an OR with `user = ...` would make PostgreSQL scan the whole participants table.
        Participant.objects.filter(nik_index__in=own_indexes)
        .filter(Q(user=user) | Q(user__isnull=True))
        .select_related("jht_balance", "branch")
        .annotate(
            total_balance_idr=_total("balance_idr"),
            total_employer_idr=_total("employer_idr"),
            total_worker_idr=_total("worker_idr"),
            total_development_idr=_total("development_idr"),
            total_other_idr=_total("other_idr"),
        )
        .order_by("registered_on", "kpj")
    )
    linked = [p for p in people if p.user_id == user.pk]
    unlinked = [p for p in people if p.user_id is None]
    totals = Totals()
    if linked:
        first: Any = linked[0]
        totals = Totals(
            first.total_balance_idr or 0,
            first.total_employer_idr or 0,
            first.total_worker_idr or 0,
            first.total_development_idr or 0,
            first.total_other_idr or 0,
        )

    start = window_start(today)
    rows = list(
        Contribution.objects.filter(participant__user=user, period__gte=add_months(start, -1))
        .order_by("-period", "-posted_at")
        .values(
            "participant_id",
            "period",
            "wage_idr",
            "jht_employer_idr",
            "jht_worker_idr",
            "posted_at",
            "employer__name",
        )
    )
    wages: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    has_jht: set[int] = set()
    for row in rows:
        wages[row["participant_id"]][row["period"]] += row["wage_idr"]
        if row["jht_employer_idr"] or row["jht_worker_idr"]:
            has_jht.add(row["participant_id"])

    by_id = {p.pk: p for p in linked}
    summaries = []
    for p in linked:
        kpj_wages = wages.get(p.pk, {})
        summaries.append(
            KpjSummary(
                participant=p,
                balance=_balance(p),
                status_help=STATUS_HELP.get(p.status_reason, ""),
                programmes=_programmes(p, has_jht=p.pk in has_jht),
                missing=missing_months(
                    months_paid=kpj_wages.keys(),
                    registered_on=p.registered_on,
                    today=today,
                    pays_own=p.category == Category.BPU,
                    active=p.status == MembershipStatus.AKTIF,
                    status_since=p.status_since,
                ),
                drops=wage_drops(wages_by_month=kpj_wages, today=today),
            )
        )
    last = [{**row, "kpj": by_id[row["participant_id"]].kpj} for row in rows[:LAST_CONTRIBUTIONS]]
    return Dashboard(summaries, unlinked, totals, last, start)


@dataclass
class HistoryMonth:
    month: dt.date
    contributions: list[Contribution]
    due: bool  # the month is over (a missing contribution is worth pointing out)

    @property
    def missing(self) -> bool:
        return self.due and not self.contributions


@dataclass
class History:
    participant: Participant
    year: int
    years: list[int]
    months: list[HistoryMonth]
    total_wage_idr: int
    total_jht_idr: int

    @property
    def previous_year(self) -> int | None:
        return self.year - 1 if self.year - 1 in self.years else None

    @property
    def next_year(self) -> int | None:
        return self.year + 1 if self.year + 1 in self.years else None

    @property
    def has_contributions(self) -> bool:
        return any(m.contributions for m in self.months)


def history_years(participant: Participant, today: dt.date) -> list[int]:
    """Years from registration to today, newest first (computed, no query)."""
    return list(range(today.year, min(participant.registered_on.year, today.year) - 1, -1))


def history_for_participant(*, participant: Participant, year: int, today: dt.date) -> History:
    """One KPJ's year month by month. One query (the participant is already loaded by its selector)."""
    years = history_years(participant, today)
    contributions = list(
        Contribution.objects.filter(participant=participant, period__year=year)
        .select_related("employer")
        .order_by("period", "posted_at")
    )
    by_month: dict[dt.date, list[Contribution]] = defaultdict(list)
    for c in contributions:
        by_month[c.period].append(c)
    first = max(dt.date(year, 1, 1), participant.registered_on.replace(day=1))
    last = min(dt.date(year, 12, 1), today.replace(day=1))
    current = today.replace(day=1)
    months = [HistoryMonth(m, by_month.get(m, []), m < current) for m in months_between(first, last)]
    return History(
        participant=participant,
        year=year,
        years=years,
        months=months,
        total_wage_idr=sum(c.wage_idr for c in contributions),
        total_jht_idr=sum(c.jht_idr for c in contributions),
    )
