"""The public rate sheet (`/tarif/`, `/tarif.json`) and the simulator as JSON (`/simulasi.json`):
exact figures on chosen dates, the JSON schema, every bad parameter → 400 naming it, caching, queries."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

pytestmark = pytest.mark.django_db

SCHEMA = {
    "programme",
    "segment",
    "name",
    "value",
    "unit",
    "effective_from",
    "effective_to",
    "source",
    "confidence",
}
PUBLIC_BUDGET = 2  # the rate rows and the discount programmes; no session for anonymous visitors


def _figure(rows: list[dict[str, Any]], programme: str, segment: str, name: str) -> dict[str, Any]:
    [row] = [r for r in rows if (r["programme"], r["segment"], r["name"]) == (programme, segment, name)]
    return row


# --- /tarif.json ------------------------------------------------------------------------------------


def test_tarif_json_jp_cap_changes_on_1_march_2026(client: Client) -> None:
    before = client.get("/tarif.json", {"tanggal": "2026-02-28"}).json()
    after = client.get("/tarif.json", {"tanggal": "2026-03-01"}).json()
    assert _figure(before, "JP", "PU", "wage_cap") == {
        "programme": "JP",
        "segment": "PU",
        "name": "wage_cap",
        "value": "10547400",
        "unit": "rupiah",
        "effective_from": "2025-03-01",
        "effective_to": "2026-02-28",
        "source": "BPJS Ketenagakerjaan surat B/726/022025",
        "confidence": "likely",
    }
    cap = _figure(after, "JP", "PU", "wage_cap")
    assert (cap["value"], cap["effective_from"], cap["effective_to"], cap["confidence"]) == (
        "11086300",
        "2026-03-01",
        None,
        "likely",
    )


def test_tarif_json_schema_and_figures_in_force(client: Client) -> None:
    rows = client.get("/tarif.json", {"tanggal": "2026-06-15"}).json()
    assert isinstance(rows, list)
    assert rows
    assert all(set(row) == SCHEMA for row in rows)
    assert all(row["confidence"] in ("firm", "likely") and row["source"] for row in rows)
    # One row per name, each in force on the date.
    names = [(r["programme"], r["segment"], r["name"]) for r in rows]
    assert len(names) == len(set(names))
    assert all(
        r["effective_from"] <= "2026-06-15"
        and (r["effective_to"] is None or r["effective_to"] >= "2026-06-15")
        for r in rows
    )
    assert _figure(rows, "JKP", "PU", "percent")["value"] == "0.36"
    assert _figure(rows, "JKK", "PU", "risk_3")["value"] == "0.89"
    assert _figure(rows, "KLAIM", "ALL", "online_limit")["value"] == "15000000"
    assert _figure(rows, "JP", "PU", "pension_age")["value"] == "59"


def test_tarif_json_jkp_rate_before_pp_6_2025(client: Client) -> None:
    rows = client.get("/tarif.json", {"tanggal": "2025-02-06"}).json()
    assert _figure(rows, "JKP", "PU", "percent")["value"] == "0.46"
    assert _figure(rows, "KLAIM", "ALL", "online_limit")["value"] == "10000000"


@time_machine.travel(dt.datetime(2026, 3, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
def test_tarif_json_default_is_today_in_jakarta(client: Client) -> None:
    # 00:30 WIB on 1 March is still 28 February in UTC: Jakarta's date decides.
    rows = client.get("/tarif.json").json()
    assert _figure(rows, "JP", "PU", "wage_cap")["value"] == "11086300"


@pytest.mark.parametrize(
    "tanggal", ["2026-13-01", "kemarin", "2026-02-30", "20260301", "1990-01-01", "2099-01-01", "2026-3-1"]
)
def test_tarif_json_bad_date_is_400_naming_it(client: Client, tanggal: str) -> None:
    response = client.get("/tarif.json", {"tanggal": tanggal})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["parameter"] == "tanggal"
    assert error["message"].startswith(("Tanggal tidak valid", "Tabel tarif hanya sampai", "Tidak ada tarif"))
    assert "no-store" in response["Cache-Control"]


def test_tarif_json_public_cacheable_and_query_budget(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(PUBLIC_BUDGET):
        response = client.get("/tarif.json", {"tanggal": "2026-03-01"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300"}


# --- /tarif/ ------------------------------------------------------------------------------------------


def test_tarif_page_groups_current_history_and_discounts(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(PUBLIC_BUDGET):
        response = client.get("/tarif/", {"tanggal": "2026-03-01"})
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300"}
    page = response.content.decode()
    assert "<h1>Tarif dan aturan</h1>" in page
    assert 'id="prog-jp"' in page
    assert 'id="prog-jkp"' in page
    assert 'id="prog-klaim"' in page
    assert "Rp11.086.300" in page  # in force
    assert "BPJS Ketenagakerjaan surat B/1226/022026" in page
    assert "Rp10.547.400" in page  # the history section
    current, history = page.split('id="tariff-history"')
    assert "Rp10.547.400" not in current
    assert "Rp11.086.300" not in history
    assert "Diskon iuran JKK-JKM 50 % untuk pekerja transportasi, Jan 2026 \u2013 Mar 2027" in page
    assert '<span class="badge badge-aktif">berlaku</span>' in page
    assert 'href="/tarif.json?tanggal=2026-03-01"' in page
    assert "<script" not in page.split("</head>")[1]
    assert "style=" not in page


def test_tarif_page_before_the_cap_change(client: Client) -> None:
    page = client.get("/tarif/", {"tanggal": "2026-02-28"}).content.decode()
    current, _history = page.split('id="tariff-history"')
    assert "Rp10.547.400" in current
    assert "Rp11.086.300" not in page


@pytest.mark.parametrize(
    ("tanggal", "message"),
    [
        ("31-12-2026", "Tanggal tidak valid. Tulis dengan format TTTT-BB-HH, misalnya 2026-03-01."),
        ("1990-01-01", "Tidak ada tarif yang berlaku pada tanggal itu."),
    ],
)
def test_tarif_page_bad_date_is_a_form_error(client: Client, tanggal: str, message: str) -> None:
    response = client.get("/tarif/", {"tanggal": tanggal})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'<li><a href="#id_tanggal">Tarif yang berlaku pada tanggal</a>: {message}</li>' in page
    assert 'id="tariff-history"' not in page
    assert "no-store" in response["Cache-Control"]


def test_tarif_linked_from_footer_and_simulator(client: Client) -> None:
    home = client.get("/").content.decode()
    simulator = client.get("/simulasi/").content.decode()
    assert '<a href="/tarif/">Tarif dan aturan</a>' in home
    assert '<a href="/tarif/">Lihat semua tarif dan sumbernya</a>' in simulator


# --- /simulasi.json -----------------------------------------------------------------------------------


def test_simulasi_json_pu_jp_cap_by_date(client: Client, django_assert_max_num_queries: Any) -> None:
    query = {"segmen": "PU", "penghasilan": "20000000", "kelas_risiko": "1"}
    with django_assert_max_num_queries(PUBLIC_BUDGET):
        before = client.get("/simulasi.json", {**query, "tanggal": "2026-02-28"})
    after = client.get("/simulasi.json", {**query, "tanggal": "2026-03-01"}).json()
    assert set(before["Cache-Control"].split(", ")) == {"public", "max-age=300"}
    assert before.json() == {
        "segmen": "PU",
        "tanggal": "2026-02-28",
        "currency": "IDR",
        "components": {
            "JHT_employer": 740_000,
            "JHT_worker": 400_000,
            "JP_employer": 210_948,
            "JP_worker": 105_474,
            "JKK": 48_000,
            "JKM": 60_000,
            "JKP": 0,
        },
        "jp_wage_idr": 10_547_400,
        "jp_capped": True,
        "discounts": [],
        "employer_idr": 1_058_948,
        "worker_idr": 505_474,
        "monthly_total_idr": 1_564_422,
    }
    assert (after["components"]["JP_employer"], after["components"]["JP_worker"]) == (221_726, 110_863)
    assert after["monthly_total_idr"] == 1_580_589


def test_simulasi_json_bpu_transport_discount(client: Client) -> None:
    query = {"segmen": "BPU", "penghasilan": "1000000", "jenis_pekerjaan": "ojol"}
    during = client.get("/simulasi.json", {**query, "tanggal": "2026-06-15"}).json()
    before = client.get("/simulasi.json", {**query, "tanggal": "2025-12-31"}).json()
    assert during["components"] == {"JKK": 10_000, "JKM": 6_800, "JHT": 0}
    [discount] = during["discounts"]
    assert (discount["code"], discount["jkk_idr"], discount["jkm_idr"], discount["total_idr"]) == (
        "bpu-transportasi-2026",
        5_000,
        3_400,
        8_400,
    )
    assert during["monthly_total_idr"] == 8_400
    assert (before["discounts"], before["monthly_total_idr"]) == ([], 16_800)
    trader = client.get("/simulasi.json", {**query, "jenis_pekerjaan": "trader", "tanggal": "2026-06-15"})
    assert trader.json()["monthly_total_idr"] == 16_800


def test_simulasi_json_pu_labour_intensive_discount(client: Client) -> None:
    query = {"segmen": "PU", "penghasilan": "5000000", "kelas_risiko": "3", "tanggal": "2025-06-15"}
    plain = client.get("/simulasi.json", query).json()
    cut = client.get("/simulasi.json", {**query, "padat_karya": "1"}).json()
    assert plain["components"]["JKK"] == 44_500
    assert plain["discounts"] == []
    [discount] = cut["discounts"]
    assert discount["jkk_idr"] == 22_250
    assert cut["monthly_total_idr"] == plain["monthly_total_idr"] - 22_250


def test_simulasi_json_pmi(client: Client) -> None:
    answer = client.get("/simulasi.json", {"segmen": "PMI", "tanggal": "2026-06-15"}).json()
    assert set(answer) == {
        "segmen",
        "tanggal",
        "currency",
        "components",
        "package_months",
        "discounts",
        "total_idr",
    }
    assert answer["package_months"] == 6
    assert answer["total_idr"] == sum(answer["components"].values())


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"segmen": "XYZ", "penghasilan": "5000000"}, "segmen"),
        ({"penghasilan": "5000000"}, "segmen"),
        ({"segmen": "PU"}, "penghasilan"),
        ({"segmen": "PU", "penghasilan": "-5000"}, "penghasilan"),
        ({"segmen": "PU", "penghasilan": "lima juta"}, "penghasilan"),
        ({"segmen": "PU", "penghasilan": "99999999999999"}, "penghasilan"),
        ({"segmen": "BPU", "penghasilan": "500000"}, "penghasilan"),
        ({"segmen": "BPU", "penghasilan": "1e9"}, "penghasilan"),
        ({"segmen": "BPU", "penghasilan": "2000000", "jenis_pekerjaan": "astronaut"}, "jenis_pekerjaan"),
        ({"segmen": "PU", "penghasilan": "5000000", "kelas_risiko": "6"}, "kelas_risiko"),
        ({"segmen": "PU", "penghasilan": "5000000", "kelas_risiko": "0"}, "kelas_risiko"),
        ({"segmen": "PU", "penghasilan": "5000000", "padat_karya": "ya"}, "padat_karya"),
        ({"segmen": "PU", "penghasilan": "5000000", "tanggal": "2026-02-30"}, "tanggal"),
        ({"segmen": "PU", "penghasilan": "5000000", "tanggal": "1990-01-01"}, "tanggal"),
        ({"segmen": "BPU", "penghasilan": "2000000", "tanggal": "2010-01-01"}, "tanggal"),
        ({"segmen": "PMI", "tanggal": "2010-01-01"}, "tanggal"),
        ({"segmen": "PMI", "bulan_kontrak": "61"}, "bulan_kontrak"),
    ],
)
def test_simulasi_json_bad_parameter_is_400_naming_it(
    client: Client, query: dict[str, str], parameter: str
) -> None:
    response = client.get("/simulasi.json", query)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["parameter"] == parameter
    assert body["error"]["message"]
    assert "no-store" in response["Cache-Control"]


def test_simulasi_json_messages_are_indonesian(client: Client) -> None:
    risk = client.get("/simulasi.json", {"segmen": "PU", "penghasilan": "5000000", "kelas_risiko": "9"})
    low = client.get("/simulasi.json", {"segmen": "BPU", "penghasilan": "500000"})
    assert risk.json()["error"]["message"] == "Pilih kelas risiko 1 sampai 5."
    assert low.json()["error"]["message"] == "Penghasilan paling sedikit Rp1.000.000."


def test_simulasi_json_same_service_as_the_page(client: Client) -> None:
    """The HTML simulator and the JSON give the same total for the same input on today's table."""
    page = client.get(
        "/simulasi/", {"segmen": "pu", "pu-wage_idr": "12000000", "pu-risk_class": "2"}
    ).content.decode()
    answer = client.get(
        "/simulasi.json", {"segmen": "PU", "penghasilan": "12000000", "kelas_risiko": "2"}
    ).json()
    from portal.money import format_rupiah

    assert f"Seluruhnya {format_rupiah(answer['monthly_total_idr'])} per bulan." in page
