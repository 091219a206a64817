"""Kartu hilang/rusak and pengaduan upah: filing through the user's own KPJs and bookings, routing to
the right branch queue, staff decisions by persona; bad input stores nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from branches.models import BranchService, OpeningHours, ServiceKind
from branches.services import booking_create
from layanan.errors import ServiceRequestError
from layanan.models import CardReplacementRequest, CardStatus, ComplaintStatus, WageComplaint
from layanan.requests import (
    card_request_create,
    card_request_step,
    wage_complaint_create,
    wage_complaint_step,
)
from portal.uploads.services import prepare_upload
from tests.factories import BranchFactory, EmployerFactory, ParticipantFactory, UserFactory, post_contribution
from tests.layanan.conftest import logged_in, staff_with_role
from tests.portal import test_uploads_corpus as corpus

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)
WIB = dt.timezone(dt.timedelta(hours=7))


def _doc() -> Any:
    return prepare_upload(uploaded_file=SimpleUploadedFile("laporan.pdf", corpus.pdf(), "application/pdf"))


@pytest.fixture
def worker() -> Any:
    """A KPJ registered at JKT01 whose employer is registered at BDG01."""
    participant: Any = ParticipantFactory(user=UserFactory(), branch=BranchFactory(code="JKT01"))
    employer = EmployerFactory(branch=BranchFactory(code="BDG01"))
    for month in (7, 8, 9):
        post_contribution(participant, period=dt.date(2026, month, 1), wage_idr=4_000_000, employer=employer)
    participant.employer = employer
    return participant


def test_card_request_goes_to_the_branch_of_the_pickup_booking(worker: Any) -> None:
    pickup = BranchFactory(code="SBY01")
    OpeningHours.objects.create(branch=pickup, weekday=0, opens_at=dt.time(8), closes_at=dt.time(10))
    service = BranchService.objects.create(branch=pickup, service=ServiceKind.KARTU)
    booking = booking_create(
        user=worker.user,
        branch_service_id=service.pk,
        starts_at=dt.datetime(2026, 11, 23, 8, tzinfo=WIB),
        now=dt.datetime(2026, 11, 22, 9, tzinfo=WIB),
    )
    request = card_request_create(
        user=worker.user,
        participant_id=worker.public_id,
        reason="lost",
        document=_doc(),
        booking_id=booking.public_id,
    )
    assert (request.branch_id, request.booking_id) == (pickup.pk, booking.pk)
    with pytest.raises(ServiceRequestError) as exc:
        card_request_create(
            user=worker.user, participant_id=worker.public_id, reason="damaged", document=_doc()
        )
    assert exc.value.code == "open_request"
    with pytest.raises(ServiceRequestError) as exc:
        card_request_step(
            slug="setujui", actor=staff_with_role("reviewer", worker.branch), request_id=request.public_id
        )
    assert exc.value.code == "not_found"  # the pickup branch decides
    card_request_step(slug="setujui", actor=staff_with_role("reviewer", pickup), request_id=request.public_id)
    assert CardReplacementRequest.objects.get().status == CardStatus.APPROVED
    # The digital card stays available throughout.
    assert (
        logged_in(worker.user)
        .get(reverse("participants:card", kwargs={"public_id": worker.public_id}))
        .status_code
        == 200
    )


def test_card_request_refusals_store_nothing(worker: Any) -> None:
    with pytest.raises(Http404):
        card_request_create(
            user=UserFactory(), participant_id=worker.public_id, reason="lost", document=_doc()
        )
    with pytest.raises(ServiceRequestError):
        card_request_create(
            user=worker.user, participant_id=worker.public_id, reason="stolen", document=_doc()
        )
    with pytest.raises(Http404):
        card_request_create(
            user=worker.user,
            participant_id=worker.public_id,
            reason="lost",
            document=_doc(),
            booking_id="00000000-0000-0000-0000-000000000000",
        )
    assert not CardReplacementRequest.objects.exists()


def test_card_page_requires_a_document() -> None:
    user = UserFactory()
    participant: Any = ParticipantFactory(user=user)
    response = logged_in(user).post(
        reverse("layanan:card"), {"kpj": str(participant.public_id), "alasan": "lost"}
    )
    assert response.status_code == 400
    assert not CardReplacementRequest.objects.exists()
    ok = logged_in(user).post(
        reverse("layanan:card"),
        {
            "kpj": str(participant.public_id),
            "alasan": "damaged",
            "dokumen": SimpleUploadedFile("k.pdf", corpus.pdf()),
        },
    )
    assert ok.status_code == 302
    assert CardReplacementRequest.objects.get().branch_id == participant.branch_id


def test_wage_complaint_goes_to_the_employers_branch(worker: Any) -> None:
    complaint = wage_complaint_create(
        user=worker.user,
        participant_id=worker.public_id,
        months=["2026-08", "2026-07"],
        description="Upah saya Rp6.000.000, dilaporkan Rp4.000.000.",
        payslip=_doc(),
        today=TODAY,
    )
    assert complaint.branch_id == worker.employer.branch_id
    assert complaint.months == ["2026-07", "2026-08"]
    assert complaint.payslip.name.startswith("layanan/")
    with pytest.raises(ServiceRequestError) as exc:
        wage_complaint_step(
            slug="tindak-lanjuti",
            actor=staff_with_role("reviewer", worker.branch),
            request_id=complaint.public_id,
        )
    assert exc.value.code == "not_found"
    with pytest.raises(ServiceRequestError) as exc:
        wage_complaint_step(
            slug="tindak-lanjuti", actor=staff_with_role("auditor", None), request_id=complaint.public_id
        )
    assert exc.value.code == "read_only"
    reviewer = staff_with_role("reviewer", worker.employer.branch)
    with pytest.raises(ServiceRequestError):
        wage_complaint_step(slug="tolak", actor=reviewer, request_id=complaint.public_id, note="")
    wage_complaint_step(slug="tindak-lanjuti", actor=reviewer, request_id=complaint.public_id)
    assert WageComplaint.objects.get().status == ComplaintStatus.IN_REVIEW


@pytest.mark.parametrize(
    ("months", "description", "code"),
    [
        ([], "x", "no_months"),
        (["2026-08"], "  ", "no_description"),
        (["2026-10"], "x", "unknown_month"),  # no contribution that month
        (["2019-01"], "x", "unknown_month"),
    ],
)
def test_bad_complaints_store_nothing(worker: Any, months: list[str], description: str, code: str) -> None:
    with pytest.raises(ServiceRequestError) as exc:
        wage_complaint_create(
            user=worker.user,
            participant_id=worker.public_id,
            months=months,
            description=description,
            today=TODAY,
        )
    assert exc.value.code == code
    assert not WageComplaint.objects.exists()


def test_months_of_two_employers_are_refused(worker: Any) -> None:
    second = EmployerFactory(branch=worker.branch)
    post_contribution(worker, period=dt.date(2026, 10, 1), wage_idr=5_000_000, employer=second)
    with pytest.raises(ServiceRequestError) as exc:
        wage_complaint_create(
            user=worker.user,
            participant_id=worker.public_id,
            months=["2026-09", "2026-10"],
            description="x",
            today=TODAY,
        )
    assert exc.value.code == "several_employers"
    assert not WageComplaint.objects.exists()


@time_machine.travel(dt.datetime(2026, 11, 22, 10, tzinfo=WIB), tick=False)
def test_complaint_pages_and_idor(worker: Any) -> None:
    """The page offers the last COMPLAINT_MONTHS months from today: today is pinned so the fixture's
    2026 contributions stay in the window whatever the real date."""
    url = reverse("layanan:complaint_new", kwargs={"public_id": worker.public_id})
    client = logged_in(worker.user)
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="2026-09"' in page.content.decode()
    assert (
        url
        in client.get(
            reverse("participants:history", kwargs={"public_id": worker.public_id})
        ).content.decode()
    )
    assert logged_in(UserFactory()).get(url).status_code == 404
    assert logged_in(UserFactory()).post(url, {"bulan": ["2026-09"], "keterangan": "x"}).status_code == 404
    assert client.post(url, {"bulan": ["2026-09"], "keterangan": "Upah tidak sesuai"}).status_code == 302
    assert "2026-09" in client.get(reverse("layanan:complaints")).content.decode()
    assert WageComplaint.objects.count() == 1
