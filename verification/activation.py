"""Assisted activation: the one place where an approved verification turns into an online account.

On approval (`assisted_activation_offer`, inside the approval's transaction) the contact the person gave
becomes the contact on record of the KPJ and a single-use link goes to the given email. Following it,
the person chooses a password and `assisted_activation_complete` creates the account with
`accounts.services.account_create_for_participant` (activation's own account creation, not a copy).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.security_events import security_event_record
from accounts.services import account_create_for_participant
from participants.models import ContactSource, Participant, User
from verification import notices
from verification.errors import VerificationError
from verification.links import activation_token_hash, activation_token_new
from verification.models import VerificationRequest, VerificationStatus

log = structlog.get_logger(__name__)


def assisted_activation_offer(*, request: VerificationRequest, now: dt.datetime) -> list[str]:
    """Make the given contact the KPJ's contact on record (kept in the participant's history) and send
    the activation link. Runs in the caller's transaction; returns the request fields it set."""
    assert request.participant_id is not None  # only matched requests are approved
    participant = Participant.objects.select_for_update().get(pk=request.participant_id)
    participant.email = request.email
    if request.phone:
        participant.phone = request.phone
    # Branch staff checked this contact on the video call: it is on record by the branch's hand.
    participant.contact_source = ContactSource.BRANCH
    participant._change_reason = "verifikasi identitas dibantu"  # type: ignore[attr-defined]
    participant.save(update_fields=["email", "phone", "contact_source", "updated_at"])
    token, token_hash = activation_token_new()
    request.activation_token_hash = token_hash
    request.activation_expires_at = now + dt.timedelta(days=settings.VERIFICATION_ACTIVATION_DAYS)
    notices.activation_link(request=request, token=token, name=participant.full_name)
    return ["activation_token_hash", "activation_expires_at"]


def activation_request_for_token(token: str) -> VerificationRequest | None:
    """The approved, not yet used, unexpired request a link belongs to; None for anything else."""
    if not token:
        return None
    request = (
        VerificationRequest.objects.filter(
            activation_token_hash=activation_token_hash(token),
            status=VerificationStatus.APPROVED,
            activated_at__isnull=True,
        )
        .select_related("participant")
        .first()
    )
    if (
        request is None
        or request.activation_expires_at is None
        or request.activation_expires_at <= timezone.now()
    ):
        return None
    return request


@dataclass(frozen=True, slots=True)
class AssistedActivation:
    user: User
    new_account: bool  # False: the email already had an account and the KPJ was linked to it


def assisted_activation_complete(*, token: str, password: str) -> AssistedActivation:
    """Create the online account of an approved request: the given email (proven by the link) as the
    login, `password` as its password, the KPJ linked. Single use. When the email already belongs to an
    account, the KPJ is linked to it and its password is left alone (the person signs in as before).

    This is the assisted activation, the one place where it happens: security events about it belong
    here. Raises VerificationError("invalid_link") for a used, expired or unknown link and
    ("has_account") when the KPJ got an account meanwhile; nothing changes then.
    """
    with transaction.atomic():
        request = activation_request_for_token(token)
        if request is None:
            raise VerificationError("invalid_link", "invalid link")
        request = VerificationRequest.objects.select_for_update().get(pk=request.pk)
        if request.activated_at is not None:
            raise VerificationError("invalid_link", "invalid link")
        participant = request.participant
        assert participant is not None  # only matched requests are approved
        if Participant.objects.filter(pk=participant.pk, user__isnull=False).exists():
            raise VerificationError("has_account", "the KPJ already has an account")
        existing = User.objects.filter(email__iexact=request.email).exists()
        user = account_create_for_participant(
            participant=participant, email=request.email, password=password, email_verified=True
        )
        # The account now exists through an assisted check (not a code to a contact on record): the
        # security event tells the contacts on record ("Bukan saya") and starts the window in which a
        # claim goes to interview (accounts.security_events.claim_needs_interview).
        request.activated_at = timezone.now()
        request.activation_token_hash = ""
        request.save(update_fields=["activated_at", "activation_token_hash", "updated_at"])
        security_event_record(kind="assisted_activation", participant=participant, user=user)
    log.info("verification.assisted_activation", request_id=str(request.pk), user_id=user.pk, linked=existing)
    return AssistedActivation(user=user, new_account=not existing)
