"""The person's side of assisted verification: submitting a request and withdrawing consent.

`verification_request_submit` stores every well-formed request, matched or not, and answers the same
way either way; `verification_consent_withdraw` deletes the images at once and closes an open request.
Staff steps are in `verification.review`, the retention sweep in `verification.retention`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from participants.models import Participant
from portal.uploads.cleanup import stored_upload_delete, stored_uploads_delete_on_commit
from portal.uploads.services import PreparedUpload, StoredUpload, save_prepared_upload
from portal.uploads.tasks import render_upload_thumbnail
from verification import notices
from verification.consent import CURRENT
from verification.errors import VerificationError
from verification.models import (
    OPEN_STATUSES,
    ConsentPurpose,
    VerificationConsent,
    VerificationHistory,
    VerificationRequest,
    VerificationStatus,
)
from verification.questions import employer_options, expected_employer_answer, first_contribution_year

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Submission:
    """A valid request form: the identity typed in step 1 (the NIK only as its blind index) and step 2."""

    kpj: str
    nik_index: str
    birth_date: dt.date
    email: str
    phone: str
    ktp: PreparedUpload
    selfie: PreparedUpload
    employer_answer: str
    first_year_answer: str
    face_match_consent: bool
    language: str = "id"


def _retention_after_decision(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(days=settings.VERIFICATION_IMAGE_RETENTION_DAYS)


def verification_request_submit(*, submission: Submission) -> VerificationRequest:
    """Store the request with the match and answer results for staff, record the consents (the identity
    check always, the face match when given), and send the contact given a "received" notice with the
    status link. The same result and the same notice whether or not the identity matched (no oracle).

    Writes the two images to the private storage first; if the database write fails they are deleted
    again. Not idempotent: each call is a new request (staff see repeats side by side).
    """
    s = submission
    participant = Participant.objects.filter(kpj=s.kpj).select_related("branch").first()
    matched = (
        participant is not None
        and participant.nik_index == s.nik_index
        and participant.birth_date == s.birth_date
    )
    options = employer_options(kpj=s.kpj, participant=participant)
    employer_ok = participant is not None and s.employer_answer == expected_employer_answer(participant)
    year_ok = participant is not None and s.first_year_answer == first_contribution_year(participant)
    stored: list[StoredUpload] = []
    try:
        stored.append(save_prepared_upload(s.ktp))
        stored.append(save_prepared_upload(s.selfie))
        with transaction.atomic():
            now = timezone.now()
            request = VerificationRequest.objects.create(
                participant=participant,
                branch=participant.branch if participant else None,
                kpj=s.kpj,
                nik_index=s.nik_index,
                birth_date=s.birth_date,
                identity_matched=matched,
                email=s.email,
                phone=s.phone,
                language=s.language,
                ktp_image=stored[0].name,
                ktp_content_type=stored[0].content_type,
                selfie_image=stored[1].name,
                selfie_content_type=stored[1].content_type,
                # A backstop for a request nobody decides; a decision sets the real date.
                images_delete_after=now + dt.timedelta(days=settings.VERIFICATION_OPEN_RETENTION_DAYS),
                employer_options=options,
                employer_answer=s.employer_answer,
                employer_correct=employer_ok,
                first_year_answer=s.first_year_answer,
                first_year_correct=year_ok,
                answers_correct=int(employer_ok) + int(year_ok),
            )
            purposes = [ConsentPurpose.IDENTITY_CHECK]
            if s.face_match_consent:
                purposes.append(ConsentPurpose.FACE_MATCH)
            VerificationConsent.objects.bulk_create(
                VerificationConsent(request=request, purpose=p, text_version=CURRENT[p]) for p in purposes
            )
            VerificationHistory.objects.create(request=request, to_status=VerificationStatus.SUBMITTED)
            notices.request_received(request=request)
            for upload in stored:
                render_upload_thumbnail.delay_on_commit(upload.name)
            if s.face_match_consent and matched:
                from verification.tasks import run_face_match  # tasks import this module

                run_face_match.delay_on_commit(str(request.pk))
    except BaseException:
        for upload in stored:
            stored_upload_delete(upload.name)
        raise
    # Only ids and outcomes: never the NIK, the KPJ or the contact.
    log.info(
        "verification.submitted", request_id=str(request.pk), matched=matched, answers=request.answers_correct
    )
    return request


def images_release(request: VerificationRequest, *, now: dt.datetime) -> list[str]:
    """Forget the request's images (the caller saves the fields named in the result); the files go once
    the caller's transaction commits."""
    names = [request.ktp_image, request.selfie_image]
    stored_uploads_delete_on_commit(names)
    request.ktp_image = request.selfie_image = ""
    request.images_deleted_at = now
    return ["ktp_image", "selfie_image", "images_deleted_at"]


def verification_consent_withdraw(*, request_id: uuid.UUID) -> VerificationRequest:
    """The person withdraws consent (UU PDP art. 9): every consent of the request is marked withdrawn,
    the images are deleted as soon as this commits, and an open request is closed (status withdrawn,
    the person notified). A decided request keeps its decision. Idempotent: a second call changes
    nothing. Raises VerificationError("not_found") for an unknown request."""
    with transaction.atomic():
        request = VerificationRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:
            raise VerificationError("not_found", "request not found")
        now = timezone.now()
        withdrawn = VerificationConsent.objects.filter(request=request, withdrawn_at__isnull=True).update(
            withdrawn_at=now
        )
        fields: list[str] = []
        if request.images_deleted_at is None:
            fields += images_release(request, now=now)
        if request.status in OPEN_STATUSES:
            before = request.status
            request.status = VerificationStatus.WITHDRAWN
            request.decided_at = now
            fields += ["status", "decided_at"]
            history = VerificationHistory.objects.create(
                request=request, from_status=before, to_status=VerificationStatus.WITHDRAWN
            )
            notices.status_changed(request=request, history_id=history.pk)
        if fields:
            request.save(update_fields=[*fields, "updated_at"])
    if withdrawn or fields:
        log.info("verification.consent_withdrawn", request_id=str(request.pk), status=request.status)
    return request
