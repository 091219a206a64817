"""Pengkinian data: the participant asks to correct one field of their data with a supporting document
(same upload pipeline as claim documents); staff of the KPJ's branch approve or reject; an approval
applies the change to every KPJ of the person through `participant_correct_personal_data` (an email
also becomes the account's login email, with the security notice to the old and new address).
The request row keeps old value, new value and document; the steps are in RequestHistory.
"""

from __future__ import annotations

import datetime as dt
import uuid

import structlog
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.security_events import security_contact_changed
from layanan.errors import refuse
from layanan.models import APPROVE, REJECT, CorrectionField, DataCorrectionRequest
from layanan.workflow import request_step
from participants.contacts import contacts_of_person
from participants.models import Participant, User
from participants.nik import InvalidNik, nik_matches_person
from participants.selectors import participant_get_for_user
from participants.services import participant_correct_personal_data
from portal.forms import parse_date_input
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
        # The portal's one date input style, DD-MM-YYYY (ISO still accepted); stored as ISO.
        born = parse_date_input(value)
        if born is None:
            raise refuse("correction.refused", "invalid_date", _("Tulis tanggal lahir seperti 17-05-1990."))
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


def _apply_correction(request: DataCorrectionRequest, actor: User) -> list[str]:
    """The approval hook of `request_step`: the new value on every KPJ of the person (NIK checks run
    again: InvalidNik → "nik_mismatch") and, for the email, on the login account too."""
    value: str | dt.date = request.new_value
    if request.field == CorrectionField.BIRTH_DATE:
        value = dt.date.fromisoformat(request.new_value)
    if request.field == CorrectionField.EMAIL:
        _check_account_email_free(user=request.user, email=request.new_value)
    # A contact change is told to the contacts as they were before it (with "Bukan saya").
    previous = contacts_of_person(nik_index=request.nik_index, user=request.user)
    try:
        with transaction.atomic():
            participant_correct_personal_data(nik_index=request.nik_index, field=request.field, value=value)
    except (InvalidNik, ValidationError) as exc:
        raise refuse(
            "correction.refused", "nik_mismatch", _("Data baru tidak lolos pemeriksaan NIK/data peserta.")
        ) from exc
    if request.field == CorrectionField.EMAIL:
        _change_account_email(user=request.user, email=request.new_value)
    if request.field in (CorrectionField.EMAIL, CorrectionField.PHONE):
        security_contact_changed(user=request.user, participant=request.participant, previous=previous)
    log.info("correction.applied", request_id=str(request.public_id), field=request.field, actor_id=actor.pk)
    return []


def _check_account_email_free(*, user: User, email: str) -> None:
    """The login email is unique among accounts (case-insensitively, as at activation): refuse the
    approval when another account uses the address."""
    taken = (
        User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
        or EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists()
    )
    if taken:
        raise refuse(
            "correction.refused",
            "email_taken",
            _(
                "Alamat email ini sudah dipakai akun lain, jadi tidak dapat dijadikan email login peserta. "
                "Tolak pengajuan dan minta peserta memakai alamat lain."
            ),
            user_id=user.pk,
        )


def _change_account_email(*, user: User, email: str) -> None:
    """The account's login email becomes `email`: User.email and the allauth primary address. The old
    addresses are removed (as allauth's own email change does), so the old mailbox can no longer log
    in or reset the password. The new address is not marked verified: staff checked the person's
    document, not the mailbox. The security notice goes to the old and the new address."""
    from accounts.notices import security_email_changed

    account = User.objects.select_for_update().get(pk=user.pk)
    old = account.email
    if old.lower() == email.lower():
        return
    try:
        with transaction.atomic():
            account.email = email
            account.save(update_fields=["email"])
    except IntegrityError as exc:  # taken by another account since the check above
        raise refuse(
            "correction.refused", "email_taken", _("Alamat email ini sudah dipakai akun lain.")
        ) from exc
    EmailAddress.objects.filter(user=account).exclude(email__iexact=email).delete()
    address = EmailAddress.objects.filter(user=account, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.create(user=account, email=email, primary=True, verified=False)
    elif not address.primary:
        address.primary = True
        address.save(update_fields=["primary"])
    security_email_changed(user=account, old_email=old, new_email=email)


def correction_step(
    *, slug: str, actor: User, request_id: uuid.UUID | str, note: str = "", outcome: str = ""
) -> DataCorrectionRequest:
    """Any step of DataCorrectionRequest.STEPS through `request_step`; approval applies the change."""
    return request_step(
        model=DataCorrectionRequest,
        slug=slug,
        actor=actor,
        request_id=request_id,
        note=note,
        apply=_apply_correction if slug == APPROVE.slug else None,
    )


def correction_approve(*, actor: User, request_id: uuid.UUID | str) -> DataCorrectionRequest:
    """Apply the correction to every KPJ of the person (and the account's email), atomically with the
    request's status. Idempotent for an approved request."""
    return correction_step(slug=APPROVE.slug, actor=actor, request_id=request_id)


def correction_reject(*, actor: User, request_id: uuid.UUID | str, note: str) -> DataCorrectionRequest:
    return correction_step(slug=REJECT.slug, actor=actor, request_id=request_id, note=note)
