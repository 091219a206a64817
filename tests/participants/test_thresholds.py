"""Rate tables, claim thresholds and holiday overrides: effective-dated, read-only figure pages (changes go
through proposals, tests/participants/test_figure_proposals.py), administrators edit holiday overrides."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from accounts.roles import StaffRole
from claims.selectors import claim_rules_on
from claims.service_level import due_date_for
from participants.rates.models import DevelopmentRate, DiscountProgramme, HolidayOverride, Rate
from participants.rates.selectors import public_holidays_between, rate_table_on
from participants.rates.services import rate_schedule
from tests.backoffice.payment_factories import staff
from tests.factories import BranchFactory
from tests.staff_login import staff_login

TODAY = dt.date(2026, 3, 10)
RATES = "/admin/participants/rate/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(
        dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False
    ):
        yield


@pytest.fixture
def people() -> dict[str, Any]:
    branch = BranchFactory()
    return {
        "administrator": staff(StaffRole.ADMINISTRATOR),
        "reviewer": staff(StaffRole.REVIEWER, branch),
        "supervisor": staff(StaffRole.SUPERVISOR, branch),
        "auditor": staff(StaffRole.AUDITOR),
    }


def client_for(user: Any) -> Client:
    client = Client()
    staff_login(client, user)  # password + TOTP, as the staff admin requires
    return client


def online_limit() -> Rate:
    """The row in force (the Rp10 jt row before May 2025 is closed)."""
    return Rate.objects.get(
        program="KLAIM", segment="ALL", component="online_limit", effective_to__isnull=True
    )


ONLINE_LIMIT_ROWS = 2  # Rp10 jt until April 2025, Rp15 jt since May 2025


# --- Thresholds are effective-dated rows read through one selector ----------------------------


def test_claim_thresholds_come_from_the_rate_table() -> None:
    rules = claim_rules_on(TODAY)
    assert (rules.online_limit_idr, rules.second_approval_threshold_idr) == (15_000_000, 50_000_000)
    rate_schedule(
        program="KLAIM",
        segment="ALL",
        component="online_limit",
        unit="rupiah",
        value=Decimal("20000000"),
        effective_from=dt.date(2026, 4, 1),
        source="test",
    )
    assert claim_rules_on(dt.date(2026, 3, 31)).online_limit_idr == 15_000_000
    assert claim_rules_on(dt.date(2026, 4, 1)).online_limit_idr == 20_000_000
    assert rate_table_on(dt.date(2026, 4, 1)).rupiah("KLAIM", "ALL", "online_limit") == 20_000_000


# --- Who may edit: nobody edits a figure directly (changes go through proposals) ------------------


FIGURE_PAGES = (
    "/admin/participants/rate/",
    "/admin/participants/developmentrate/",
    "/admin/participants/discountprogramme/",
)


@pytest.mark.parametrize("role", ["administrator", "reviewer", "supervisor", "auditor"])
def test_every_role_only_looks_at_figures(people: dict[str, Any], role: str) -> None:
    client = client_for(people[role])
    rate = online_limit()
    DevelopmentRate.objects.create(year=2026, rate_percent=Decimal("5.000"), source="x")
    programme = DiscountProgramme.objects.order_by("pk").first()
    assert programme is not None
    rows = dict(
        zip(FIGURE_PAGES, (rate.pk, DevelopmentRate.objects.get(year=2026).pk, programme.pk), strict=True)
    )
    for page, pk in rows.items():
        assert client.get(page).status_code == 200
        assert client.get(f"{page}{pk}/change/").status_code == 200
        assert client.get(f"{page}{pk}/history/").status_code == 200
        assert client.post(f"{page}add/", {"value": "1"}).status_code == 403
        assert client.post(f"{page}{pk}/change/", {"value": "1"}).status_code == 403
        assert client.post(f"{page}{pk}/delete/", {"post": "yes"}).status_code == 403
    assert Rate.objects.filter(component="online_limit").count() == ONLINE_LIMIT_ROWS
    assert online_limit().value == Decimal("15000000")
    assert DevelopmentRate.objects.get(year=2026).rate_percent == Decimal("5.000")


@pytest.mark.parametrize("role", ["reviewer", "supervisor", "auditor"])
def test_other_roles_cannot_add_holiday_overrides(people: dict[str, Any], role: str) -> None:
    response = client_for(people[role]).post(
        "/admin/participants/holidayoverride/add/", {"date": "2026-04-02", "note": "x"}
    )
    assert response.status_code == 403
    assert not HolidayOverride.objects.exists()


def test_staff_without_role_cannot_see_rates() -> None:
    assert client_for(staff(None, BranchFactory())).get(RATES).status_code == 403


def test_no_bulk_delete_of_rates(people: dict[str, Any]) -> None:
    form = client_for(people["administrator"]).get(RATES).context["action_form"]
    names = set() if form is None else {name for name, _ in form.fields["action"].choices}
    assert "delete_selected" not in names


# --- Holidays ----------------------------------------------------------------------------------


def test_holiday_override_moves_due_dates(people: dict[str, Any]) -> None:
    # Complete on Monday 23 March 2026: five working days → Monday 30 March.
    assert due_date_for(dt.date(2026, 3, 23)) == dt.date(2026, 3, 30)
    client = client_for(people["administrator"])
    response = client.post(
        "/admin/participants/holidayoverride/add/",
        {"date": "2026-03-24", "is_holiday": "on", "note": "Cuti bersama Idul Fitri"},
    )
    assert response.status_code == 302
    assert due_date_for(dt.date(2026, 3, 23)) == dt.date(2026, 3, 31)
    assert HolidayOverride.objects.get().history.get().history_user_id == people["administrator"].pk


def test_holiday_override_can_cancel_a_library_holiday() -> None:
    assert dt.date(2026, 8, 17) in public_holidays_between(dt.date(2026, 8, 1), dt.date(2026, 8, 31))
    HolidayOverride.objects.create(date=dt.date(2026, 8, 17), is_holiday=False, note="uji")
    assert dt.date(2026, 8, 17) not in public_holidays_between(dt.date(2026, 8, 1), dt.date(2026, 8, 31))
    assert due_date_for(dt.date(2026, 8, 14)) == dt.date(2026, 8, 21)


def test_past_holiday_override_is_refused(people: dict[str, Any]) -> None:
    past = HolidayOverride.objects.create(date=dt.date(2026, 3, 2), is_holiday=True, note="lama")
    client = client_for(people["administrator"])
    response = client.post(
        f"/admin/participants/holidayoverride/{past.pk}/change/", {"date": "2026-03-02", "note": "ubah"}
    )
    assert "sudah berlaku" in response.content.decode()
    past.refresh_from_db()
    assert (past.is_holiday, past.note) == (True, "lama")
    response = client.post("/admin/participants/holidayoverride/add/", {"date": "2026-03-01", "note": "x"})
    assert "Tanggal harus setelah hari ini." in response.content.decode()
    assert HolidayOverride.objects.count() == 1


def test_holiday_overrides_are_cached_and_dropped_on_change(django_assert_num_queries: Any) -> None:
    aug = (dt.date(2026, 8, 1), dt.date(2026, 8, 31))
    override = HolidayOverride.objects.create(date=dt.date(2026, 8, 18), is_holiday=True, note="cuti")
    with django_assert_num_queries(1):
        assert dt.date(2026, 8, 18) in public_holidays_between(*aug)
    with django_assert_num_queries(0):
        assert dt.date(2026, 8, 18) in public_holidays_between(*aug)
    override.delete()
    assert dt.date(2026, 8, 18) not in public_holidays_between(*aug)


def test_holiday_overrides_are_read_from_the_database_when_the_cache_is_down(settings: Any) -> None:
    HolidayOverride.objects.create(date=dt.date(2026, 8, 18), is_holiday=True, note="cuti")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    assert dt.date(2026, 8, 18) in public_holidays_between(dt.date(2026, 8, 1), dt.date(2026, 8, 31))
