"""Issue 18: the rate table is true on every date, rows never overlap, discount programmes are billed,
simulated and printed as their own line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client

from contributions.billing import bill_preview
from contributions.models import PaymentMonth, Receipt
from contributions.services import payment_create
from contributions.simulation import SimulationError
from contributions.simulator import simulation_run
from participants.models import Contribution, Rate
from participants.rates.selectors import MissingRate, rate_table_on
from participants.rates.services import rate_schedule
from tests.contributions.conftest import post_notification
from tests.contributions.factories import bpu_participant, gateway_says, notification

pytestmark = pytest.mark.django_db

LABEL = "Diskon iuran JKK-JKM 50 % untuk pekerja transportasi, Jan 2026 \u2013 Mar 2027"


# --- The table on every date ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("program", "component", "on", "value"),
    [
        ("JP", "wage_cap", dt.date(2026, 2, 28), Decimal("10547400")),
        ("JP", "wage_cap", dt.date(2026, 3, 1), Decimal("11086300")),
        ("JP", "wage_cap", dt.date(2024, 3, 1), Decimal("10042300")),
        ("JKP", "percent", dt.date(2025, 2, 6), Decimal("0.46")),
        ("JKP", "percent", dt.date(2025, 2, 7), Decimal("0.36")),
        ("JKP", "claim_window_months", dt.date(2025, 2, 6), Decimal("3")),
        ("JKP", "claim_window_months", dt.date(2025, 2, 7), Decimal("6")),
        ("JP", "pension_age", dt.date(2024, 12, 31), Decimal("58")),
        ("JP", "pension_age", dt.date(2025, 1, 1), Decimal("59")),
        ("JP", "pension_age", dt.date(2028, 1, 1), Decimal("60")),
        ("JP", "pension_age", dt.date(2043, 1, 1), Decimal("65")),
        ("JP", "benefit_min", dt.date(2026, 3, 1), Decimal("411400")),
        ("JP", "benefit_max", dt.date(2026, 3, 1), Decimal("4932300")),
    ],
)
def test_figure_in_force_on_each_date(program: str, component: str, on: dt.date, value: Decimal) -> None:
    assert rate_table_on(on).get(program, "PU", component) == value


def test_online_claim_limit_was_10_million_until_april_2025() -> None:
    assert rate_table_on(dt.date(2025, 4, 30)).rupiah("KLAIM", "ALL", "online_limit") == 10_000_000
    assert rate_table_on(dt.date(2025, 5, 1)).rupiah("KLAIM", "ALL", "online_limit") == 15_000_000


def test_rows_carry_source_confidence_and_an_end_date() -> None:
    cap_2025 = Rate.objects.get(program="JP", component="wage_cap", effective_from=dt.date(2025, 3, 1))
    assert (cap_2025.effective_to, cap_2025.confidence) == (dt.date(2026, 2, 28), "likely")
    assert "B/726/022025" in cap_2025.source
    jkp = Rate.objects.get(program="JKP", component="percent", effective_from=dt.date(2025, 2, 7))
    assert (jkp.effective_to, jkp.confidence, jkp.source.startswith("PP 6/2025")) == (None, "firm", True)


def test_a_date_before_the_table_has_no_figures() -> None:
    with pytest.raises(MissingRate):
        rate_table_on(dt.date(1990, 1, 1)).get("JHT", "PU", "employer")


def test_overlapping_row_is_refused_by_the_database() -> None:
    before = list(Rate.objects.filter(component="online_limit").values_list("pk", "effective_to"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Rate.objects.create(
            program="KLAIM",
            segment="ALL",
            component="online_limit",
            unit="rupiah",
            value=Decimal("20000000"),
            effective_from=dt.date(2026, 4, 1),
            source="test",
        )
    assert list(Rate.objects.filter(component="online_limit").values_list("pk", "effective_to")) == before


def test_a_row_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Rate.objects.create(
            program="JKP",
            segment="PU",
            component="new_figure",
            unit="count",
            value=Decimal("1"),
            effective_from=dt.date(2026, 4, 1),
            effective_to=dt.date(2026, 3, 31),
            source="test",
        )


def test_rate_schedule_closes_the_figure_it_replaces() -> None:
    new = rate_schedule(
        program="KLAIM",
        segment="ALL",
        component="online_limit",
        unit="rupiah",
        value=Decimal("20000000"),
        effective_from=dt.date(2027, 1, 1),
        source="test",
    )
    old = Rate.objects.get(component="online_limit", effective_from=dt.date(2025, 5, 1))
    assert old.effective_to == dt.date(2026, 12, 31)
    assert rate_table_on(dt.date(2026, 12, 31)).rupiah("KLAIM", "ALL", "online_limit") == 15_000_000
    assert rate_table_on(dt.date(2027, 1, 1)).rupiah("KLAIM", "ALL", "online_limit") == 20_000_000
    assert new.effective_to is None


# --- Discounts on the bill ----------------------------------------------------------------------------


@pytest.fixture
def march_2026() -> Any:
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.mark.parametrize(
    ("work_type", "jkk", "jkm", "discount"),
    [
        ("ojol", 5_000, 3_400, 8_400),
        ("driver", 5_000, 3_400, 8_400),
        ("trader", 10_000, 6_800, 0),
        ("", 10_000, 6_800, 0),
    ],
)
def test_transport_workers_pay_half_jkk_jkm(
    march_2026: None, work_type: str, jkk: int, jkm: int, discount: int
) -> None:
    participant = bpu_participant(income_idr=1_000_000, with_jht=False)
    participant.bpu_profile.work_type = work_type
    participant.bpu_profile.save()
    bill = bill_preview(participant=participant, months=1)
    (month,) = bill.months
    assert (month.jkk_idr, month.jkm_idr, month.discount_idr) == (jkk, jkm, discount)
    assert bill.total_idr == jkk + jkm
    assert bill.discount_labels == ([LABEL] if discount else [])


def test_discount_stops_after_march_2027() -> None:
    with time_machine.travel(dt.datetime(2027, 2, 10, 10, tzinfo=dt.UTC), tick=False):
        participant = bpu_participant(income_idr=3_000_000, with_jht=True)
        participant.bpu_profile.work_type = "ojol"
        participant.bpu_profile.save()
        bill = bill_preview(participant=participant, months=3)
    # February and March 2027 discounted (JKK 30.000 -> 15.000, JKM 6.800 -> 3.400); April 2027 not.
    assert [(m.period.month, m.jkk_idr, m.jkm_idr, m.jht_idr, m.discount_idr) for m in bill.months] == [
        (2, 15_000, 3_400, 60_000, 18_400),
        (3, 15_000, 3_400, 60_000, 18_400),
        (4, 30_000, 6_800, 60_000, 0),
    ]
    assert (bill.total_idr, bill.discount_idr) == (78_400 * 2 + 96_800, 36_800)


def test_discounted_payment_is_stored_credited_and_printed(march_2026: None, owner: Any) -> None:
    participant = bpu_participant(user=owner, income_idr=1_000_000, with_jht=True)
    participant.bpu_profile.work_type = "ojol"
    participant.bpu_profile.save()
    payment = payment_create(
        user=owner, participant_public_id=participant.public_id, months=1, channel="bca_va"
    )
    assert payment.amount_idr == 5_000 + 3_400 + 20_000
    row = PaymentMonth.objects.get(payment=payment)
    assert (row.jkk_idr, row.jkm_idr, row.discount_idr, row.discount_code) == (
        5_000,
        3_400,
        8_400,
        "bpu-transportasi-2026",
    )
    gateway_says(payment, "settlement")
    assert post_notification(Client(), notification(payment, "settlement")).status_code == 200
    contribution = Contribution.objects.get(participant=participant)
    assert (contribution.jkk_idr, contribution.jkm_idr, contribution.jht_worker_idr) == (5_000, 3_400, 20_000)
    snapshot = Receipt.objects.get(payment=payment).snapshot
    assert snapshot["discounts"] == [{"label": LABEL, "total_idr": 8_400}]
    assert snapshot["months"][0]["discount_idr"] == 8_400


def test_bill_preview_page_shows_the_discount_line(march_2026: None, owner: Any) -> None:
    participant = bpu_participant(user=owner, income_idr=1_000_000, with_jht=False)
    participant.bpu_profile.work_type = "driver"
    participant.bpu_profile.save()
    client = Client()
    client.force_login(owner)
    response = client.get(f"/payments/kpj/{participant.public_id}/bayar/", {"months": 1})
    html = response.content.decode()
    assert LABEL in html
    assert "-Rp8.400" in html


# --- Discounts in the simulator -----------------------------------------------------------------------


def test_simulator_bpu_transport_discount() -> None:
    params = {"income_idr": 1_000_000, "with_jht": False, "months": 12, "work_type": "ojol"}
    _, r = simulation_run(segment="bpu", params=params, on=dt.date(2026, 3, 10))
    assert (r.monthly.total_idr, r.discount_idr, r.monthly_idr, r.total_idr) == (
        16_800,
        8_400,
        8_400,
        100_800,
    )
    _, before = simulation_run(segment="bpu", params=params, on=dt.date(2025, 12, 31))
    assert (before.discount, before.monthly_idr) == (None, 16_800)


@pytest.mark.parametrize(
    ("risk_class", "jkk", "discount"),
    [(1, 12_000, 6_000), (2, 27_000, 13_500), (3, 44_500, 22_250), (4, 63_500, 31_750), (5, 87_000, 43_500)],
)
def test_simulator_labour_intensive_jkk_half_rate(risk_class: int, jkk: int, discount: int) -> None:
    params = {"wage_idr": 5_000_000, "risk_class": risk_class, "labour_intensive": True}
    _, r = simulation_run(segment="pu", params=params, on=dt.date(2025, 6, 15))
    assert (r.shares.jkk_idr, r.discount_idr) == (jkk, discount)
    assert r.employer_idr == 185_000 + 100_000 + jkk + 15_000 - discount
    # The programme ended with the iuran of January 2026 (PP 36/2025 Pasal 10A).
    _, later = simulation_run(segment="pu", params=params, on=dt.date(2026, 2, 1))
    assert later.discount is None
    _, not_labour_intensive = simulation_run(
        segment="pu", params={**params, "labour_intensive": False}, on=dt.date(2025, 6, 15)
    )
    assert not_labour_intensive.discount is None


def test_simulator_refuses_a_date_before_the_table() -> None:
    with pytest.raises(SimulationError):
        simulation_run(segment="pu", params={"wage_idr": 5_000_000, "risk_class": 1}, on=dt.date(1990, 1, 1))


def test_simulator_page_shows_the_discount_line() -> None:
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC), tick=False):
        response = Client().get(
            "/simulasi/",
            {"segmen": "bpu", "bpu-income_idr": "1000000", "bpu-months": "1", "bpu-work_type": "ojol"},
        )
    html = response.content.decode()
    assert LABEL in html
    assert "Rp8.400" in html


def test_simulator_page_refuses_an_unknown_work_type() -> None:
    response = Client().get(
        "/simulasi/",
        {"segmen": "bpu", "bpu-income_idr": "1000000", "bpu-months": "1", "bpu-work_type": "pilot"},
    )
    assert response.status_code == 200
    assert "Jenis pekerjaan tidak dikenal." in response.content.decode()
