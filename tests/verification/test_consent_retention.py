"""UU PDP: withdrawing consent deletes the images at once and closes an open request (idempotent); the
retention sweep deletes the images after the decision + the retention period, not before; the face
match runs only with consent and its score never decides."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from notifications.models import Outbox
from participants.models import Participant
from tests.verification.conftest import make_request, staff_with_role, stored_files
from verification.links import status_token
from verification.models import VerificationRequest, VerificationStatus
from verification.retention import verification_images_sweep
from verification.review import verification_reject
from verification.tasks import face_match_run, face_matches_pending
from verification.verifier import FakeIdentityVerifier

pytestmark = pytest.mark.django_db(transaction=True)  # file deletion happens on commit


def status_url(item: Any) -> str:
    return f"/akun/verifikasi/status/{status_token(item.pk)}/"


def test_the_status_page_shows_the_request_and_its_consent(participant: Participant) -> None:
    item = make_request(face_match=True)
    page = Client().get(status_url(item)).content.decode()
    assert 'data-status="submitted"' in page
    assert "Saya setuju BPJS Ketenagakerjaan memproses foto KTP dan swafoto saya" in page
    assert "Versi identitas-v1" in page
    assert "Versi wajah-v1" in page
    assert "Tarik persetujuan dan hapus foto" in page


def test_a_forged_status_link_is_a_404(participant: Participant) -> None:
    item = make_request()
    token = status_token(item.pk)
    assert Client().get(f"/akun/verifikasi/status/{token[:-2]}xx/").status_code == 404
    assert Client().post(f"/akun/verifikasi/status/{token[:-2]}xx/tarik-persetujuan/").status_code == 404
    item.refresh_from_db()
    assert item.has_images


def test_an_old_status_link_expires(participant: Participant, settings: Any) -> None:
    item = make_request()
    url = status_url(item)
    with time_machine.travel(timezone.now() + dt.timedelta(days=settings.VERIFICATION_STATUS_LINK_DAYS + 1)):
        assert Client().get(url).status_code == 404


def test_withdrawal_deletes_the_images_at_once_and_closes_the_request(
    participant: Participant, private_storage: Path
) -> None:
    item = make_request(face_match=True)
    assert len(stored_files(private_storage)) == 2
    client = Client()
    response = client.post(f"{status_url(item)}tarik-persetujuan/")
    assert response.status_code == 302
    assert stored_files(private_storage) == []
    item.refresh_from_db()
    assert (item.status, item.ktp_image, item.selfie_image) == (VerificationStatus.WITHDRAWN, "", "")
    assert item.images_deleted_at is not None
    assert all(c.withdrawn_at is not None for c in item.consents.all())
    assert Outbox.objects.filter(event="verification_status", channel="email").count() == 1
    page = client.get(status_url(item)).content.decode()
    assert "Sudah dihapus." in page
    assert 'data-status="withdrawn"' in page
    assert "Tarik persetujuan dan hapus foto" not in page
    # Again: nothing more happens.
    withdrawn_at = item.consents.first().withdrawn_at
    assert client.post(f"{status_url(item)}tarik-persetujuan/").status_code == 302
    item.refresh_from_db()
    assert item.consents.first().withdrawn_at == withdrawn_at
    assert Outbox.objects.filter(event="verification_status", channel="email").count() == 1


def test_withdrawal_after_a_decision_keeps_the_decision(
    participant: Participant, branch: Any, private_storage: Path
) -> None:
    item = make_request()
    verification_reject(actor=staff_with_role("reviewer", branch), request_id=item.pk, reason="photo_unclear")
    Client().post(f"{status_url(item)}tarik-persetujuan/")
    item.refresh_from_db()
    assert (item.status, item.has_images) == (VerificationStatus.REJECTED, False)
    assert stored_files(private_storage) == []


def test_the_sweep_deletes_images_after_the_retention_period_not_before(
    participant: Participant, branch: Any, private_storage: Path
) -> None:
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False):
        decided = make_request()
        verification_reject(
            actor=staff_with_role("reviewer", branch), request_id=decided.pk, reason="call_missed"
        )
        undecided = make_request(email="lain@contoh.id")
    with time_machine.travel(t0 + dt.timedelta(days=29, hours=23), tick=False):
        assert verification_images_sweep() == 0
    assert len(stored_files(private_storage)) == 4
    with time_machine.travel(t0 + dt.timedelta(days=30, seconds=1), tick=False):
        assert verification_images_sweep() == 1
        assert verification_images_sweep() == 0  # safe to run twice
    decided.refresh_from_db()
    undecided.refresh_from_db()
    assert (decided.has_images, undecided.has_images) == (False, True)
    assert stored_files(private_storage) == sorted([undecided.ktp_image, undecided.selfie_image])
    # An undecided request keeps its images at most VERIFICATION_OPEN_RETENTION_DAYS.
    with time_machine.travel(t0 + dt.timedelta(days=90, seconds=1), tick=False):
        assert verification_images_sweep() == 1
    assert stored_files(private_storage) == []


def test_the_face_match_runs_only_with_consent(participant: Participant, settings: Any) -> None:
    settings.VERIFICATION_FAKE_SCORE = "0.873"
    with_consent = make_request(face_match=True)
    without = make_request(face_match=False, email="lain@contoh.id")
    assert face_match_run(str(with_consent.pk)) is True
    assert face_match_run(str(without.pk)) is False
    assert face_match_run(str(with_consent.pk)) is False  # already checked
    with_consent.refresh_from_db()
    without.refresh_from_db()
    assert (with_consent.verifier_score, with_consent.verifier_name) == (Decimal("0.873"), "fake")
    assert (without.verifier_score, without.verifier_checked_at) == (None, None)
    assert with_consent.status == VerificationStatus.SUBMITTED  # the score never decides


def test_the_face_match_is_not_kept_after_withdrawal(participant: Participant) -> None:
    item = make_request(face_match=True)
    Client().post(f"{status_url(item)}tarik-persetujuan/")
    assert face_match_run(str(item.pk)) is False
    assert VerificationRequest.objects.get(pk=item.pk).verifier_score is None


def test_a_face_match_that_never_ran_is_picked_up_by_the_sweep(participant: Participant) -> None:
    item = make_request(face_match=True)
    assert face_matches_pending() == []  # within the grace period
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert face_matches_pending() == [str(item.pk)]


def test_the_fake_verifier_scores_from_the_files() -> None:
    verifier = FakeIdentityVerifier()
    one = verifier.match_face(nik="3171011705900001", ktp_image=b"ktp", selfie_image=b"wajah")
    again = verifier.match_face(nik="3171011705900001", ktp_image=b"ktp", selfie_image=b"wajah")
    other = verifier.match_face(nik="3171011705900001", ktp_image=b"ktp", selfie_image=b"wajah lain")
    assert one == again
    assert one.score != other.score
    assert Decimal(0) <= one.score <= Decimal(1)


def test_the_hourly_beat_task_sweeps_images_and_requeues_face_matches(
    participant: Participant, settings: Any, monkeypatch: pytest.MonkeyPatch, private_storage: Path
) -> None:
    from portal.celery import app
    from verification import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["verification-sweep"]
    assert entry["task"] == "verification.tasks.sweep_verification"
    assert app.tasks[entry["task"]].name == tasks.sweep_verification.name
    queued: list[str] = []
    # apply_async: both `delay` (the sweep) and `delay_on_commit` (the request) send through it.
    monkeypatch.setattr(
        tasks.run_face_match, "apply_async", lambda args=(), kwargs=None, **options: queued.append(args[0])
    )
    item = make_request(face_match=True)
    assert queued == [str(item.pk)]  # queued after the commit of the request
    queued.clear()
    with time_machine.travel(timezone.now() + dt.timedelta(days=91)):
        assert tasks.sweep_verification() == 1  # the undecided request's images, past 90 days
    assert queued == []  # images gone: nothing left to match
    assert stored_files(private_storage) == []
    fresh = make_request(face_match=True, email="baru@contoh.id")
    queued.clear()  # the broker lost it: the sweep queues it again
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=20)):
        assert tasks.sweep_verification() == 0
    assert queued == [str(fresh.pk)]
    assert VerificationRequest.objects.get(pk=item.pk).images_deleted_at is not None
