"""The staff workflows of kartu hilang/rusak and pengaduan upah (state tables in layanan/models.py,
one service: layanan.workflow.request_step): every step allowed and refused (a refusal changes nothing:
status, note, history, notifications), persona permissions in the admin, the participant's own pages
(404 for anyone else's request) and the participant notice of each step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from backoffice.models import AccessKind, AccessLog
from branches.models import BranchService, OpeningHours, ServiceKind
from branches.services import booking_create
from layanan.errors import ServiceRequestError
from layanan.models import CardStatus, ComplaintStatus, RequestHistory
from layanan.requests import (
    card_request_create,
    card_request_step,
    wage_complaint_create,
    wage_complaint_step,
)
from notifications.models import Outbox
from portal.uploads.services import prepare_upload
from tests.factories import BranchFactory, EmployerFactory, ParticipantFactory, UserFactory, post_contribution
from tests.layanan.conftest import logged_in, staff_with_role
from tests.portal import test_uploads_corpus as corpus

pytestmark = pytest.mark.django_db

WIB = dt.timezone(dt.timedelta(hours=7))
TODAY = dt.date(2026, 11, 22)
EVENT = "service_request_status"


def _doc() -> Any:
    return prepare_upload(uploaded_file=SimpleUploadedFile("laporan.pdf", corpus.pdf(), "application/pdf"))


def _state(item: Any) -> tuple[Any, ...]:
    """Everything a step may change: the row's decision fields, its history and the notices."""
    item.refresh_from_db()
    return (
        item.status,
        item.decision_note,
        item.decided_by_id,
        getattr(item, "outcome", None),
        RequestHistory.objects.filter(request_public_id=item.public_id).count(),
        Outbox.objects.filter(event=EVENT).count(),
    )


@pytest.fixture
def card() -> Any:
    """A lost-card request of a KPJ registered at JKT01, picked up at JKT01 with a booking."""
    branch = BranchFactory(code="JKT01")
    participant: Any = ParticipantFactory(user=UserFactory(), branch=branch)
    OpeningHours.objects.create(branch=branch, weekday=0, opens_at=dt.time(8), closes_at=dt.time(10))
    service = BranchService.objects.create(branch=branch, service=ServiceKind.KARTU)
    booking = booking_create(
        user=participant.user,
        branch_service_id=service.pk,
        starts_at=dt.datetime(2026, 11, 23, 8, tzinfo=WIB),
        now=dt.datetime(2026, 11, 22, 9, tzinfo=WIB),
    )
    return card_request_create(
        user=participant.user,
        participant_id=participant.public_id,
        reason="lost",
        document=_doc(),
        booking_id=booking.public_id,
    )


@pytest.fixture
def complaint() -> Any:
    """A wage complaint of a KPJ registered at JKT01 against an employer registered at BDG01."""
    participant: Any = ParticipantFactory(user=UserFactory(), branch=BranchFactory(code="JKT01"))
    employer = EmployerFactory(branch=BranchFactory(code="BDG01"))
    for month in (7, 8, 9):
        post_contribution(participant, period=dt.date(2026, month, 1), wage_idr=4_000_000, employer=employer)
    return wage_complaint_create(
        user=participant.user,
        participant_id=participant.public_id,
        months=["2026-08"],
        description="Upah saya Rp6.000.000, dilaporkan Rp4.000.000.",
        today=TODAY,
    )


# --- Kartu hilang / rusak --------------------------------------------------------------------------------


def test_card_goes_from_printing_to_ready_to_picked_up_with_a_notice_each_time(card: Any) -> None:
    reviewer = staff_with_role("reviewer", card.branch)
    owner = logged_in(card.user)
    digital_card = reverse("participants:card", kwargs={"public_id": card.participant.public_id})
    detail = reverse("layanan:card_detail", kwargs={"request_id": card.public_id})
    expected = [
        ("setujui", CardStatus.APPROVED, "Disetujui, kartu sedang dicetak"),
        ("siap-diambil", CardStatus.READY, "Kartu siap diambil"),
        ("sudah-diambil", CardStatus.PICKED_UP, "Kartu sudah diambil"),
    ]
    for n, (slug, status, text) in enumerate(expected, start=1):
        card_request_step(slug=slug, actor=reviewer, request_id=card.public_id)
        card.refresh_from_db()
        assert (card.status, card.decided_by_id) == (status, reviewer.pk)
        assert RequestHistory.objects.filter(request_public_id=card.public_id).count() == n
        notices = Outbox.objects.filter(event=EVENT).order_by("pk")
        assert notices.count() == n
        assert notices.last().recipient == card.participant.email
        assert text in notices.last().subject
        if status == CardStatus.READY:  # where to pick it up
            assert card.branch.name in notices.last().body
        page = owner.get(detail).content.decode()
        assert text in page
        assert card.booking.code in page  # the linked pickup booking
        assert owner.get(digital_card).status_code == 200  # the digital card stays available
    steps = list(
        RequestHistory.objects.filter(request_public_id=card.public_id).values_list(
            "from_status", "to_status"
        )
    )
    assert steps == [("submitted", "approved"), ("approved", "ready"), ("ready", "picked_up")]
    assert "Kartu sudah diambil" in owner.get(reverse("layanan:card")).content.decode()


@pytest.mark.parametrize(
    ("at", "slug", "note", "code"),
    [
        ("submitted", "siap-diambil", "", "wrong_status"),
        ("submitted", "sudah-diambil", "", "wrong_status"),
        ("approved", "sudah-diambil", "", "wrong_status"),
        ("ready", "setujui", "", "wrong_status"),
        ("ready", "tolak", "Tidak jadi", "wrong_status"),
        ("picked_up", "tolak", "Tidak jadi", "wrong_status"),
        ("submitted", "tolak", "   ", "note_required"),
        ("approved", "tolak", "", "note_required"),
        ("submitted", "hapus", "", "unknown_step"),
    ],
)
def test_card_steps_refused_change_nothing(card: Any, at: str, slug: str, note: str, code: str) -> None:
    reviewer = staff_with_role("reviewer", card.branch)
    path = {"submitted": [], "approved": ["setujui"], "ready": ["setujui", "siap-diambil"]}.get(
        at, ["setujui", "siap-diambil", "sudah-diambil"]
    )
    for step in path:
        card_request_step(slug=step, actor=reviewer, request_id=card.public_id)
    before = _state(card)
    assert before[0] == at
    with pytest.raises(ServiceRequestError) as exc:
        card_request_step(slug=slug, actor=reviewer, request_id=card.public_id, note=note)
    assert exc.value.code == code
    assert _state(card) == before


@pytest.mark.parametrize("at", ["submitted", "approved"])
def test_card_rejection_shows_the_reason_and_frees_the_kpj_for_a_new_request(card: Any, at: str) -> None:
    reviewer = staff_with_role("supervisor", card.branch)
    if at == "approved":
        card_request_step(slug="setujui", actor=reviewer, request_id=card.public_id)
        with pytest.raises(ServiceRequestError) as exc:  # still open: no second request
            card_request_create(
                user=card.user, participant_id=card.participant.public_id, reason="damaged", document=_doc()
            )
        assert exc.value.code == "open_request"
    card_request_step(
        slug="tolak", actor=reviewer, request_id=card.public_id, note="Surat kehilangan tidak terbaca."
    )
    card.refresh_from_db()
    assert (card.status, card.decision_note) == (CardStatus.REJECTED, "Surat kehilangan tidak terbaca.")
    assert "Surat kehilangan tidak terbaca." in Outbox.objects.filter(event=EVENT).last().body
    page = logged_in(card.user).get(reverse("layanan:card")).content.decode()
    assert "Surat kehilangan tidak terbaca." in page
    # The same step again is a no-op: no second history row or notice.
    before = _state(card)
    card_request_step(slug="tolak", actor=reviewer, request_id=card.public_id, note="Lagi")
    assert _state(card) == before
    again = card_request_create(
        user=card.user, participant_id=card.participant.public_id, reason="damaged", document=_doc()
    )
    assert again.status == CardStatus.SUBMITTED


def test_card_step_by_other_branch_or_auditor_changes_nothing(card: Any) -> None:
    before = _state(card)
    for actor, code in (
        (staff_with_role("reviewer", BranchFactory(code="BDG01")), "not_found"),
        (staff_with_role("auditor", None), "read_only"),
    ):
        with pytest.raises(ServiceRequestError) as exc:
            card_request_step(slug="setujui", actor=actor, request_id=card.public_id)
        assert exc.value.code == code
    assert _state(card) == before


# --- Pengaduan upah --------------------------------------------------------------------------------------


def test_complaint_is_forwarded_then_resolved_with_an_outcome_and_a_note(complaint: Any) -> None:
    reviewer = staff_with_role("reviewer", complaint.branch)  # the employer's branch (BDG01)
    wage_complaint_step(slug="tindak-lanjuti", actor=reviewer, request_id=complaint.public_id)
    assert _state(complaint)[0] == ComplaintStatus.IN_REVIEW
    wage_complaint_step(
        slug="selesaikan",
        actor=reviewer,
        request_id=complaint.public_id,
        outcome="employer_instructed",
        note="PT diminta melaporkan ulang upah Agustus 2026.",
    )
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome, complaint.decision_note) == (
        ComplaintStatus.RESOLVED,
        "employer_instructed",
        "PT diminta melaporkan ulang upah Agustus 2026.",
    )
    history = list(
        RequestHistory.objects.filter(request_public_id=complaint.public_id).values_list(
            "to_status", "outcome", "actor_id"
        )
    )
    assert history == [("in_review", "", reviewer.pk), ("resolved", "employer_instructed", reviewer.pk)]
    notices = list(Outbox.objects.filter(event=EVENT).order_by("pk"))
    assert len(notices) == 2
    assert "Pemberi kerja diperintahkan memperbaiki laporan upah" in notices[1].body
    assert "PT diminta melaporkan ulang upah Agustus 2026." in notices[1].body
    owner = logged_in(complaint.user)
    for url in (
        reverse("layanan:complaints"),
        reverse("layanan:complaint_detail", kwargs={"request_id": complaint.public_id}),
    ):
        page = owner.get(url).content.decode()
        assert "Selesai" in page
        assert "Pemberi kerja diperintahkan memperbaiki laporan upah" in page
        assert "PT diminta melaporkan ulang upah Agustus 2026." in page


@pytest.mark.parametrize(
    ("forwarded", "slug", "outcome", "note", "code"),
    [
        (False, "selesaikan", "wage_corrected", "Sudah", "wrong_status"),
        (True, "selesaikan", "", "Sudah", "outcome_required"),
        (True, "selesaikan", "paid_in_cash", "Sudah", "outcome_required"),
        (True, "selesaikan", "not_substantiated", " ", "note_required"),
        (True, "tolak", "", "", "note_required"),
        (False, "siap-diambil", "", "", "unknown_step"),  # a card step
    ],
)
def test_complaint_steps_refused_change_nothing(
    complaint: Any, forwarded: bool, slug: str, outcome: str, note: str, code: str
) -> None:
    reviewer = staff_with_role("reviewer", complaint.branch)
    if forwarded:
        wage_complaint_step(slug="tindak-lanjuti", actor=reviewer, request_id=complaint.public_id)
    before = _state(complaint)
    with pytest.raises(ServiceRequestError) as exc:
        wage_complaint_step(
            slug=slug, actor=reviewer, request_id=complaint.public_id, outcome=outcome, note=note
        )
    assert exc.value.code == code
    assert _state(complaint) == before


def test_resolved_and_rejected_complaints_are_final(complaint: Any) -> None:
    reviewer = staff_with_role("reviewer", complaint.branch)
    wage_complaint_step(slug="tindak-lanjuti", actor=reviewer, request_id=complaint.public_id)
    wage_complaint_step(
        slug="tolak", actor=reviewer, request_id=complaint.public_id, note="Bulan itu upah sudah benar."
    )
    before = _state(complaint)
    assert before[0] == ComplaintStatus.REJECTED
    for slug, extra in (("tindak-lanjuti", {}), ("selesaikan", {"outcome": "wage_corrected", "note": "x"})):
        with pytest.raises(ServiceRequestError) as exc:
            wage_complaint_step(slug=slug, actor=reviewer, request_id=complaint.public_id, **extra)
        assert exc.value.code == "wrong_status"
    assert _state(complaint) == before


def test_only_the_employers_branch_handles_a_complaint(complaint: Any) -> None:
    participant_branch = complaint.participant.branch  # JKT01: not the employer's branch
    before = _state(complaint)
    for actor, code in (
        (staff_with_role("reviewer", participant_branch), "not_found"),
        (staff_with_role("supervisor", participant_branch), "not_found"),
        (staff_with_role("auditor", None), "read_only"),
    ):
        with pytest.raises(ServiceRequestError) as exc:
            wage_complaint_step(slug="tindak-lanjuti", actor=actor, request_id=complaint.public_id)
        assert exc.value.code == code
    assert _state(complaint) == before


# --- Participant pages -----------------------------------------------------------------------------------


def test_participant_sees_only_their_own_requests(card: Any, complaint: Any) -> None:
    for name, item in (("layanan:card_detail", card), ("layanan:complaint_detail", complaint)):
        url = reverse(name, kwargs={"request_id": item.public_id})
        assert logged_in(item.user).get(url).status_code == 200
        assert logged_in(UserFactory()).get(url).status_code == 404
    # A card id on the complaint URL (and the reverse) is not found either.
    wrong = reverse("layanan:complaint_detail", kwargs={"request_id": card.public_id})
    assert logged_in(card.user).get(wrong).status_code == 404


# --- Admin: buttons, confirmation pages, personas --------------------------------------------------------


def _step_url(item: Any, slug: str) -> str:
    return reverse(f"admin:layanan_{item._meta.model_name}_step", args=[item.pk, slug])


def test_admin_change_page_offers_the_steps_of_the_status(card: Any) -> None:
    client = logged_in(staff_with_role("reviewer", card.branch))
    change = reverse("admin:layanan_cardreplacementrequest_change", args=[card.pk])
    page = client.get(change).content.decode()
    assert _step_url(card, "setujui") in page
    assert _step_url(card, "tolak") in page
    assert _step_url(card, "siap-diambil") not in page
    confirm = client.get(_step_url(card, "setujui"))
    assert confirm.status_code == 200
    assert _state(card)[0] == CardStatus.SUBMITTED  # the GET only asks
    assert client.post(_step_url(card, "setujui"), {"note": ""}).status_code == 302
    page = client.get(change).content.decode()
    assert _step_url(card, "siap-diambil") in page
    assert _step_url(card, "setujui") not in page
    assert "Disetujui, kartu sedang dicetak" in page  # the history on the change page
    # A step not available from the status: back to the change page, nothing changed.
    before = _state(card)
    assert client.get(_step_url(card, "sudah-diambil")).status_code == 302
    assert client.post(_step_url(card, "sudah-diambil"), {"note": ""}).status_code == 302
    assert _state(card) == before
    assert client.get(_step_url(card, "hapus")).status_code == 404


def test_admin_resolve_page_asks_for_outcome_and_note(complaint: Any) -> None:
    client = logged_in(staff_with_role("reviewer", complaint.branch))
    client.post(_step_url(complaint, "tindak-lanjuti"), {"note": "Diteruskan ke HRD PT."})
    assert _state(complaint)[:2] == (ComplaintStatus.IN_REVIEW, "Diteruskan ke HRD PT.")
    url = _step_url(complaint, "selesaikan")
    page = client.get(url).content.decode()
    assert 'name="outcome"' in page
    assert 'name="note"' in page
    before = _state(complaint)
    assert client.post(url, {"outcome": "wage_corrected", "note": ""}).status_code == 200  # form again
    assert client.post(url, {"outcome": "", "note": "Sudah"}).status_code == 200
    assert _state(complaint) == before
    assert client.post(url, {"outcome": "wage_corrected", "note": "Upah sudah dikoreksi."}).status_code == 302
    assert _state(complaint)[:4] == (
        ComplaintStatus.RESOLVED,
        "Upah sudah dikoreksi.",
        before[2],
        "wage_corrected",
    )


ROLES = ["reviewer", "supervisor", "auditor", "administrator", None]


def _staff(role: str | None, branch: Any) -> Any:
    if role == "administrator":
        return staff_with_role("administrator", None)
    if role is None:
        from tests.factories import StaffFactory

        return StaffFactory(branch=branch)
    return staff_with_role(role, None if role == "auditor" else branch)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("kind", ["card", "complaint"])
def test_admin_step_permissions(kind: str, side: str, role: str | None, request: Any) -> None:
    """Own branch: reviewer and supervisor act; auditor sees (change page) but a step is 403; a staff
    account without a role sees nothing. Other branch: 404 for branch-bound staff, logged."""
    item = request.getfixturevalue(kind)
    branch = item.branch if side == "own" else BranchFactory(code="SBY01")
    user = _staff(role, branch)
    client = logged_in(user)
    slug = "setujui" if kind == "card" else "tindak-lanjuti"
    change = reverse(f"admin:layanan_{item._meta.model_name}_change", args=[item.pk])
    in_scope = role in ("auditor", "administrator") or (side == "own" and role is not None)
    may_act = in_scope and role != "auditor"
    before = _state(item)
    get = client.get(_step_url(item, slug))
    post = client.post(_step_url(item, slug), {"note": ""})
    if may_act:
        assert (get.status_code, post.status_code) == (200, 302)
        assert _state(item)[0] == ("approved" if kind == "card" else "in_review")
    else:
        expected = 403 if in_scope else (404 if role is not None else 403)
        assert (get.status_code, post.status_code) == (expected, expected)
        assert _state(item) == before
    if role is None:
        assert client.get(change).status_code == 403  # no role: not admitted to these admins
    else:
        assert client.get(change).status_code == (200 if in_scope else 302)
    out_of_scope = AccessLog.objects.filter(actor=user, kind=AccessKind.OUT_OF_SCOPE).count()
    assert out_of_scope == (2 if role in ("reviewer", "supervisor") and side == "other" else 0)


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("channel", ["email", "sms"])
def test_the_notice_renders_in_both_languages(language: str, channel: str) -> None:
    from notifications.services import render_message

    context = {
        "name": "Budi",
        "kpj": "12345678901",
        "kind": "Penggantian kartu",
        "status": "Kartu siap diambil",
        "status_code": "ready",
        "outcome": "",
        "note": "Ambil di loket 3.",
        "branch": "Jakarta Salemba",
        "url": "https://portal.contoh.id/layanan/kartu/",
    }
    subject, body = render_message(event=EVENT, channel=channel, language=language, context=context)
    assert "12345678901" in body
    assert "Kartu siap diambil" in body
    if channel == "email":
        assert subject == "Penggantian kartu: Kartu siap diambil"
        assert "Ambil di loket 3." in body
        assert "Jakarta Salemba" in body
        assert "https://portal.contoh.id/layanan/kartu/" in body
