"""Pengkinian data: the participant asks to correct one field of their data with a supporting document
(same upload pipeline as claim documents); staff of the KPJ's branch approve or reject; an approval
applies the change to every KPJ of the person through `participant_correct_personal_data`.
The request row is the history: old value, new value, document, who decided and when.
"""

from __future__ import annotations

import datetime as dt
import uuid

import structlog
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.roles import branch_scope_q, is_read_only
from layanan.errors import ServiceRequestError, refuse
from layanan.models import CorrectionField, DataCorrectionRequest, RequestStatus
from participants.models import Participant, User
from participants.nik import InvalidNik, nik_matches_person
from participants.selectors import participant_get_for_user
from participants.services import participant_correct_personal_data
from portal.uploads.services import PreparedUpload

log = structlog.get_logger(__name__)


def _current(participant: Participant, field: str) -> str:
    value = getattr(participant, field)
    return value.isoformat() if isinstance(value, dt.date) else str(value or "")


def _clean_value(participant: Participant, field: str, raw: str) -> str | dt.date:
    """The new value, parsed and checked; ServiceRequestError when it is wrong or inconsistent."""
    value = raw.strip()
    if field not in CorrectionField.values:
        raise refuse("correction.refused", "unknown_field", _("Data ini tidak dapat diubah lewat portal."))
    if not value:
        raise refuse("correction.refused", "empty", _("Isi data yang benar."))
    if field == CorrectionField.BIRTH_DATE:
        try:
            born = dt.date.fromisoformat(value)
        except ValueError:
            raise refuse("correction.refused", "invalid_date", _("Tanggal lahir tidak valid.")) from None
        if not nik_matches_person(participant.nik, birth_date=born, sex=participant.sex):
            raise refuse(
                "correction.refused",
                "nik_mismatch",
                _(
                    "Tanggal lahir ini tidak sesuai dengan NIK Anda (6 digit tanggal lahir di dalam NIK). "
                    "Bila NIK Anda sendiri salah, perbaiki dulu di Dukcapil lalu datang ke kantor cabang."
                ),
            )
        return born
    if field == CorrectionField.EMAIL:
        try:
            validate_email(value)
        except ValidationError:
            raise refuse("correction.refused", "invalid_email", _("Alamat email tidak valid.")) from None
        return value.lower()
    if field == CorrectionField.PHONE:
        digits = value.replace(" ", "").replace("-", "")
        if not (
            digits.startswith(("08", "+628")) and digits.lstrip("+").isdigit() and 10 <= len(digits) <= 15
        ):
            raise refuse(
                "correction.refused",
                "invalid_phone",
                _("Nomor HP harus diawali 08 dan berisi 10 sampai 15 digit."),
            )
        return digits
    limit = 150 if field == CorrectionField.FULL_NAME else 255
    if len(value) > limit:
        raise refuse("correction.refused", "too_long", _("Data terlalu panjang."))
    return value


def correction_request_create(
    *, user: User, participant_id: uuid.UUID | str, field: str, new_value: str, document: PreparedUpload
) -> DataCorrectionRequest:
    """File a correction for one of the user's KPJs. Raises Http404 for someone else's KPJ and
    ServiceRequestError ("unknown_field", "invalid_date", "nik_mismatch", "unchanged", "open_request",
    ...); nothing is stored (no file either) on a refusal."""
    participant = participant_get_for_user(user=user, public_id=participant_id)
    value = _clean_value(participant, field, new_value)
    shown = value.isoformat() if isinstance(value, dt.date) else value
    if shown == _current(participant, field):
        raise refuse("correction.refused", "unchanged", _("Data baru sama dengan data yang tercatat."))
    clean = document.file
    try:
        with transaction.atomic():
            request = DataCorrectionRequest.objects.create(
                user=user,
                branch_id=participant.branch_id,
                nik_index=participant.nik_index,
                participant=participant,
                field=field,
                old_value=_current(participant, field),
                new_value=shown,
                document=ContentFile(clean.data, name=f"upload.{clean.extension}"),
                content_type=clean.content_type,
            )
    except IntegrityError as exc:
        if "correction_one_open_per_field" in str(exc):
            raise refuse(
                "correction.refused",
                "open_request",
                _("Perubahan data ini sudah diajukan dan sedang diperiksa."),
            ) from exc
        raise
    log.info("correction.requested", request_id=str(request.public_id), field=field, user_id=user.pk)
    return request


def corrections_of_user(*, user: User) -> list[DataCorrectionRequest]:
    return list(DataCorrectionRequest.objects.filter(user=user).select_related("participant"))


def correction_get_for_user(*, user: User, request_id: uuid.UUID | str) -> DataCorrectionRequest:
    from django.http import Http404

    try:
        return DataCorrectionRequest.objects.select_related("participant").get(
            user=user, public_id=request_id
        )
    except (DataCorrectionRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _staff_request(*, actor: User, request_id: uuid.UUID | str) -> DataCorrectionRequest:
    if is_read_only(actor):
        raise refuse(
            "correction.refused", "read_only", _("Auditor hanya dapat melihat data."), actor_id=actor.pk
        )
    request = (
        DataCorrectionRequest.objects.select_for_update()
        .filter(branch_scope_q(actor, "branch"), public_id=request_id)
        .first()
    )
    if request is None:
        raise refuse("correction.refused", "not_found", _("Pengajuan tidak ditemukan di kantor cabang Anda."))
    return request


def correction_approve(*, actor: User, request_id: uuid.UUID | str) -> DataCorrectionRequest:
    """Apply the correction to every KPJ of the person, atomically with the request's status.
    Idempotent for an approved request; NIK checks run again (InvalidNik → "nik_mismatch")."""
    with transaction.atomic():
        request = _staff_request(actor=actor, request_id=request_id)
        if request.status == RequestStatus.APPROVED:
            return request
        if request.status == RequestStatus.REJECTED:
            raise refuse("correction.refused", "rejected", _("Pengajuan ini sudah ditolak."))
        value: str | dt.date = request.new_value
        if request.field == CorrectionField.BIRTH_DATE:
            value = dt.date.fromisoformat(request.new_value)
        try:
            with transaction.atomic():
                participant_correct_personal_data(
                    nik_index=request.nik_index, field=request.field, value=value
                )
        except (InvalidNik, ValidationError) as exc:
            raise refuse(
                "correction.refused", "nik_mismatch", _("Data baru tidak lolos pemeriksaan NIK/data peserta.")
            ) from exc
        request.status = RequestStatus.APPROVED
        request.decided_at = timezone.now()
        request.decided_by = actor
        request.save(update_fields=["status", "decided_at", "decided_by"])
    log.info("correction.approved", request_id=str(request.public_id), actor_id=actor.pk)
    return request


def correction_reject(*, actor: User, request_id: uuid.UUID | str, note: str) -> DataCorrectionRequest:
    if not note.strip():
        raise ServiceRequestError("note_required", _("Tuliskan alasan penolakan untuk peserta."))
    with transaction.atomic():
        request = _staff_request(actor=actor, request_id=request_id)
        if request.status == RequestStatus.REJECTED:
            return request
        if request.status == RequestStatus.APPROVED:
            raise refuse("correction.refused", "approved", _("Pengajuan ini sudah disetujui."))
        request.status = RequestStatus.REJECTED
        request.decision_note = note.strip()
        request.decided_at = timezone.now()
        request.decided_by = actor
        request.save(update_fields=["status", "decision_note", "decided_at", "decided_by"])
    log.info("correction.rejected", request_id=str(request.public_id), actor_id=actor.pk)
    return request
