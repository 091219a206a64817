"""An exit dispute in the employer's branch queue: staff of that branch decide it (layanan's workflow),
the participant is told; staff of another branch cannot reach it; a second open dispute is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from layanan.errors import ServiceRequestError
from layanan.models import RequestHistory
from lifeevents.disputes import exit_dispute_create, exit_dispute_step
from lifeevents.models import ExitDispute
from notifications.models import Outbox
from tests.factories import BranchFactory
from tests.layanan.conftest import logged_in, staff_with_role
from tests.lifeevents.conftest import laid_off

pytestmark = pytest.mark.django_db


def file(worker: Any) -> ExitDispute:
    return exit_dispute_create(
        user=worker.user,
        participant_public_id=worker.public_id,
        claimed_end_date=dt.date(2026, 9, 30),
        claimed_exit_type="",
        description="Hari terakhir saya 30 September.",
    )


def test_branch_staff_approve_and_the_participant_is_told() -> None:
    worker = laid_off()
    dispute = file(worker)
    reviewer = staff_with_role("reviewer", dispute.branch)
    done = exit_dispute_step(slug="setujui", actor=reviewer, request_id=dispute.public_id, note="Dikoreksi.")
    assert (done.status, done.decided_by_id, done.decision_note) == ("approved", reviewer.pk, "Dikoreksi.")
    history = RequestHistory.objects.get(request_public_id=dispute.public_id)
    assert (history.request_kind, history.from_status, history.to_status) == (
        "exitdispute",
        "submitted",
        "approved",
    )
    assert Outbox.objects.filter(event="service_request_status", participant=worker).exists()


def test_staff_of_another_branch_cannot_reach_it() -> None:
    worker = laid_off()
    dispute = file(worker)
    stranger = staff_with_role("reviewer", BranchFactory(code="SBY01"))
    with pytest.raises(ServiceRequestError) as error:
        exit_dispute_step(slug="setujui", actor=stranger, request_id=dispute.public_id)
    assert error.value.code == "not_found"
    dispute.refresh_from_db()
    assert dispute.status == "submitted"


def test_one_open_dispute_per_kpj() -> None:
    worker = laid_off()
    file(worker)
    with pytest.raises(ServiceRequestError) as error:
        file(worker)
    assert error.value.code == "already_open"
    assert ExitDispute.objects.count() == 1


def test_back_office_queue_pages_and_the_reject_step() -> None:
    worker = laid_off()
    dispute = file(worker)
    reviewer = logged_in(staff_with_role("reviewer", dispute.branch))
    assert worker.kpj in reviewer.get(reverse("admin:lifeevents_exitdispute_changelist")).content.decode()
    change = reviewer.get(reverse("admin:lifeevents_exitdispute_change", args=[dispute.pk]))
    assert change.status_code == 200
    step = reverse("admin:lifeevents_exitdispute_step", args=[dispute.pk, "tolak"])
    assert step in change.content.decode()
    assert reviewer.post(step, {"note": " "}).status_code == 200  # a reason is required: form again
    assert ExitDispute.objects.get().status == "submitted"
    assert reviewer.post(step, {"note": "Surat PHK menyebut 15 September."}).status_code == 302
    assert ExitDispute.objects.get().status == "rejected"
    other = logged_in(staff_with_role("reviewer", BranchFactory(code="SBY01")))
    assert worker.kpj not in other.get(reverse("admin:lifeevents_exitdispute_changelist")).content.decode()
    auditor = logged_in(staff_with_role("auditor", None))
    assert auditor.get(reverse("admin:lifeevents_exitdispute_changelist")).status_code == 200
