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

from django.db import connection
from django.utils.translation import gettext_lazy as _

from participants.ledger.models import JhtBalance
from participants.models import Category, Contribution, MembershipStatus, Participant, StatusReason, User
from participants.overview.alerts import (
    WageDrop,
    missing_months,
    months_between,
    wage_drops,
    window_start,
)
from portal.dates import add_months
from portal.next_action import Action, KpjRef, facts_for

LAST_CONTRIBUTIONS = 6

# Why the status is what it is, and what the participant can do about it
# (docs/contributions.md#due-dates-and-late-payment, docs/claims.md#reasons-and-timing).
STATUS_HELP: dict[str, Any] = {
    StatusReason.REGISTERED: _(
        "Anda terdaftar dan iuran Anda tercatat. Periksa riwayat iuran secara berkala."
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


# The dashboard is the busiest page, so its two queries are fixed SQL rather than querysets: building
# and compiling the equivalent ORM queries (a subquery, a join and five window aggregates) cost ~3 ms
# of CPU per request, more than the rest of the selector and PostgreSQL together (bench/README.md).
# tests/participants/test_dashboard.py checks the results; the ORM version is in git history.
_BALANCE_COLUMNS = ("balance_idr", "employer_idr", "worker_idr", "development_idr", "other_idr")

# Every KPJ of the person shares the NIK blind index, so filter on the (indexed) nik_index first; an
# OR with `user = ...` alone would make PostgreSQL scan the whole participants table. A window
# aggregate gives every linked row the person's totals, no second query.
_PEOPLE_SQL = """
SELECT p.*,
       b.account_id AS b_account_id, b.entries_count AS b_entries_count, b.updated_at AS b_updated_at,
       b.balance_idr AS b_balance_idr, b.employer_idr AS b_employer_idr, b.worker_idr AS b_worker_idr,
       b.development_idr AS b_development_idr, b.other_idr AS b_other_idr,
       sum(b.balance_idr) OVER person AS total_balance_idr,
       sum(b.employer_idr) OVER person AS total_employer_idr,
       sum(b.worker_idr) OVER person AS total_worker_idr,
       sum(b.development_idr) OVER person AS total_development_idr,
       sum(b.other_idr) OVER person AS total_other_idr
FROM participants_participant p
LEFT JOIN participants_jhtbalance b ON b.account_id = p.id
WHERE p.nik_index IN (SELECT nik_index FROM participants_participant WHERE user_id = %(user)s)
  AND (p.user_id = %(user)s OR p.user_id IS NULL)
WINDOW person AS (PARTITION BY p.user_id)
ORDER BY p.registered_on, p.kpj
"""

_CONTRIBUTIONS_SQL = """
SELECT c.participant_id, c.period, c.wage_idr, c.jht_employer_idr, c.jht_worker_idr, c.posted_at,
       e.name AS employer__name
FROM participants_contribution c
JOIN participants_participant p ON p.id = c.participant_id
LEFT JOIN participants_employer e ON e.id = c.employer_id
WHERE p.user_id = %(user)s AND c.period >= %(since)s
ORDER BY c.period DESC, c.posted_at DESC
"""


def _balance(participant: Any) -> JhtBalance:
    """The balance row joined by `_PEOPLE_SQL` (an empty one for a KPJ without ledger entries)."""
    if participant.b_account_id is None:
        return JhtBalance(account=participant)
    return JhtBalance(
        account=participant,
        entries_count=participant.b_entries_count,
        updated_at=participant.b_updated_at,
        **{c: getattr(participant, f"b_{c}") for c in _BALANCE_COLUMNS},
    )


@dataclass(frozen=True)
class StripCell:
    """One month of the 24-month contribution strip: "paid", "missing" (due, no iuran) or "open"
    (not due yet, or before registration). `x` is the SVG position, computed here so the template
    writes no arithmetic (and no localised numbers)."""

    month: dt.date
    state: str
    x: int


STRIP_CELL = 26  # SVG user units per month


def contribution_strip(
    *, months_paid: set[dt.date], missing: list[dt.date], today: dt.date
) -> list[StripCell]:
    missing_set = set(missing)
    cells = []
    for i, month in enumerate(months_between(window_start(today), today)):
        state = "paid" if month in months_paid else "missing" if month in missing_set else "open"
        cells.append(StripCell(month, state, i * STRIP_CELL))
    return cells


@dataclass
class KpjSummary:
    participant: Participant
    balance: JhtBalance
    status_help: Any
    programmes: list[str]
    missing: list[dt.date] = field(default_factory=list)
    drops: list[WageDrop] = field(default_factory=list)
    strip: list[StripCell] = field(default_factory=list)  # the 24-month picture, oldest first
    today: dt.date = dt.date.min

    @property
    def is_bpu(self) -> bool:
        return self.participant.category == Category.BPU

    @property
    def has_alerts(self) -> bool:
        return bool(self.missing or self.drops)

    @property
    def protection_expired(self) -> bool:
        until = self.participant.protected_until
        return until is not None and until < self.today

    @property
    def missing_advice(self) -> str:
        from participants.overview.next_action import missing_advice

        return missing_advice(self.participant.category)


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
    today: dt.date
    actions: list[Action] = field(
        default_factory=list
    )  # most urgent first (participants/overview/next_action.py)

    @property
    def has_alerts(self) -> bool:
        return any(k.has_alerts for k in self.kpjs)

    @property
    def next_action(self) -> Action | None:
        return self.actions[0] if self.actions else None


def dashboard_for_user(*, user: User, today: dt.date) -> Dashboard:
    """Everything the dashboard shows, in two queries whatever the number of KPJs and years, plus one
    per registered next-action source (open bill, claims)."""
    from participants.overview.next_action import ranked_actions  # it imports KpjSummary from here

    people: list[Any] = list(Participant.objects.raw(_PEOPLE_SQL, {"user": user.pk}))
    linked = [p for p in people if p.user_id == user.pk]
    unlinked = [p for p in people if p.user_id is None]
    totals = Totals()
    if linked:
        first = linked[0]
        totals = Totals(*(getattr(first, f"total_{c}") or 0 for c in _BALANCE_COLUMNS))

    start = window_start(today)
    with connection.cursor() as cursor:
        cursor.execute(_CONTRIBUTIONS_SQL, {"user": user.pk, "since": add_months(start, -1)})
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
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
        summary = KpjSummary(
            participant=p,
            balance=_balance(p),
            status_help=STATUS_HELP.get(p.status_reason, ""),
            programmes=_programmes(p, has_jht=p.pk in has_jht),
            missing=missing_months(
                months_paid=kpj_wages.keys(),
                registered_on=p.registered_on,
                today=today,
                pays_own=p.category == Category.BPU,
                # A BPU's unpaid month is a month without protection whatever the status, so the
                # count keeps its meaning after she pays again (a payment does not undo a gap).
                active=p.status == MembershipStatus.AKTIF or p.category == Category.BPU,
                status_since=p.status_since,
            ),
            drops=wage_drops(wages_by_month=kpj_wages, today=today),
        )
        summary.today = today
        summary.strip = contribution_strip(months_paid=set(kpj_wages), missing=summary.missing, today=today)
        summaries.append(summary)
    last = [{**row, "kpj": by_id[row["participant_id"]].kpj} for row in rows[:LAST_CONTRIBUTIONS]]
    actions: list[Action] = []
    if linked:
        refs = [KpjRef(p.pk, p.public_id, p.category) for p in linked]
        facts = facts_for(user_id=user.pk, kpjs=refs)
        for summary in summaries:
            extra = set().union(*(f.programmes.get(summary.participant.pk, set()) for f in facts))
            summary.programmes += [code for code in sorted(extra) if code not in summary.programmes]
        actions = ranked_actions(summaries, facts, today=today)
    return Dashboard(summaries, unlinked, totals, last, start, today, actions)


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
