"""Warnings about figures running out (participants/rates/warnings.py), on the staff dashboard and from
`manage.py check_figures`: exactly the right rows, on the right days."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.roles import StaffRole
from participants.rates.models import DevelopmentRate, Rate
from participants.rates.services import rate_schedule
from participants.rates.warnings import figure_warnings
from tests.backoffice.payment_factories import staff
from tests.factories import BranchFactory
from tests.staff_login import staff_login

pytestmark = pytest.mark.django_db

WIB = dt.timezone(dt.timedelta(hours=7))


def travel(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(9, 0), tzinfo=WIB), tick=False)


def kinds(today: dt.date) -> list[tuple[str, str]]:
    return [(w.kind, w.message) for w in figure_warnings(today=today)]


def test_in_december_2026_only_the_development_rate_is_missing() -> None:
    # The JP figures have 2026 rows (from 1 March), the BPU discount runs to March 2027, the pension age
    # 59 row ending 31 December 2027 is continued by age 60.
    assert kinds(dt.date(2026, 12, 8)) == [
        ("development_missing", "Tingkat pengembangan JHT tahun 2026 belum tercatat.")
    ]
    DevelopmentRate.objects.create(year=2026, rate_percent=Decimal("5.750"), source="RUPS")
    assert kinds(dt.date(2026, 12, 8)) == []


def test_in_february_2027_the_yearly_figures_and_the_ending_discount_warn() -> None:
    assert kinds(dt.date(2027, 2, 1)) == [
        (
            "discount_ending",
            "Program diskon Diskon iuran JKK-JKM 50 % untuk pekerja transportasi, Jan 2026 \u2013 Mar 2027 "
            "berakhir 31/03/2027 (bulan iuran terakhir 03/2027).",
        ),
        ("rate_missing", "JP/PU/wage_cap belum punya angka untuk tahun 2027."),
        ("rate_missing", "JP/PU/benefit_min belum punya angka untuk tahun 2027."),
        ("rate_missing", "JP/PU/benefit_max belum punya angka untuk tahun 2027."),
        ("development_missing", "Tingkat pengembangan JHT tahun 2027 belum tercatat."),
    ]


@pytest.mark.parametrize(
    ("today", "warned"),
    [
        (dt.date(2026, 12, 8), False),
        (dt.date(2027, 1, 29), False),  # 61 days before 31 March, the programme's last day
        (dt.date(2027, 1, 30), True),  # 60 days before
        (dt.date(2027, 3, 31), True),  # the last day
        (dt.date(2027, 4, 1), False),  # over
    ],
)
def test_a_discount_programme_warns_from_60_days_before_its_last_day(today: dt.date, warned: bool) -> None:
    assert ("discount_ending" in [w.kind for w in figure_warnings(today=today)]) is warned


def schedule(effective_from: dt.date, effective_to: dt.date | None, component: str = "online_limit") -> Rate:
    return rate_schedule(
        program="KLAIM",
        segment="ALL",
        component=component,
        unit="rupiah",
        value=Decimal("20000000"),
        effective_from=effective_from,
        effective_to=effective_to,
        source="uji",
    )


@pytest.mark.parametrize(
    ("end", "warned"),
    [
        (dt.date(2026, 12, 7), False),  # ended yesterday
        (dt.date(2026, 12, 8), True),  # ends today
        (dt.date(2027, 2, 6), True),  # today + 60 days
        (dt.date(2027, 2, 7), False),  # today + 61 days
    ],
)
def test_a_rate_warns_when_it_ends_within_60_days(end: dt.date, warned: bool) -> None:
    DevelopmentRate.objects.create(year=2026, rate_percent=Decimal("5.750"), source="RUPS")
    row = schedule(dt.date(2026, 6, 1), end)
    expected = [("rate_ending", row.pk, end)] if warned else []
    assert [(w.kind, w.row_id, w.ends_on) for w in figure_warnings(today=dt.date(2026, 12, 8))] == expected


def test_a_rate_with_a_successor_does_not_warn() -> None:
    DevelopmentRate.objects.create(year=2026, rate_percent=Decimal("5.750"), source="RUPS")
    ending = schedule(dt.date(2026, 6, 1), dt.date(2027, 1, 31))
    [warning] = figure_warnings(today=dt.date(2026, 12, 8))
    assert (warning.kind, warning.name, warning.row_id, warning.unit) == (
        "rate_ending",
        ("KLAIM", "ALL", "online_limit"),
        ending.pk,
        "rupiah",
    )
    assert warning.message == "KLAIM/ALL/online_limit berakhir 31/01/2027 dan belum ada angka penggantinya."
    schedule(dt.date(2027, 2, 1), None)
    assert figure_warnings(today=dt.date(2026, 12, 8)) == []


# --- The management command ----------------------------------------------------------------------


def test_check_figures_fails_while_a_figure_needs_a_proposal(capsys: pytest.CaptureFixture[str]) -> None:
    with travel(dt.date(2026, 12, 8)), pytest.raises(CommandError, match="1 figure"):
        call_command("check_figures")
    assert (
        "development_missing: Tingkat pengembangan JHT tahun 2026 belum tercatat." in capsys.readouterr().err
    )
    DevelopmentRate.objects.create(year=2026, rate_percent=Decimal("5.750"), source="RUPS")
    with travel(dt.date(2026, 12, 8)):
        call_command("check_figures")
    assert "nothing runs out" in capsys.readouterr().out


# --- The staff dashboard -------------------------------------------------------------------------------


def dashboard(user: Any) -> str:
    client = Client()
    with travel(dt.date(2027, 2, 1)):
        staff_login(client, user)
        return str(client.get("/admin/").content.decode())


def test_the_dashboard_warns_those_who_change_figures_with_links_to_propose() -> None:
    page = dashboard(staff(StaffRole.ADMINISTRATOR))
    assert 'id="figure-alerts"' in page
    assert page.count('class="figure-alert"') == 5
    assert "JP/PU/wage_cap belum punya angka untuk tahun 2027." in page
    assert (
        "/admin/participants/figureproposal/usul/rate_add/?program=JP&amp;segment=PU&amp;component=wage_cap"
        in page
    )
    assert "/admin/participants/figureproposal/usul/development_set/?year=2027" in page
    programme_id = figure_warnings(today=dt.date(2027, 2, 1))[0].row_id
    assert f"/admin/participants/figureproposal/usul/discount_end/?baris={programme_id}" in page


def test_a_rate_ending_links_to_a_prefilled_successor() -> None:
    ending = schedule(dt.date(2026, 6, 1), dt.date(2027, 2, 28))
    page = dashboard(staff(StaffRole.ADMINISTRATOR))
    assert ending.effective_to == dt.date(2027, 2, 28)
    assert (
        "/admin/participants/figureproposal/usul/rate_add/?program=KLAIM&amp;segment=ALL&amp;component=online_limit"
        "&amp;unit=rupiah&amp;effective_from=2027-03-01"
    ) in page


@pytest.mark.parametrize("role", [StaffRole.REVIEWER, StaffRole.SUPERVISOR, StaffRole.AUDITOR])
def test_branch_staff_and_auditors_do_not_see_figure_warnings(role: StaffRole) -> None:
    page = dashboard(staff(role, BranchFactory()))
    assert 'id="backoffice-dashboard"' in page
    assert 'id="figure-alerts"' not in page
