"""Filing and reviewing a dispute of an employer-reported exit (lifeevents.models.ExitDispute)."""

from __future__ import annotations

import datetime as dt
import uuid

import structlog
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.errors import refuse
from layanan.models import RequestStatus
from layanan.workflow import request_step
from lifeevents.forms import ExitType
from lifeevents.models import ExitDispute
from participants.models import Employment, User
from participants.selectors import participant_get_for_user

log = structlog.get_logger(__name__)


def exit_dispute_create(
    *,
    user: User,
    participant_public_id: uuid.UUID | str,
    claimed_end_date: dt.date | None,
    claimed_exit_type: str,
    description: str,
    today: dt.date | None = None,
) -> ExitDispute:
    """File a dispute of the latest reported exit of one of the user's KPJs; it goes to the employer's
    branch. Raises Http404 for someone else's KPJ, ServiceRequestError ("no_exit", "nothing_disputed",
    "no_description", "date_in_future", "date_before_start", "unknown_type", "already_open"); nothing
    is written then."""
    today = today or timezone.localdate()
    participant = participant_get_for_user(user=user, public_id=participant_public_id)
    employment = (
        Employment.objects.filter(participant=participant, end_date__isnull=False)
        .select_related("employer")
        .order_by("-end_date")
        .first()
    )
    if employment is None or employment.end_date is None:
        raise refuse(
            "exit_dispute.refused", "no_exit", _("Belum ada laporan berhenti bekerja untuk KPJ ini.")
        )
    if claimed_exit_type and claimed_exit_type not in ExitType.values:
        raise refuse(
            "exit_dispute.refused", "unknown_type", _("Jenis tidak dikenal. Pilih salah satu dari daftar.")
        )
    if claimed_end_date is None and not claimed_exit_type:
        raise refuse(
            "exit_dispute.refused",
            "nothing_disputed",
            _("Isi tanggal atau jenis yang benar: salah satu harus berbeda."),
        )
    if claimed_end_date is not None and claimed_end_date > today:
        raise refuse(
            "exit_dispute.refused", "date_in_future", _("Tanggal berhenti tidak boleh di masa depan.")
        )
    if claimed_end_date is not None and claimed_end_date < employment.start_date:
        raise refuse(
            "exit_dispute.refused",
            "date_before_start",
            _("Tanggal berhenti tidak boleh sebelum tanggal mulai bekerja."),
        )
    if not description.strip():
        raise refuse(
            "exit_dispute.refused", "no_description", _("Jelaskan apa yang salah pada laporan pemberi kerja.")
        )
    with transaction.atomic():
        if ExitDispute.objects.filter(participant=participant, status=RequestStatus.SUBMITTED).exists():
            raise refuse(
                "exit_dispute.refused",
                "already_open",
                _("Sanggahan Anda untuk KPJ ini masih diproses kantor cabang."),
            )
        dispute = ExitDispute.objects.create(
            user=user,
            branch_id=employment.employer.branch_id,
            participant=participant,
            employer=employment.employer,
            reported_end_date=employment.end_date,
            reported_exit_reason=employment.exit_reason,
            claimed_end_date=claimed_end_date,
            claimed_exit_type=claimed_exit_type,
            description=description.strip()[:2000],
        )
    log.info("exit_dispute.filed", request_id=str(dispute.public_id), user_id=user.pk)
    return dispute


def exit_disputes_of_user(*, user: User) -> list[ExitDispute]:
    return list(ExitDispute.objects.filter(user=user).select_related("participant", "employer", "branch"))


def exit_dispute_step(
    *, slug: str, actor: User, request_id: uuid.UUID | str, note: str = "", outcome: str = ""
) -> ExitDispute:
    """setujui (the branch has the employer correct the report), tolak (with a reason)."""
    return request_step(model=ExitDispute, slug=slug, actor=actor, request_id=request_id, note=note)
