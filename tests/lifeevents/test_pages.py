"""The PHK and pension pages: figures on the page, bad input, access (owner, another person, staff,
anonymous), htmx fragments, query budgets and locale-proof SVG numbers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lifeevents.models import ExitDispute
from participants.models import ExitReason
from tests.factories import StaffFactory, UserFactory
from tests.lifeevents.conftest import client_for, laid_off, near_pension

pytestmark = pytest.mark.django_db

PHK = reverse("lifeevents:phk")
PENSION = reverse("lifeevents:pension")


def test_phk_page_from_the_employer_report(django_assert_max_num_queries: Any) -> None:
    worker = laid_off()
    client = client_for(worker.user)
    # Measured: session and user (2), the person's KPJs and exit (2), the 24 months (1), the JHT claim
    # facts (3 + rate tables), JP history (2 + rate table): the same for any length of history.
    with django_assert_max_num_queries(17):
        response = client.get(PHK)
    body = response.content.decode()
    assert response.status_code == 200
    jkp = response.context["overview"].jkp
    assert (jkp.eligible, jkp.counted_months, jkp.consecutive_months) == (True, 24, 24)
    # Wage Rp8.000.000 above the JKP cap: 60 % of Rp5.000.000 for 6 months.
    assert '<dd class="jkp-monthly">Rp3.000.000</dd>' in body
    assert '<strong class="jkp-total">Rp18.000.000</strong>' in body
    assert "Sisa 97 hari" in body
    assert "15 Maret 2027" in body
    assert 'data-jkp-eligible="true"' in body
    # JHT: 25 months x 5,7 % x Rp8.000.000, no tax under Rp50 jt; open since 15 October 2026.
    assert '<strong class="jht-net">Rp11.400.000</strong>' in body
    assert "sejak Kamis, 15 Oktober 2026" in body or "sejak 15 Oktober 2026" in body
    assert f'href="{reverse("claims:new")}?sebab=phk"' in body
    # JP: 25 months, a lump sum of the contributions so far.
    assert response.context["overview"].jp.estimate.lump_sum_idr == 6_000_000
    assert body.count('class="month month-paid"') == 24


def test_resigned_worker_sees_why_not_jkp_and_the_resign_claim() -> None:
    worker = laid_off(reason=ExitReason.RESIGN)
    response = client_for(worker.user).get(PHK)
    body = response.content.decode()
    assert response.context["overview"].jkp.refusals == ("exit_type",)
    assert 'data-jkp-eligible="false"' in body
    assert "bukan untuk: Mengundurkan diri" in body
    assert f'href="{reverse("claims:new")}?sebab=resign"' in body


def test_worker_states_other_facts_and_few_months() -> None:
    worker = laid_off(months=11)
    response = client_for(worker.user).get(PHK, {"tanggal": "15-09-2026", "jenis": "phk"})
    assert response.status_code == 200
    jkp = response.context["overview"].jkp
    assert (jkp.counted_months, jkp.refusals) == (11, ("too_few_months",))
    assert "tercatat 11 bulan" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tanggal": "09-12-2026", "jenis": "phk"}, "Tanggal PHK tidak boleh di masa depan."),
        ({"tanggal": "05-01-2020", "jenis": "phk"}, "Tanggal PHK tidak boleh sebelum tanggal mulai bekerja."),
        ({"tanggal": "31-02-2026", "jenis": "phk"}, "Tulis tanggal seperti 17-05-2026."),
        ({"tanggal": "15-09-2026", "jenis": "dipecat"}, "Jenis tidak dikenal. Pilih salah satu dari daftar."),
    ],
)
def test_bad_facts_are_refused_with_a_message(params: dict[str, str], message: str) -> None:
    worker = laid_off()
    response = client_for(worker.user).get(PHK, params)
    assert response.status_code == 400
    assert response.context["overview"] is None
    assert message in response.content.decode()


def test_htmx_request_gets_the_result_fragment() -> None:
    worker = laid_off()
    response = client_for(worker.user, **{"HX-Request": "true"}).get(
        PHK, {"tanggal": "15-09-2026", "jenis": "phk"}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith('<section id="result"')
    assert "<html" not in text


def test_another_persons_kpj_is_404_and_logged(monkeypatch: Any) -> None:
    from participants.views import access

    events: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(access.log, "warning", lambda event, **kw: events.append((event, kw)))
    worker = laid_off()
    stranger = UserFactory()
    for url in (f"{PHK}?kpj={worker.public_id}", reverse("lifeevents:dispute", args=[worker.public_id])):
        response = client_for(stranger).get(url)
        assert response.status_code == 404
        assert worker.kpj not in response.content.decode()
    assert [e[1]["requested_id"] for e in events] == [str(worker.public_id)] * 2
    assert {e[0] for e in events} == {"participant.idor_attempt"}


def test_staff_and_anonymous_have_no_life_event_page() -> None:
    laid_off()
    staff_response = client_for(StaffFactory()).get(PHK)
    assert staff_response.status_code == 200
    assert staff_response.context["person"] is None
    for url in (PHK, PENSION):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_pension_page_projection_and_locale_proof_svg(django_assert_max_num_queries: Any) -> None:
    worker = near_pension()
    client = client_for(worker.user)
    # Measured with 200 months of history; no query depends on the number of months.
    with django_assert_max_num_queries(15):
        response = client.get(PENSION)
    body = response.content.decode()
    assert response.status_code == 200
    overview = response.context["overview"]
    assert (overview.jp.pension.date.isoformat(), overview.jp.pension.age) == ("2027-03-10", 59)
    # 200 months at Rp6.000.000 to November 2026; December 2026 to February 2027 follow (203):
    # 1 % x 203/12 x Rp6.000.000.
    assert [(y.year, y.months, y.estimate.monthly_idr) for y in overview.projection] == [
        (2026, 201, 1_005_000),
        (2027, 203, 1_015_000),
    ]
    assert '<strong class="jp-monthly">Rp1.015.000</strong>' in body
    svg = body.split('<svg class="jht-chart jp-chart"', 1)[1].split("</svg>", 1)[0]
    assert "style" not in svg
    assert re.search(r'(x|y|x1|x2|y1|y2|width|height)="[0-9]+\.[0-9]+"', svg)  # decimals are there...
    assert not re.search(r'="[0-9.]*,[0-9]', svg)  # ...never with a localised decimal comma


def test_pension_page_lump_sum_below_180_months() -> None:
    # 120 months to November 2026, 3 more before the pension date (10-03-2027): 123 < 180, a lump sum
    # of 3 % of Rp6.000.000 x 123 = Rp22.140.000; the chart shows lump sums.
    worker = near_pension(months=120)
    response = client_for(worker.user).get(PENSION)
    overview = response.context["overview"]
    assert (overview.at_pension.kind, overview.at_pension.lump_sum_idr) == ("lump_sum", 22_140_000)
    assert response.context["chart_lump_sum"] is True
    assert [b.value_idr for b in response.context["chart"].bars] == [21_780_000, 22_140_000]
    assert "Perkiraan JP sekaligus per tahun" in response.content.decode()


def test_dispute_goes_to_the_employers_branch_queue() -> None:
    worker = laid_off()
    url = reverse("lifeevents:dispute", args=[worker.public_id])
    client = client_for(worker.user)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "claimed_end_date": "",
            "claimed_exit_type": "phk",
            "description": "Saya di-PHK, bukan mengundurkan diri.",
        },
    )
    assert response.status_code == 302
    dispute = ExitDispute.objects.get()
    assert (dispute.branch.code, dispute.reported_end_date.isoformat(), dispute.reported_exit_reason) == (
        "BDG01",
        "2026-09-15",
        "phk",
    )
    assert (dispute.claimed_exit_type, dispute.status, dispute.user_id) == (
        "phk",
        "submitted",
        worker.user_id,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"description": "Salah"}, "Isi tanggal atau jenis yang benar"),
        (
            {"claimed_end_date": "09-12-2026", "description": "Salah"},
            "Tanggal berhenti tidak boleh di masa depan.",
        ),
        ({"claimed_exit_type": "phk", "description": ""}, "Jelaskan apa yang salah"),
    ],
)
def test_bad_dispute_changes_nothing(data: dict[str, str], message: str) -> None:
    worker = laid_off()
    response = client_for(worker.user).post(reverse("lifeevents:dispute", args=[worker.public_id]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ExitDispute.objects.count() == 0


def test_pension_page_htmx_fragment_and_own_kpj_filter() -> None:
    worker = near_pension()
    fragment = client_for(worker.user, **{"HX-Request": "true"}).get(PENSION)
    assert fragment.status_code == 200
    assert fragment.content.decode().lstrip().startswith('<section id="result">')
    laid = laid_off()
    own = client_for(laid.user).get(PHK, {"kpj": str(laid.public_id)})
    assert own.status_code == 200
    assert own.context["reported"].kpj == laid.kpj
    assert client_for(laid.user).get(PHK, {"kpj": "not-a-uuid"}).status_code == 404
