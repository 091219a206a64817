"""Kartu hilang/rusak and pengaduan upah: the participant files, branch staff decide.

Both requests carry an upload through the shared pipeline (JPEG/PNG/PDF by content, rewritten, private
storage); a refused request stores nothing. Staff move them through their state tables with
`layanan.workflow.request_step` (branch scope, auditors read-only, history, participant notice).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import structlog
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import BookingStatus, ServiceKind
from branches.selectors import booking_get_for_user
from layanan.errors import refuse
from layanan.models import CardReason, CardReplacementRequest, WageComplaint
from layanan.workflow import request_step
from participants.models import Contribution, User
from participants.selectors import participant_get_for_user
from portal.uploads.services import PreparedUpload

log = structlog.get_logger(__name__)

COMPLAINT_MONTHS = 36  # how far back a participant can flag months


def _file(prepared: PreparedUpload) -> ContentFile[bytes]:
    return ContentFile(prepared.file.data, name=f"upload.{prepared.file.extension}")


# --- Kartu hilang / rusak ----------------------------------------------------------------------------


def card_request_create(
    *,
    user: User,
    participant_id: uuid.UUID | str,
    reason: str,
    document: PreparedUpload,
    booking_id: uuid.UUID | str | None = None,
) -> CardReplacementRequest:
    """Ask for a new physical card for one of the user's KPJs, picked up at the branch of `booking_id`
    (an active "kartu" booking of the user) or at the KPJ's branch. Raises Http404 for someone else's
    KPJ or booking, ServiceRequestError ("unknown_reason", "wrong_booking", "open_request")."""
    participant = participant_get_for_user(user=user, public_id=participant_id)
    if reason not in CardReason.values:
        raise refuse("card.refused", "unknown_reason", _("Pilih alasan penggantian kartu."))
    booking = None
    if booking_id:
        booking = booking_get_for_user(user=user, booking_id=booking_id)
        if booking.service != ServiceKind.KARTU or booking.status != BookingStatus.BOOKED:
            raise refuse(
                "card.refused", "wrong_booking", _("Pilih janji temu aktif untuk layanan kartu peserta.")
            )
    try:
        with transaction.atomic():
            request = CardReplacementRequest.objects.create(
                user=user,
                branch_id=booking.branch_id if booking else participant.branch_id,
                participant=participant,
                reason=reason,
                document=_file(document),
                content_type=document.file.content_type,
                booking=booking,
            )
    except IntegrityError as exc:
        if "card_request_one_open_per_kpj" in str(exc):
            raise refuse(
                "card.refused", "open_request", _("Penggantian kartu untuk KPJ ini sedang diproses.")
            ) from exc
        raise
    log.info("card.requested", request_id=str(request.public_id), user_id=user.pk)
    return request


# --- Pengaduan upah -----------------------------------------------------------------------------------


def complaint_months(*, participant_id: int, today: dt.date) -> list[Any]:
    """The KPJ's contribution months of the last `COMPLAINT_MONTHS` months that have an employer."""
    start = (today.replace(day=1) - dt.timedelta(days=31 * COMPLAINT_MONTHS)).replace(day=1)
    return list(
        Contribution.objects.filter(participant_id=participant_id, period__gte=start, employer__isnull=False)
        .order_by("-period")
        .values("period", "wage_idr", "employer_id", "employer__name")
    )


def wage_complaint_create(
    *,
    user: User,
    participant_id: uuid.UUID | str,
    months: Sequence[str],
    description: str,
    payslip: PreparedUpload | None = None,
    today: dt.date | None = None,
) -> WageComplaint:
    """File a complaint about the reported wage of `months` ("YYYY-MM") of one of the user's KPJs. The
    months must be contribution months of one employer; the complaint goes to that employer's branch.
    Raises Http404 for someone else's KPJ, ServiceRequestError ("no_months", "unknown_month",
    "several_employers", "no_description")."""
    participant = participant_get_for_user(user=user, public_id=participant_id)
    if not months:
        raise refuse("complaint.refused", "no_months", _("Tandai minimal satu bulan."))
    if not description.strip():
        raise refuse("complaint.refused", "no_description", _("Jelaskan apa yang tidak sesuai."))
    known = {
        m["period"].strftime("%Y-%m"): m
        for m in complaint_months(participant_id=participant.pk, today=today or timezone.localdate())
    }
    if any(m not in known for m in months):
        raise refuse("complaint.refused", "unknown_month", _("Pilih bulan dari riwayat iuran Anda."))
    employers = {known[m]["employer_id"] for m in months}
    if len(employers) != 1:
        raise refuse(
            "complaint.refused",
            "several_employers",
            _("Satu pengaduan untuk satu pemberi kerja. Pisahkan bulan dari pemberi kerja yang berbeda."),
        )
    from participants.models import Employer

    employer = Employer.objects.get(pk=employers.pop())
    complaint = WageComplaint.objects.create(
        user=user,
        branch_id=employer.branch_id,
        participant=participant,
        employer=employer,
        months=sorted(set(months)),
        description=description.strip()[:2000],
        payslip=_file(payslip) if payslip else "",
        content_type=payslip.file.content_type if payslip else "",
    )
    log.info("complaint.filed", request_id=str(complaint.public_id), months=len(months), user_id=user.pk)
    return complaint


# --- Staff steps (state tables: CardReplacementRequest.STEPS, WageComplaint.STEPS) ---------------------


def card_request_step(
    *, slug: str, actor: User, request_id: uuid.UUID | str, note: str = "", outcome: str = ""
) -> CardReplacementRequest:
    """setujui (card being printed), siap-diambil, sudah-diambil, tolak (with a reason)."""
    return request_step(
        model=CardReplacementRequest, slug=slug, actor=actor, request_id=request_id, note=note
    )


def wage_complaint_step(
    *, slug: str, actor: User, request_id: uuid.UUID | str, note: str = "", outcome: str = ""
) -> WageComplaint:
    """tindak-lanjuti (forwarded to the employer / investigated), selesaikan (outcome + note), tolak."""
    return request_step(
        model=WageComplaint, slug=slug, actor=actor, request_id=request_id, note=note, outcome=outcome
    )


def card_requests_of_user(*, user: User) -> list[CardReplacementRequest]:
    return list(
        CardReplacementRequest.objects.filter(user=user).select_related("participant", "booking", "branch")
    )


def wage_complaints_of_user(*, user: User) -> list[WageComplaint]:
    return list(WageComplaint.objects.filter(user=user).select_related("participant", "employer", "branch"))


def own_request[T: models.Model](*, model: type[T], user: User, request_id: uuid.UUID | str) -> T:
    try:
        return model._default_manager.get(user=user, public_id=request_id)
    except (model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise Http404 from None
