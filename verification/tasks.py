"""Verification tasks: the face match (with consent) and the daily image retention sweep. Both take ids
or nothing, and are safe to run twice."""

from __future__ import annotations

import datetime as dt

import structlog
from django.db import transaction
from django.utils import timezone

from portal.celery import idempotent_task
from portal.uploads.services import private_storage
from verification.exports import personal_data_export_render, personal_data_exports_sweep
from verification.models import ConsentPurpose, VerificationRequest
from verification.retention import verification_images_sweep
from verification.verifier import VerifierUnavailable, get_verifier

log = structlog.get_logger(__name__)

FACE_MATCH_GRACE = dt.timedelta(minutes=15)


def face_match_run(request_id: str) -> bool:
    """Ask the IdentityVerifier about one request and store the score; False when it does not apply
    (no consent or consent withdrawn, identity not matched, images gone, already checked)."""
    request = VerificationRequest.objects.select_related("participant").filter(pk=request_id).first()
    if (
        request is None
        or request.verifier_checked_at is not None
        or not request.identity_matched
        or request.participant is None
        or not request.has_images
        or not request.consents.filter(purpose=ConsentPurpose.FACE_MATCH, withdrawn_at__isnull=True).exists()
    ):
        return False
    storage = private_storage()
    with storage.open(request.ktp_image, "rb") as ktp, storage.open(request.selfie_image, "rb") as selfie:
        result = get_verifier().match_face(
            nik=request.participant.nik, ktp_image=ktp.read(), selfie_image=selfie.read()
        )
    with transaction.atomic():
        # Consent may have been withdrawn while the verifier worked: then the score is not kept.
        updated = VerificationRequest.objects.filter(
            pk=request.pk,
            verifier_checked_at__isnull=True,
            images_deleted_at__isnull=True,
            consents__purpose=ConsentPurpose.FACE_MATCH,
            consents__withdrawn_at__isnull=True,
        ).update(
            verifier_score=result.score, verifier_name=result.verifier, verifier_checked_at=timezone.now()
        )
    log.info("verification.face_match", request_id=str(request.pk), stored=bool(updated))
    return bool(updated)


@idempotent_task(autoretry_for=(ConnectionError, TimeoutError, VerifierUnavailable))
def run_face_match(request_id: str) -> bool:
    return face_match_run(request_id)


def face_matches_pending() -> list[str]:
    """Requests whose face match should have run (consent given, identity matched, images kept) and has
    not after FACE_MATCH_GRACE: the broker lost the job or the verifier was down."""
    cutoff = timezone.now() - FACE_MATCH_GRACE
    ids = VerificationRequest.objects.filter(
        identity_matched=True,
        verifier_checked_at__isnull=True,
        images_deleted_at__isnull=True,
        created_at__lte=cutoff,
        consents__purpose=ConsentPurpose.FACE_MATCH,
        consents__withdrawn_at__isnull=True,
    ).values_list("pk", flat=True)[:200]
    return [str(pk) for pk in ids]


@idempotent_task()
def render_personal_data_pdf(export_id: str) -> bool:
    """Render one "Data saya" PDF (queue `pdf`)."""
    return personal_data_export_render(export_id=export_id)


@idempotent_task()
def sweep_verification() -> int:
    """Hourly: delete images past their retention date and old "Data saya" PDFs; queue again face
    matches and PDFs that never ran."""
    swept = verification_images_sweep()  # first: an image past its date is not matched any more
    for request_id in face_matches_pending():
        run_face_match.delay(request_id)
    stale_exports, _deleted = personal_data_exports_sweep()
    for export_id in stale_exports:
        render_personal_data_pdf.delay(export_id)
    return swept
