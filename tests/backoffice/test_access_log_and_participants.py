"""Access-log rows for each sensitive view; participants: search (NIK through the blind index, KPJ, name,
email, phone), NIK reveal, status and personal-data corrections with history; balance corrections under
maker-checker; the dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from backoffice.models import AccessKind, AccessLog, CorrectionRequest, CorrectionStatus
from backoffice.services import BackofficeError, correction_request_approve, correction_request_create
from claims.models import ClaimDocument
from participants.ledger.models import EntryKind, JhtBalance, LedgerEntry
from tests.backoffice.conftest import staff_client
from tests.backoffice.helpers import claim_of, person_in
from tests.claims.factories import pdf

pytestmark = pytest.mark.django_db


def logs(user: Any) -> list[tuple[str, Any, Any]]:
    return list(
        AccessLog.objects.filter(actor=user).order_by("pk").values_list("kind", "participant", "claim")
    )


def test_claim_page_logs_the_balance_view(jkt: Any, reviewer: Any) -> None:
    claim = claim_of(jkt)
    response = staff_client(reviewer).get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert claim.participant.nik not in html
    assert response.context["masked_nik"] in html
    assert logs(reviewer) == [(AccessKind.BALANCE, claim.participant_id, claim.pk)]


def test_each_document_view_is_logged_and_served_privately(jkt: Any, reviewer: Any) -> None:
    claim = claim_of(jkt)
    doc = ClaimDocument.objects.create(
        claim=claim, doc_type="ktp", file=pdf(), content_type="application/pdf"
    )
    client = staff_client(reviewer)
    url = reverse("admin:claims_claim_document", args=[claim.pk, doc.public_id])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    preview = client.get(url + "?pratinjau=1")
    assert preview.status_code == 200
    assert preview["Content-Type"] == "image/jpeg"
    assert logs(reviewer) == [(AccessKind.DOCUMENTS, claim.participant_id, claim.pk)] * 2
    assert list(AccessLog.objects.filter(actor=reviewer).order_by("pk").values_list("detail", flat=True)) == [
        "ktp",
        "ktp (pratinjau)",
    ]


def test_review_page_never_links_to_storage(jkt: Any, reviewer: Any) -> None:
    claim = claim_of(jkt)
    doc = ClaimDocument.objects.create(
        claim=claim, doc_type="ktp", file=pdf(), content_type="application/pdf"
    )
    html = staff_client(reviewer).get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert (doc.file.name or "") not in html
    assert reverse("admin:claims_claim_document", args=[claim.pk, doc.public_id]) in html


def test_show_nik_needs_a_reason_and_is_logged(jkt: Any, reviewer: Any) -> None:
    person = person_in(jkt)
    client = staff_client(reviewer)
    page = client.get(reverse("admin:participants_participant_change", args=[person.pk]))
    assert person.nik not in page.content.decode()
    url = reverse("admin:participants_participant_action", args=[person.pk, "tampilkan-nik"])
    assert client.get(url).status_code == 302  # GET shows nothing
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 302
    assert logs(reviewer) == [(AccessKind.BALANCE, person.pk, None)]
    response = client.post(url, {"reason": "Pencocokan data dengan KTP di loket"})
    assert response.status_code == 200
    assert person.nik in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert logs(reviewer)[-1] == (AccessKind.NIK, person.pk, None)
    assert AccessLog.objects.filter(kind=AccessKind.NIK).get().detail == "Pencocokan data dengan KTP di loket"


def test_participant_page_paginates_the_ledger(
    jkt: Any, reviewer: Any, django_assert_max_num_queries: Any
) -> None:
    from tests.claims.factories import credit

    person = person_in(jkt)
    for _ in range(30):
        credit(person, 1000)
    client = staff_client(reviewer)
    url = reverse("admin:participants_participant_change", args=[person.pk])
    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert len(response.context["ledger"]["rows"]) == 24
    assert response.context["ledger"]["has_next"] is True
    second = client.get(url + "?mutasi=2")
    assert len(second.context["ledger"]["rows"]) == 31 - 24  # 30 credits + the opening balance


@pytest.mark.parametrize("how", ["nik", "kpj", "name", "email", "phone"])
def test_participant_search(how: str, jkt: Any, reviewer: Any) -> None:
    person = person_in(jkt, full_name="Siti Rahmawati")
    person_in(jkt, full_name="Joko Widodo")
    type(person).objects.filter(pk=person.pk).update(phone="081299887766", email="siti@contoh.id")
    term = {
        "nik": person.nik,
        "kpj": person.kpj,
        "name": "rahmawati",
        "email": "SITI@contoh.id",
        "phone": "081299887766",
    }[how]
    # The search box posts (a NIK never travels in the URL: tests/backoffice/test_nik_search.py).
    search = reverse("admin:participants_participant_search")
    response = staff_client(reviewer).post(search, {"q": term}, follow=True)
    assert [p.pk for p in response.context["cl"].result_list] == [person.pk]


def test_search_by_nik_stays_in_the_branch(jkt: Any, bdg: Any, reviewer: Any) -> None:
    other = person_in(bdg)
    response = staff_client(reviewer).post(
        reverse("admin:participants_participant_search"), {"q": other.nik}, follow=True
    )
    assert list(response.context["cl"].result_list) == []


def test_status_change_and_personal_data_keep_history(jkt: Any, reviewer: Any) -> None:
    person = person_in(jkt)
    client = staff_client(reviewer)
    url = reverse("admin:participants_participant_action", args=[person.pk, "ubah-status"])
    assert (
        client.post(url, {"status": "aktif", "status_reason": "registered", "reason": ""}).status_code == 200
    )
    person.refresh_from_db()
    assert person.status == "nonaktif"
    client.post(
        url, {"status": "aktif", "status_reason": "registered", "reason": "Bekerja lagi, laporan HRD."}
    )
    url = reverse("admin:participants_participant_action", args=[person.pk, "perbaiki-data"])
    data = {
        "full_name": "Rizky Pratama Putra",
        "address": "",
        "phone": "",
        "email": "",
        "reason": "Sesuai KTP.",
    }
    client.post(url, data)
    person.refresh_from_db()
    assert (person.status, person.full_name) == ("aktif", "Rizky Pratama Putra")
    versions = list(
        person.history.order_by("history_date").values_list("history_change_reason", "history_user")
    )
    assert versions[-2:] == [("Bekerja lagi, laporan HRD.", reviewer.pk), ("Sesuai KTP.", reviewer.pk)]


def test_auditor_cannot_change_a_participant(jkt: Any, auditor: Any) -> None:
    person = person_in(jkt)
    url = reverse("admin:participants_participant_action", args=[person.pk, "perbaiki-data"])
    data = {"full_name": "X", "reason": "x"}
    assert staff_client(auditor).post(url, data).status_code == 403
    person.refresh_from_db()
    assert person.full_name == "Rizky Pratama"


def test_access_log_is_read_only_for_auditors(jkt: Any, reviewer: Any, auditor: Any) -> None:
    claim = claim_of(jkt)
    staff_client(reviewer).get(reverse("admin:claims_claim_change", args=[claim.pk]))
    client = staff_client(auditor)
    response = client.get(reverse("admin:backoffice_accesslog_changelist"))
    assert response.status_code == 200
    row = AccessLog.objects.get(actor=reviewer)
    change = client.get(reverse("admin:backoffice_accesslog_change", args=[row.pk]))
    assert change.status_code == 200
    assert (
        client.post(reverse("admin:backoffice_accesslog_change", args=[row.pk]), {"detail": "x"}).status_code
        == 403
    )
    assert AccessLog.objects.get(pk=row.pk).detail == row.detail


# --- Balance corrections: maker-checker -----------------------------------------------------------


def balance(person: Any) -> int:
    return JhtBalance.objects.get(account=person).balance_idr


def test_correction_needs_a_different_supervisor(
    jkt: Any, reviewer: Any, supervisor: Any, supervisor2: Any
) -> None:
    person = person_in(jkt)
    start = balance(person)
    client = staff_client(supervisor)
    url = reverse("admin:participants_participant_action", args=[person.pk, "ajukan-koreksi-saldo"])
    client.post(url, {"amount_idr": "-250000", "reason": "Iuran Maret tercatat dua kali."})
    request = CorrectionRequest.objects.get()
    assert (request.requested_by, request.status, balance(person)) == (
        supervisor,
        CorrectionStatus.PENDING,
        start,
    )
    decide = reverse("admin:backoffice_correctionrequest_decide", args=[request.pk, "setujui"])
    client.post(decide, {"note": ""})  # the maker cannot check
    request.refresh_from_db()
    assert (request.status, balance(person)) == (CorrectionStatus.PENDING, start)
    assert staff_client(reviewer).post(decide, {"note": ""}).status_code == 403  # a reviewer cannot
    staff_client(supervisor2).post(decide, {"note": "Dicek dengan laporan pemberi kerja."})
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (CorrectionStatus.APPROVED, supervisor2)
    assert balance(person) == start - 250_000
    entry = LedgerEntry.objects.get(kind=EntryKind.CORRECTION)
    assert (entry.amount_idr, entry.reason, entry.created_by_id) == (
        -250_000,
        "Iuran Maret tercatat dua kali.",
        supervisor2.pk,
    )
    # Decided once: a second approval posts nothing more.
    with pytest.raises(BackofficeError):
        correction_request_approve(actor=supervisor2, request_id=request.public_id)
    assert LedgerEntry.objects.filter(kind=EntryKind.CORRECTION).count() == 1


def test_correction_that_would_go_negative_changes_nothing(jkt: Any, reviewer: Any, supervisor: Any) -> None:
    person = person_in(jkt)
    start = balance(person)
    request = correction_request_create(
        actor=reviewer, participant_id=person.pk, amount_idr=-(start + 1), reason="x"
    )
    with pytest.raises(BackofficeError) as refused:
        correction_request_approve(actor=supervisor, request_id=request.public_id)
    assert refused.value.code == "insufficient_balance"
    request.refresh_from_db()
    assert (request.status, balance(person)) == (CorrectionStatus.PENDING, start)
    assert not LedgerEntry.objects.filter(kind=EntryKind.CORRECTION).exists()


@pytest.mark.parametrize(("amount", "reason"), [(0, "x"), (1000, " ")])
def test_invalid_correction_is_not_saved(amount: int, reason: str, jkt: Any, reviewer: Any) -> None:
    person = person_in(jkt)
    with pytest.raises(BackofficeError):
        correction_request_create(actor=reviewer, participant_id=person.pk, amount_idr=amount, reason=reason)
    assert not CorrectionRequest.objects.exists()


# --- Dashboard ------------------------------------------------------------------------------------


def test_dashboard_is_scoped_to_the_branch(jkt: Any, bdg: Any, reviewer: Any, auditor: Any) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    claim_of(jkt, due_date=today)
    claim_of(jkt, due_date=today - dt.timedelta(days=1))
    claim_of(bdg, due_date=today)
    mine = staff_client(reviewer).get(reverse("admin:index")).context["claims_figures"]
    assert (mine.due_today, mine.breached) == (1, 1)
    assert {s: n for s, _label, n in mine.by_status}["in_review"] == 2
    everyone = staff_client(auditor).get(reverse("admin:index")).context["claims_figures"]
    assert (everyone.due_today, everyone.breached) == (2, 1)


def test_the_scope_check_logs_only_objects_that_exist_outside_the_scope(
    jkt: Any, bdg: Any, reviewer: Any
) -> None:
    """One scope helper for services and admin pages: in scope → the object; elsewhere → 404 with an
    out-of-scope row; an id that exists nowhere or cannot be one → 404, nothing logged."""
    from django.http import Http404

    from backoffice.services import object_in_scope
    from participants.models import Participant

    own, other = person_in(jkt), person_in(bdg)
    scoped = Participant.objects.filter(branch=jkt)
    assert object_in_scope(actor=reviewer, scoped=scoped, object_id=own.pk, what="participant") == own
    for object_id in (other.pk, Participant.objects.order_by("-pk").first().pk + 1, "abc"):
        with pytest.raises(Http404):
            object_in_scope(actor=reviewer, scoped=scoped, object_id=object_id, what="participant")
    assert list(AccessLog.objects.filter(actor=reviewer).values_list("kind", "detail")) == [
        (AccessKind.OUT_OF_SCOPE, f"participant {other.pk}")
    ]
