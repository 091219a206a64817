"""Simulasi iuran: exact rupiah for every segment from the rate table, tier boundaries, the page."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from contributions.simulation import (
    SimulationError,
    pmi_jht_tiers,
    simulate_bpu,
    simulate_jakon,
    simulate_pmi,
    simulate_pu,
)
from participants.rates.selectors import rate_table_on

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 10)


@pytest.fixture
def rates() -> Any:
    return rate_table_on(ON)


@pytest.mark.parametrize(
    ("income", "with_jht", "months", "jkk", "jht", "monthly", "total"),
    [
        (1_000_000, False, 1, 10_000, 0, 16_800, 16_800),
        (1_000_000, True, 1, 10_000, 20_000, 36_800, 36_800),
        (3_500_000, True, 3, 35_000, 70_000, 111_800, 335_400),
        (1_000_050, True, 6, 10_001, 20_001, 36_802, 220_812),  # 10.000,5 rounds half up
        (1_234_567, True, 12, 12_346, 24_691, 43_837, 526_044),
        (20_700_000, False, 1, 207_000, 0, 213_800, 213_800),
    ],
)
def test_bpu(
    rates: Any, income: int, with_jht: bool, months: int, jkk: int, jht: int, monthly: int, total: int
) -> None:
    r = simulate_bpu(income_idr=income, with_jht=with_jht, months=months, rates=rates)
    assert (r.monthly.jkk_idr, r.monthly.jkm_idr, r.monthly.jht_idr) == (jkk, 6_800, jht)
    assert r.monthly.total_idr == monthly
    assert r.total_idr == total


@pytest.mark.parametrize(("income", "months"), [(999_999, 1), (20_700_001, 1), (1_000_000, 2)])
def test_bpu_refuses_out_of_range(rates: Any, income: int, months: int) -> None:
    with pytest.raises(SimulationError):
        simulate_bpu(income_idr=income, with_jht=True, months=months, rates=rates)


def test_pu_both_shares_per_programme(rates: Any) -> None:
    r = simulate_pu(wage_idr=5_000_000, risk_class=1, rates=rates)
    s = r.shares
    assert (s.jht_employer_idr, s.jht_worker_idr) == (185_000, 100_000)
    assert (s.jp_employer_idr, s.jp_worker_idr) == (100_000, 50_000)
    assert (s.jkk_idr, s.jkm_idr) == (12_000, 15_000)
    assert (r.employer_idr, r.worker_idr, s.total_idr) == (312_000, 150_000, 462_000)
    assert not r.jp_capped


def test_pu_jp_wage_cap_of_2026(rates: Any) -> None:
    r = simulate_pu(wage_idr=20_000_000, risk_class=5, rates=rates)
    s = r.shares
    assert r.jp_capped
    assert r.jp_wage_idr == 11_086_300
    assert (s.jp_employer_idr, s.jp_worker_idr) == (221_726, 110_863)
    assert (s.jht_employer_idr, s.jht_worker_idr, s.jkk_idr, s.jkm_idr) == (740_000, 400_000, 348_000, 60_000)


def test_pu_jp_wage_cap_of_2025_until_february_2026() -> None:
    r = simulate_pu(wage_idr=20_000_000, risk_class=5, rates=rate_table_on(dt.date(2026, 2, 28)))
    assert r.jp_wage_idr == 10_547_400
    assert (r.shares.jp_employer_idr, r.shares.jp_worker_idr) == (210_948, 105_474)


def test_pu_jp_cap_boundary(rates: Any) -> None:
    assert not simulate_pu(wage_idr=11_086_300, risk_class=1, rates=rates).jp_capped
    over = simulate_pu(wage_idr=11_086_301, risk_class=1, rates=rates)
    assert over.jp_capped
    assert over.shares.jp_employer_idr == 221_726


@pytest.mark.parametrize(
    ("months", "jht", "package", "placement", "extra", "total"),
    [
        (6, 0, 6, 108_000, 0, 145_500),
        (7, 0, 12, 189_000, 0, 226_500),
        (12, 50_000, 12, 189_000, 0, 826_500),
        (24, 0, 24, 332_500, 0, 370_000),
        (30, 100_000, 24, 332_500, 81_000, 3_451_000),
    ],
)
def test_pmi(rates: Any, months: int, jht: int, package: int, placement: int, extra: int, total: int) -> None:
    r = simulate_pmi(contract_months=months, jht_monthly_idr=jht, rates=rates)
    assert (r.pre_departure_idr, r.package_months, r.placement_idr, r.extra_idr) == (
        37_500,
        package,
        placement,
        extra,
    )
    assert r.total_idr == total


def test_pmi_jht_tiers_and_unknown_tier(rates: Any) -> None:
    assert pmi_jht_tiers(rates) == list(range(50_000, 600_001, 50_000))
    with pytest.raises(SimulationError):
        simulate_pmi(contract_months=12, jht_monthly_idr=75_000, rates=rates)


@pytest.mark.parametrize(
    ("value", "jkk", "jkm", "tiers"),
    [
        (5_000, 11, 2, 1),  # 10,5 and 1,5 round half up
        (100_000_000, 210_000, 30_000, 1),
        (100_000_001, 210_000, 30_000, 2),  # the rupiah above the bound is in tier 2
        (150_001_000, 295_002, 40_000, 2),  # 85.001,7 → 85.002; 10.000,2 → 10.000
        (1_000_000_000, 1_540_000, 210_000, 3),
        (5_000_000_000, 5_940_000, 610_000, 4),
        (6_000_000_000, 6_840_000, 710_000, 5),
    ],
)
def test_jakon_marginal_tiers(rates: Any, value: int, jkk: int, jkm: int, tiers: int) -> None:
    r = simulate_jakon(contract_value_idr=value, rates=rates)
    assert (r.jkk_idr, r.jkm_idr, len(r.tiers)) == (jkk, jkm, tiers)
    assert sum(t.base_idr for t in r.tiers) == value
    assert r.total_idr == jkk + jkm


# --- The page ----------------------------------------------------------------------------------------


def test_page_without_input_shows_four_forms(client: Client) -> None:
    response = client.get("/simulasi/")
    assert response.status_code == 200
    body = response.content.decode()
    for heading in ("Pekerja mandiri (BPU)", "Pekerja penerima upah (PU)", "Pekerja migran Indonesia (PMI)"):
        assert heading in body
    assert "Jasa konstruksi" in body
    assert 'hx-get="/simulasi/"' in body
    assert "style=" not in body
    assert "<script>" not in body


def test_page_computes_without_javascript(client: Client) -> None:
    response = client.get(
        "/simulasi/",
        {"segmen": "bpu", "bpu-income_idr": "3.500.000", "bpu-with_jht": "on", "bpu-months": "3"},
    )
    body = response.content.decode()
    assert "<html" in body
    assert '<strong class="sim-total">Rp335.400</strong>' in body
    assert "Daftar sekarang sebagai peserta BPU" in body


def test_income_is_a_text_input_so_thousands_dots_survive(client: Client) -> None:
    """A number input turned "3.500.000" into "3.500000" and the result disappeared."""
    body = client.get("/simulasi/").content.decode()
    field = body.split('name="bpu-income_idr"', 1)[0].rsplit("<input", 1)[1]
    assert 'type="text"' in field
    assert 'inputmode="numeric"' in body.split('name="bpu-income_idr"', 1)[1].split(">", 1)[0] + field


def test_htmx_gets_the_result_fragment_only(htmx_client: Client) -> None:
    response = htmx_client.get("/simulasi/", {"segmen": "jakon", "jakon-contract_value_idr": "1000000000"})
    body = response.content.decode()
    assert "<html" not in body
    assert body.strip().startswith('<div id="result-jakon"')
    assert "Rp1.540.000" in body
    assert "Rp210.000" in body


def test_pu_and_pmi_results_on_the_page(client: Client) -> None:
    pu = client.get("/simulasi/", {"segmen": "pu", "pu-wage_idr": "5000000", "pu-risk_class": "1"})
    assert "Seluruhnya Rp462.000 per bulan." in pu.content.decode()
    pmi = client.get("/simulasi/", {"segmen": "pmi", "pmi-contract_months": "24", "pmi-jht_monthly_idr": "0"})
    assert '<strong class="sim-total">Rp370.000</strong>' in pmi.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bpu-income_idr": "999999", "bpu-months": "1"}, "Penghasilan paling sedikit Rp1.000.000."),
        ({"bpu-income_idr": "20700001", "bpu-months": "1"}, "Penghasilan paling banyak Rp20.700.000."),
        (
            {"bpu-income_idr": "1500000,50", "bpu-months": "1"},
            "Tulis rupiah utuh tanpa koma atau sen",
        ),
        ({"bpu-income_idr": "1500000", "bpu-months": "2"}, "Pilih 1, 3, 6 atau 12 bulan."),
    ],
)
def test_bad_input_gives_clear_indonesian_error(
    htmx_client: Client, params: dict[str, str], message: str
) -> None:
    response = htmx_client.get("/simulasi/", {"segmen": "bpu", **params})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "sim-total" not in body


def test_error_summary_in_the_fragment_links_to_the_field(htmx_client: Client) -> None:
    response = htmx_client.get("/simulasi/", {"segmen": "bpu", "bpu-income_idr": "999999", "bpu-months": "1"})
    body = response.content.decode()
    assert '<div class="form-error" role="alert" id="bpu-form-errors">' in body
    assert '<a href="#id_bpu-income_idr">' in body
