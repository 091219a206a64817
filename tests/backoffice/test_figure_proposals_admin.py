"""The figure proposal pages of the back office (backoffice/admin/rates.py): propose from a table, decide
on the proposal's page, the history of a proposal, and who sees which button."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from accounts.roles import StaffRole
from participants.rates.models import DiscountProgramme, FigureProposal, Rate
from tests.backoffice.payment_factories import staff
from tests.factories import BranchFactory
from tests.staff_login import staff_login

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
PROPOSALS = "/admin/participants/figureproposal/"
PROPOSE_RATE = f"{PROPOSALS}usul/rate_add/"


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def client_for(user: Any) -> Client:
    client = Client()
    staff_login(client, user)
    return client


@pytest.fixture
def maker() -> Any:
    return staff(StaffRole.ADMINISTRATOR)


@pytest.fixture
def checker() -> Any:
    return staff(StaffRole.ADMINISTRATOR)


CAP_FORM = {
    "program": "JP",
    "segment": "PU",
    "component": "wage_cap",
    "unit": "rupiah",
    "value": "11646300",
    "effective_from": "2027-03-01",
    "effective_to": "",
    "confidence": "firm",
    "source": "Surat BPJS TK B/999/022027",
    "reason": "Penyesuaian tahunan PP 45/2015",
}


def wage_cap_rows() -> int:
    return Rate.objects.filter(program="JP", component="wage_cap").count()


def test_the_tables_offer_proposals_only_to_those_who_may_propose(maker: Any) -> None:
    rate = Rate.objects.get(component="online_limit", effective_to__isnull=True)
    page = client_for(maker).get("/admin/participants/rate/").content.decode()
    assert "Usulkan tarif baru" in page
    detail = client_for(maker).get(f"/admin/participants/rate/{rate.pk}/change/").content.decode()
    assert "Usulkan tanggal akhir" in detail
    assert "Usulkan angka pengganti" in detail
    supervisor = client_for(staff(StaffRole.SUPERVISOR, BranchFactory()))
    assert "Usulkan tarif baru" not in supervisor.get("/admin/participants/rate/").content.decode()
    assert (
        "Usulkan tanggal akhir"
        not in supervisor.get(f"/admin/participants/rate/{rate.pk}/change/").content.decode()
    )
    assert supervisor.get(PROPOSE_RATE).status_code == 403
    assert supervisor.post(PROPOSE_RATE, CAP_FORM).status_code == 403
    assert not FigureProposal.objects.exists()


def test_the_table_buttons_lead_to_prefilled_proposals(maker: Any) -> None:
    rate = Rate.objects.get(component="online_limit", effective_to__isnull=True)
    client = client_for(maker)
    successor = client.get(f"/admin/participants/rate/{rate.pk}/propose_successor/")
    assert successor.status_code == 302
    assert successor.url == f"{PROPOSE_RATE}?program=KLAIM&segment=ALL&component=online_limit&unit=rupiah"
    form = client.get(successor.url).context["form"]
    assert (form["program"].value(), form["component"].value(), form["unit"].value()) == (
        "KLAIM",
        "online_limit",
        "rupiah",
    )
    end = client.get(f"/admin/participants/rate/{rate.pk}/propose_end/")
    assert end.url == f"{PROPOSALS}usul/rate_end/?baris={rate.pk}"
    page = client.get(end.url)
    assert page.status_code == 200
    assert page.context["target"] == rate
    assert client.get(f"{PROPOSALS}usul/rate_end/").status_code == 404  # no row named
    assert client.get(f"{PROPOSALS}usul/rate_end/?baris=abc").status_code == 404
    assert client.get(f"{PROPOSALS}usul/unknown/").status_code == 404


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("rate_add", "effective_from"),
        ("development_set", "rate_percent"),
        ("discount_add", "work_types"),
        ("discount_end", "last_period"),
    ],
)
def test_every_proposal_page_opens(maker: Any, kind: str, field: str) -> None:
    programme = DiscountProgramme.objects.get(code="bpu-transportasi-2026")
    query = f"?baris={programme.pk}" if kind == "discount_end" else "?year=2027"
    response = client_for(maker).get(f"{PROPOSALS}usul/{kind}/{query}")
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.fields
    assert set(form.fields) >= {"source", "reason"}
    if kind == "development_set":
        assert form["year"].value() == "2027"


def test_propose_then_another_administrator_approves(maker: Any, checker: Any) -> None:
    rows = wage_cap_rows()
    response = client_for(maker).post(PROPOSE_RATE, CAP_FORM)
    proposal = FigureProposal.objects.get()
    assert response.status_code == 302
    assert response.url == f"{PROPOSALS}{proposal.pk}/change/"
    assert wage_cap_rows() == rows

    # The proposer's page shows no decision buttons; the checker's does.
    own = client_for(maker).get(response.url).content.decode()
    assert "Usulan Anda menunggu keputusan petugas lain" in own
    assert "keputusan/setujui" not in own
    page = client_for(checker).get(response.url).content.decode()
    assert f"{PROPOSALS}{proposal.pk}/keputusan/setujui/" in page
    assert "JP/PU/wage_cap = 11646300 rupiah, berlaku 01/03/2027 s.d. —" in page

    checker_client = client_for(checker)
    assert checker_client.get(f"{PROPOSALS}{proposal.pk}/keputusan/setujui/").status_code == 200
    decided = checker_client.post(f"{PROPOSALS}{proposal.pk}/keputusan/setujui/", {"note": "sesuai surat"})
    assert decided.status_code == 302
    assert wage_cap_rows() == rows + 1
    new = Rate.objects.get(component="wage_cap", effective_from=dt.date(2027, 3, 1))
    assert (new.value, new.source) == (Decimal("11646300"), "Surat BPJS TK B/999/022027")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by_id, proposal.decision_note) == (
        "approved",
        checker.pk,
        "sesuai surat",
    )

    history = client_for(maker).get(f"{PROPOSALS}{proposal.pk}/change/").content.decode()
    assert f'data-row="rate-{new.pk}"' in history
    assert "baris baru" in history
    assert "2027-02-28" in history  # the 2026 cap's new end date, next to its old empty one
    listing = client_for(staff(StaffRole.AUDITOR)).get(PROPOSALS).content.decode()
    assert "JP/PU/wage_cap = 11646300" in listing


def test_the_proposer_cannot_approve_through_the_page(maker: Any) -> None:
    client = client_for(maker)
    client.post(PROPOSE_RATE, CAP_FORM)
    proposal = FigureProposal.objects.get()
    rows = wage_cap_rows()
    response = client.post(f"{PROPOSALS}{proposal.pk}/keputusan/setujui/", {"note": ""}, follow=True)
    assert "Usulan harus diputuskan oleh petugas lain" in response.content.decode()
    assert wage_cap_rows() == rows
    assert FigureProposal.objects.get().status == "pending"


def test_a_supervisor_cannot_decide(maker: Any) -> None:
    client_for(maker).post(PROPOSE_RATE, CAP_FORM)
    proposal = FigureProposal.objects.get()
    supervisor = client_for(staff(StaffRole.SUPERVISOR, BranchFactory()))
    assert supervisor.get(f"{PROPOSALS}{proposal.pk}/change/").status_code == 200
    assert "keputusan/setujui" not in supervisor.get(f"{PROPOSALS}{proposal.pk}/change/").content.decode()
    assert supervisor.post(f"{PROPOSALS}{proposal.pk}/keputusan/setujui/", {"note": ""}).status_code == 403
    assert FigureProposal.objects.get().status == "pending"


def test_rejection_needs_a_reason(maker: Any, checker: Any) -> None:
    client_for(maker).post(PROPOSE_RATE, CAP_FORM)
    proposal = FigureProposal.objects.get()
    client = client_for(checker)
    empty = client.post(f"{PROPOSALS}{proposal.pk}/keputusan/tolak/", {"note": ""})
    assert empty.status_code == 200
    assert FigureProposal.objects.get().status == "pending"
    client.post(f"{PROPOSALS}{proposal.pk}/keputusan/tolak/", {"note": "Surat belum terbit"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_note) == ("rejected", "Surat belum terbit")
    again = client.get(f"{PROPOSALS}{proposal.pk}/keputusan/setujui/", follow=True)
    assert "Usulan ini sudah diputuskan." in again.content.decode()


def test_a_refused_proposal_shows_the_reason_and_stores_nothing(maker: Any) -> None:
    response = client_for(maker).post(PROPOSE_RATE, {**CAP_FORM, "effective_from": "2026-12-08"})
    assert response.status_code == 200
    assert "Tanggal berlaku harus setelah hari ini" in response.content.decode()
    missing = client_for(maker).post(PROPOSE_RATE, {**CAP_FORM, "source": ""})
    assert missing.status_code == 200
    assert missing.context["form"].errors["source"]
    assert not FigureProposal.objects.exists()


def test_a_programme_extension_through_the_pages(maker: Any, checker: Any) -> None:
    programme = DiscountProgramme.objects.get(code="bpu-transportasi-2026")
    url = f"{PROPOSALS}usul/discount_end/?baris={programme.pk}"
    response = client_for(maker).post(
        url, {"last_period": "2027-12", "source": "Permenaker", "reason": "diperpanjang"}
    )
    assert response.status_code == 302
    proposal = FigureProposal.objects.get()
    assert proposal.payload == {"programme_id": programme.pk, "last_period": "2027-12-01"}
    client_for(checker).post(f"{PROPOSALS}{proposal.pk}/keputusan/setujui/", {"note": ""})
    programme.refresh_from_db()
    assert programme.last_period == dt.date(2027, 12, 1)


def test_a_new_discount_programme_through_the_pages(maker: Any) -> None:
    response = client_for(maker).post(
        f"{PROPOSALS}usul/discount_add/",
        {
            "code": "bpu-nelayan-2027",
            "label": "Diskon nelayan",
            "segment": "BPU",
            "components": ["JKK", "JKM"],
            "percent": "50",
            "first_period": "2027-01",
            "last_period": "2027-12",
            "work_types": ["fisher"],
            "excludes_state_paid": "on",
            "confidence": "likely",
            "source": "Permenaker 99/2026",
            "reason": "program baru",
        },
    )
    assert response.status_code == 302
    assert FigureProposal.objects.get().payload["work_types"] == ["fisher"]
    assert not DiscountProgramme.objects.filter(code="bpu-nelayan-2027").exists()
