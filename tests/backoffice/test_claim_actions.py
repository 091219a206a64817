"""Claim actions from the review page: each calls its service; wrong state and wrong person change
nothing; maker-checker on approvals; the queue's filters, counts and query budget."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import ClaimCheck, ClaimHistory, ClaimPayout, ClaimStatus, PayoutOutcome
from tests.backoffice.conftest import staff_client
from tests.backoffice.helpers import claim_of, snapshot

pytestmark = pytest.mark.django_db


def action_url(claim: Any, slug: str) -> str:
    return reverse("admin:claims_claim_action", args=[claim.pk, slug])


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_confirmation_page_then_approve(jkt: Any, reviewer: Any) -> None:
    claim = claim_of(jkt)
    client = staff_client(reviewer)
    page = client.get(action_url(claim, "setujui"))
    assert page.status_code == 200
    assert 'id="claim-action-form"' in page.content.decode()
    assert snapshot(claim)[0] == ClaimStatus.IN_REVIEW  # a GET changes nothing
    response = client.post(action_url(claim, "setujui"), {"note": "Dokumen lengkap."})
    assert response.status_code == 302
    assert response.url == reverse("admin:claims_claim_change", args=[claim.pk])
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAYING  # no second approval needed: straight to payout
    assert claim.first_approved_by == reviewer
    assert list(claim.history.values_list("to_status", "actor")) == [
        (ClaimStatus.APPROVED, reviewer.pk),
        (ClaimStatus.PAYING, reviewer.pk),
    ]


def test_reject_needs_a_reason_code_and_a_note(jkt: Any, reviewer: Any) -> None:
    claim = claim_of(jkt)
    client = staff_client(reviewer)
    before = snapshot(claim)
    for data in ({"reason_code": "data_mismatch", "note": ""}, {"reason_code": "nope", "note": "x"}, {}):
        response = client.post(action_url(claim, "tolak"), data)
        assert response.status_code == 200  # the form again, with errors
        assert snapshot(claim) == before
    client.post(action_url(claim, "tolak"), {"reason_code": "data_mismatch", "note": "Nama di KTP berbeda."})
    claim.refresh_from_db()
    assert (claim.status, claim.rejection_code, claim.rejection_note) == (
        ClaimStatus.REJECTED,
        "data_mismatch",
        "Nama di KTP berbeda.",
    )


def test_request_revision_needs_items_and_a_note(jkt: Any, reviewer: Any) -> None:
    claim = claim_of(jkt)
    client = staff_client(reviewer)
    before = snapshot(claim)
    assert client.post(action_url(claim, "minta-perbaikan"), {"note": "Foto buram"}).status_code == 200
    assert client.post(action_url(claim, "minta-perbaikan"), {"items": ["ktp"]}).status_code == 200
    assert snapshot(claim) == before
    client.post(
        action_url(claim, "minta-perbaikan"), {"items": ["ktp", "bank_account"], "note": "Foto KTP buram."}
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REVISION_REQUESTED
    assert claim.revision_items == ["ktp", "bank_account"]
    assert claim.revision_note == "Foto KTP buram."


@pytest.mark.parametrize(
    ("status", "slug", "data"),
    [
        (ClaimStatus.PAID, "setujui", {"note": ""}),
        (ClaimStatus.REJECTED, "tolak", {"reason_code": "data_mismatch", "note": "x"}),
        (ClaimStatus.SUBMITTED, "minta-perbaikan", {"items": ["ktp"], "note": "x"}),
        (ClaimStatus.IN_REVIEW, "persetujuan-kedua", {"note": ""}),
        (ClaimStatus.IN_REVIEW, "coba-bayar-ulang", {"note": ""}),
        (ClaimStatus.APPROVED, "jadwalkan-wawancara", {"at": "2026-03-03T10:00"}),
        (ClaimStatus.PAYING, "catat-wawancara", {"note": "ok"}),
    ],
)
def test_wrong_state_is_refused_with_a_message_and_changes_nothing(
    status: str, slug: str, data: dict[str, Any], jkt: Any, supervisor: Any
) -> None:
    claim = claim_of(jkt, status, second_approval_required=True)
    client = staff_client(supervisor)
    before = snapshot(claim)
    page = client.get(action_url(claim, slug))
    assert page.status_code == 302  # no confirmation page for an action the state does not allow
    response = client.post(action_url(claim, slug), data)
    assert response.status_code == 302
    assert any(messages_of(response)), "the refusal is explained"
    assert snapshot(claim) == before


def test_failed_check_blocks_approval(jkt: Any, reviewer: Any) -> None:
    claim = claim_of(jkt)
    ClaimCheck.objects.create(
        claim=claim, code="bank_reuse", result="fail", message="Rekening dipakai orang lain."
    )
    before = snapshot(claim)
    response = staff_client(reviewer).post(action_url(claim, "setujui"), {"note": ""})
    assert "Masih ada hasil verifikasi yang gagal" in " ".join(messages_of(response))
    assert snapshot(claim) == before


def test_maker_checker_on_high_value_claims(
    jkt: Any, supervisor: Any, supervisor2: Any, reviewer: Any
) -> None:
    claim = claim_of(jkt, second_approval_required=True)
    staff_client(supervisor).post(action_url(claim, "setujui"), {"note": "ok"})
    claim.refresh_from_db()
    assert (claim.status, claim.first_approved_by) == (ClaimStatus.APPROVED, supervisor)
    # The same person cannot give the second approval.
    before = snapshot(claim)
    response = staff_client(supervisor).post(action_url(claim, "persetujuan-kedua"), {"note": ""})
    assert "petugas yang berbeda" in " ".join(messages_of(response))
    assert snapshot(claim) == before
    # A reviewer has no second-approval permission.
    assert (
        staff_client(reviewer).post(action_url(claim, "persetujuan-kedua"), {"note": ""}).status_code == 403
    )
    assert snapshot(claim) == before
    staff_client(supervisor2).post(action_url(claim, "persetujuan-kedua"), {"note": "Setuju."})
    claim.refresh_from_db()
    assert (claim.status, claim.second_approved_by) == (ClaimStatus.PAYING, supervisor2)


def test_staff_never_approve_their_own_claim(jkt: Any, supervisor: Any) -> None:
    claim = claim_of(jkt)
    claim.participant.user = supervisor
    claim.participant.save()
    type(claim).objects.filter(pk=claim.pk).update(user=supervisor)
    before = snapshot(claim)
    response = staff_client(supervisor).post(action_url(claim, "setujui"), {"note": ""})
    assert response.status_code == 302
    assert any(messages_of(response))
    assert snapshot(claim) == before


def test_interview_schedule_and_record(jkt: Any, reviewer: Any) -> None:
    claim = claim_of(jkt, interview_required=True)
    client = staff_client(reviewer)
    before = snapshot(claim)
    client.post(action_url(claim, "setujui"), {"note": ""})
    assert snapshot(claim) == before  # interview missing
    client.post(action_url(claim, "jadwalkan-wawancara"), {"at": "2026-03-03T10:00"})
    client.post(action_url(claim, "catat-wawancara"), {"note": "Identitas cocok."})
    claim.refresh_from_db()
    assert claim.interview_by == reviewer
    assert claim.interview_note == "Identitas cocok."
    client.post(action_url(claim, "setujui"), {"note": ""})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAYING


def test_retry_payout_queues_the_task(jkt: Any, reviewer: Any) -> None:
    from tests.effects import recorded_effects

    claim = claim_of(jkt, ClaimStatus.PAYING)
    ClaimPayout.objects.create(
        claim=claim, reference=f"R-{claim.pk}", amount_idr=1, outcome=PayoutOutcome.ACCOUNT_CLOSED
    )
    staff_client(reviewer).post(action_url(claim, "coba-bayar-ulang"), {"note": ""})
    assert recorded_effects() == [("claims.tasks.pay_claim", [claim.pk])]


def test_retry_payout_is_offered_only_after_a_failed_transfer(jkt: Any, reviewer: Any) -> None:
    """It used to be offered right after approval, while the first transfer was still in flight."""
    claim = claim_of(jkt, ClaimStatus.PAYING)
    client = staff_client(reviewer)
    page = reverse("admin:claims_claim_change", args=[claim.pk])
    assert 'data-action="coba-bayar-ulang"' not in client.get(page).content.decode()
    assert client.post(action_url(claim, "coba-bayar-ulang"), {"note": ""}).status_code in (302, 404)
    ClaimPayout.objects.create(
        claim=claim, reference=f"R-{claim.pk}", amount_idr=1, outcome=PayoutOutcome.TIMEOUT
    )
    assert 'data-action="coba-bayar-ulang"' in client.get(page).content.decode()


def test_no_bulk_actions_on_the_queue(reviewer: Any) -> None:
    response = staff_client(reviewer).get(reverse("admin:claims_claim_changelist"))
    assert response.context["cl"].model_admin.get_actions(response.wsgi_request) == {}


def test_queue_is_ordered_by_due_date_with_counts_and_filters(jkt: Any, reviewer: Any) -> None:
    today = timezone.localdate()
    late = claim_of(jkt, due_date=today - dt.timedelta(days=2), gross_idr=60_000_000, net_idr=60_000_000)
    due = claim_of(jkt, due_date=today)
    later = claim_of(jkt, due_date=today + dt.timedelta(days=3))
    ClaimCheck.objects.create(claim=later, code="npwp", result="warning", message="NPWP?")
    undated = claim_of(jkt, ClaimStatus.SUBMITTED)
    paid = claim_of(jkt, ClaimStatus.PAID, due_date=today - dt.timedelta(days=30))
    client = staff_client(reviewer)
    url = reverse("admin:claims_claim_changelist")
    response = client.get(url)
    assert [c.pk for c in response.context["cl"].result_list] == [late.pk, due.pk, later.pk, undated.pk]
    counts = {status: n for status, _label, n in response.context["status_counts"]}
    assert counts["in_review"] == 3
    assert counts["submitted"] == 1
    assert counts["paid"] == 1

    def ids(query: str) -> list[int]:
        return [c.pk for c in client.get(f"{url}?{query}").context["cl"].result_list]

    assert ids("jatuh_tempo=today") == [due.pk]
    assert ids("jatuh_tempo=breached") == [late.pk]
    assert ids("jumlah=50to250") == [late.pk]
    assert ids("verifikasi=warning") == [later.pk]
    assert ids("status=submitted") == [undated.pk]
    assert ids("status=semua") == [paid.pk, late.pk, due.pk, later.pk, undated.pk]  # default: open only
    assert ids(f"q={late.participant.kpj}") == [late.pk]


def test_changelist_query_budget(jkt: Any, reviewer: Any, django_assert_max_num_queries: Any) -> None:
    for _ in range(30):
        claim_of(jkt)
    client = staff_client(reviewer)
    url = reverse("admin:claims_claim_changelist")
    client.get(url)  # warm the session
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert len(response.context["cl"].result_list) == 25  # one page


def test_claim_page_shows_words_not_codes(jkt: Any, reviewer: Any) -> None:
    claim = claim_of(jkt, ClaimStatus.IN_REVIEW)
    ClaimCheck.objects.create(claim=claim, code="nik_structure", result="pass", message="Struktur NIK benar.")
    ClaimHistory.objects.create(claim=claim, from_status="draft", to_status="submitted", reason="submit")
    body = staff_client(reviewer).get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert '<td title="nik_structure">Struktur NIK</td>' in body
    assert "<td>Diajukan oleh peserta</td>" in body
    assert "<td>submit</td>" not in body


def test_admin_strings_are_indonesian(reviewer: Any) -> None:
    body = staff_client(reviewer).get(reverse("admin:claims_claim_changelist"), {"q": "tidak-ada"}).content
    text = body.decode()
    assert "No results found" not in text
    assert "Reset filters" not in text
    assert "Tidak ada hasil" in text
