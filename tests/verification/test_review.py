"""Staff queue: branch scope, the steps in order (video call before approval), double approval refused,
the participant told at each step, the images only through the scoped, logged view."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from backoffice.models import AccessKind, AccessLog
from notifications.models import Outbox
from participants.models import Participant, User
from tests.factories import BranchFactory
from tests.verification.conftest import make_request, staff_client, staff_with_role
from verification.errors import VerificationError
from verification.models import RejectReason, VerificationHistory, VerificationRequest, VerificationStatus
from verification.review import (
    verification_approve,
    verification_record_call,
    verification_reject,
    verification_schedule_call,
)

pytestmark = pytest.mark.django_db

ADMIN = "/admin/verification/verificationrequest/"


def soon() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=1)


def after_call(request: Any, actor: Any) -> None:
    verification_schedule_call(
        actor=actor, request_id=request.pk, at=soon(), link="https://meet.contoh.id/abc"
    )
    verification_record_call(
        actor=actor, request_id=request.pk, note="Wajah cocok dengan KTP; jawaban benar."
    )


def test_the_queue_lists_the_branch_requests_with_answers_score_and_thumbnails(
    participant: Participant, branch: Any
) -> None:
    item = make_request()
    petugas = staff_with_role("reviewer", branch)
    page = staff_client(petugas).get(ADMIN).content.decode()
    assert "PT Terakhir" not in page  # the answers are on the change page only
    assert ">2/2<" in page
    assert f"{ADMIN}{item.pk}/foto/ktp/?pratinjau=1" in page
    assert f"{ADMIN}{item.pk}/foto/swafoto/?pratinjau=1" in page


def test_staff_of_another_branch_see_nothing_and_change_nothing(participant: Participant) -> None:
    item = make_request()
    outsider = staff_with_role("reviewer", BranchFactory(code="SBY01"))
    client = staff_client(outsider)
    assert item.pk.hex[:8] not in client.get(ADMIN).content.decode()
    assert client.get(f"{ADMIN}{item.pk}/change/").status_code == 404
    assert client.get(f"{ADMIN}{item.pk}/foto/ktp/").status_code == 404
    response = client.post(f"{ADMIN}{item.pk}/aksi/tolak/", {"reason": RejectReason.PHOTO_UNCLEAR})
    assert response.status_code == 404
    with pytest.raises(VerificationError) as refused:
        verification_reject(actor=outsider, request_id=item.pk, reason=RejectReason.PHOTO_UNCLEAR)
    assert refused.value.code == "not_found"
    item.refresh_from_db()
    assert item.status == VerificationStatus.SUBMITTED
    # The image and the step by URL are written to the access log (the change page is the admin's own 404).
    assert AccessLog.objects.filter(actor=outsider, kind=AccessKind.OUT_OF_SCOPE).count() == 2


def test_an_auditor_sees_but_cannot_act(participant: Participant) -> None:
    item = make_request()
    auditor = staff_with_role("auditor", BranchFactory(code="PST01"))
    client = staff_client(auditor)
    page = client.get(f"{ADMIN}{item.pk}/change/").content.decode()
    assert "data-step=" not in page
    assert client.post(f"{ADMIN}{item.pk}/aksi/tolak/", {"reason": "photo_unclear"}).status_code == 403
    with pytest.raises(VerificationError) as refused:
        verification_reject(actor=auditor, request_id=item.pk, reason=RejectReason.PHOTO_UNCLEAR)
    assert refused.value.code == "not_allowed"


def test_approval_needs_the_video_call_first(participant: Participant, branch: Any) -> None:
    item = make_request()
    petugas = staff_with_role("reviewer", branch)
    with pytest.raises(VerificationError) as refused:
        verification_approve(actor=petugas, request_id=item.pk)
    assert refused.value.code == "wrong_status"
    verification_schedule_call(
        actor=petugas, request_id=item.pk, at=soon(), link="https://meet.contoh.id/abc"
    )
    with pytest.raises(VerificationError):
        verification_approve(actor=petugas, request_id=item.pk)
    item.refresh_from_db()
    assert (item.status, item.activation_token_hash) == (VerificationStatus.CALL_SCHEDULED, "")


def test_each_step_notifies_the_contact_given(participant: Participant, branch: Any) -> None:
    item = make_request()
    petugas = staff_with_role("reviewer", branch)
    after_call(item, petugas)
    verification_approve(actor=petugas, request_id=item.pk, note="")
    bodies = list(
        Outbox.objects.filter(channel="email", recipient="pemilik.baru@contoh.id")
        .order_by("pk")
        .values_list("event", flat=True)
    )
    assert bodies == [
        "verification_received",
        "verification_status",  # call scheduled
        "verification_status",  # call held
        "verification_activation",
    ]
    scheduled = Outbox.objects.filter(event="verification_status", channel="email").order_by("pk").first()
    assert scheduled is not None
    assert "https://meet.contoh.id/abc" in scheduled.body
    assert [h.to_status for h in VerificationHistory.objects.filter(request=item)] == [
        "submitted",
        "call_scheduled",
        "call_done",
        "approved",
    ]


def test_approval_makes_the_given_contact_the_contact_on_record(
    participant: Participant, branch: Any
) -> None:
    item = make_request()
    petugas = staff_with_role("reviewer", branch)
    after_call(item, petugas)
    approved = verification_approve(actor=petugas, request_id=item.pk)
    participant.refresh_from_db()
    assert (participant.email, participant.phone) == ("pemilik.baru@contoh.id", "6281234567890")
    assert participant.history.first().history_change_reason == "verifikasi identitas dibantu"
    assert approved.activation_token_hash != ""
    assert approved.decided_at is not None
    assert approved.images_delete_after == approved.decided_at + dt.timedelta(days=30)


def test_double_approval_is_refused_and_changes_nothing(participant: Participant, branch: Any) -> None:
    item = make_request()
    petugas = staff_with_role("reviewer", branch)
    supervisor = staff_with_role("supervisor", branch)
    after_call(item, petugas)
    verification_approve(actor=petugas, request_id=item.pk)
    before = VerificationRequest.objects.get(pk=item.pk)
    with pytest.raises(VerificationError) as refused:
        verification_approve(actor=supervisor, request_id=item.pk)
    assert refused.value.code == "wrong_status"
    after = VerificationRequest.objects.get(pk=item.pk)
    assert (after.decided_by, after.activation_token_hash) == (petugas, before.activation_token_hash)
    assert Outbox.objects.filter(event="verification_activation").count() == 1
    # Through the admin: a message, no second step.
    response = staff_client(supervisor).post(f"{ADMIN}{item.pk}/aksi/setujui/", {"note": ""}, follow=True)
    assert "Tindakan ini tidak tersedia untuk permintaan berstatus Disetujui." in response.content.decode()
    assert VerificationHistory.objects.filter(request=item, to_status="approved").count() == 1


def test_a_non_matching_identity_cannot_be_approved(participant: Participant, branch: Any) -> None:
    item = make_request(nik="3171011705909999", email="penyerang@contoh.id")
    petugas = staff_with_role("reviewer", branch)
    after_call(item, petugas)
    with pytest.raises(VerificationError) as refused:
        verification_approve(actor=petugas, request_id=item.pk)
    assert refused.value.code == "identity_mismatch"
    item.refresh_from_db()
    participant.refresh_from_db()
    assert (item.status, participant.email) == (VerificationStatus.CALL_DONE, "")


def test_a_kpj_with_an_account_cannot_be_approved(participant: Participant, branch: Any) -> None:
    item = make_request()
    participant.user = User.objects.create_user(email="sudah.punya@contoh.id")
    participant.save()
    petugas = staff_with_role("reviewer", branch)
    after_call(item, petugas)
    with pytest.raises(VerificationError) as refused:
        verification_approve(actor=petugas, request_id=item.pk)
    assert refused.value.code == "has_account"


def test_rejection_with_a_reason_through_the_admin(participant: Participant, branch: Any) -> None:
    item = make_request()
    client = staff_client(staff_with_role("reviewer", branch))
    form = client.get(f"{ADMIN}{item.pk}/aksi/tolak/").content.decode()
    assert "Wajah pada swafoto tidak sesuai dengan foto KTP" in form
    response = client.post(f"{ADMIN}{item.pk}/aksi/tolak/", {"reason": "face_mismatch", "note": "beda orang"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.reject_reason) == (VerificationStatus.REJECTED, "face_mismatch")
    notice = Outbox.objects.get(event="verification_status", channel="email")
    assert "Alasan: Wajah pada swafoto tidak sesuai dengan foto KTP." in notice.body
    assert "beda orang" not in notice.body  # the note is for staff


def test_images_are_served_privately_and_every_look_is_logged(participant: Participant, branch: Any) -> None:
    item = make_request()
    petugas = staff_with_role("reviewer", branch)
    client = staff_client(petugas)
    full = client.get(f"{ADMIN}{item.pk}/foto/swafoto/")
    assert full.status_code == 200
    assert full["Content-Disposition"] == 'attachment; filename="swafoto.jpg"'
    assert "no-store" in full["Cache-Control"]
    assert full["X-Content-Type-Options"] == "nosniff"
    thumb = client.get(f"{ADMIN}{item.pk}/foto/ktp/?pratinjau=1")
    assert thumb.status_code == 200
    assert b"".join(thumb.streaming_content)[:2] == b"\xff\xd8"
    assert list(AccessLog.objects.filter(actor=petugas).order_by("pk").values_list("kind", "detail")) == [
        (AccessKind.DOCUMENTS, "verifikasi swafoto"),
        (AccessKind.DOCUMENTS, "verifikasi ktp (pratinjau)"),
    ]
    assert Client().get(f"{ADMIN}{item.pk}/foto/ktp/").status_code == 302  # anonymous: to the login


def test_schedule_in_the_past_is_refused(participant: Participant, branch: Any) -> None:
    item = make_request()
    with pytest.raises(VerificationError) as refused:
        verification_schedule_call(
            actor=staff_with_role("reviewer", branch),
            request_id=item.pk,
            at=timezone.now() - dt.timedelta(minutes=1),
            link="https://meet.contoh.id/abc",
        )
    assert refused.value.code == "past"
    item.refresh_from_db()
    assert (item.status, item.call_at) == (VerificationStatus.SUBMITTED, None)
