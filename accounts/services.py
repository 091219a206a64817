"""Writes for online accounts: activation by a code sent by email or SMS, account creation, ending
sessions. Codes leave through the notification outbox (accounts.notices), never inside the request."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from typing import Protocol

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import notices
from accounts.models import PendingActivation, SecurityEventKind
from accounts.ratelimit import ratelimit_hit
from accounts.security_events import security_event_record
from accounts.sessions import account_logout_everywhere as account_logout_everywhere  # re-exported
from participants.contacts import contacts_on_record, mask_email
from participants.models import Participant, User
from participants.selectors import participant_find_for_activation


class ActivationError(Exception):
    """The code step failed. `reason` is one of: invalid, expired, void (shown as distinct messages:
    none of them reveals anything about the participant, only about the code the visitor holds);
    asking for a new code adds cooldown, limit, no_phone, no_email and rate_limited."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _code_hash(*, activation_id: uuid.UUID, code: str) -> str:
    key = f"accounts.activation:{settings.SECRET_KEY}".encode()
    return hmac.new(key, f"{activation_id}:{code}".encode(), hashlib.sha256).hexdigest()


_HOUR = 60 * 60


def _phone_allows_sms(phone: str) -> bool:
    """Count one SMS code to `phone` (msisdn); False when over ACTIVATION_RATE_PER_PHONE this hour. One
    counter per phone for every flow that sends codes (activation, BPU registration)."""
    return bool(phone) and ratelimit_hit(
        key=f"activate:phone:{phone}", limit=settings.ACTIVATION_RATE_PER_PHONE, window_seconds=_HOUR
    )


def _new_code(activation: PendingActivation) -> str:
    code = f"{secrets.randbelow(10**6):06d}"
    activation.code_hash = _code_hash(activation_id=activation.id, code=code)
    return code


@transaction.atomic
def activation_start(
    *,
    nik: str,
    kpj: str,
    birth_date: dt.date,
    email: str,
    password: str,
    channel: str = "email",
    language: str = "id",
) -> PendingActivation | None:
    """Check NIK + KPJ + date of birth and, on a match, send a 6-digit code to a contact on record;
    None when there is no match or no usable contact on record (the caller shows one page for both,
    with the way to assisted verification).

    NIK, KPJ and birth date are printed on cards people photocopy: they prove nothing (README,
    "Identitas dan kontak tercatat"). So the code goes to the record's email, or with `channel="sms"`
    to its phone (by email when the phone's SMS codes are over ACTIVATION_RATE_PER_PHONE per hour, by
    SMS when the record has only a phone), never to the `email` typed by the visitor: that address
    becomes the account's login only once the code is entered (`activation_confirm`). Raises
    ActivationError("rate_limited") when the record has only a phone and it is over its SMS limit.
    The code is queued in the notification outbox in this transaction and sent by a task after commit.

    "No match" also covers a KPJ that already has an account. When the typed email already belongs to
    an account, the visitor sees the same next step, but no code is sent anywhere (that address gets
    a notice instead), so the form cannot find out which addresses are registered. Earlier pending
    activations of the same KPJ are voided: only the newest code works. Not idempotent.
    """
    participant = participant_find_for_activation(nik=nik, kpj=kpj, birth_date=birth_date)
    contacts = contacts_on_record(participant) if participant is not None else []
    if participant is None or not contacts:
        # Spend the same hashing work as the success path so timing does not tell them apart.
        make_password(password)
        return None
    record_email = next((c.value for c in contacts if c.kind == "email"), "")
    record_phone = next((c.value for c in contacts if c.kind == "phone"), "")
    if channel == "sms" and record_phone and _phone_allows_sms(record_phone):
        chosen = "sms"
    elif record_email:
        chosen = "email"
    elif _phone_allows_sms(record_phone):
        chosen = "sms"
    else:
        make_password(password)
        raise ActivationError("rate_limited")
    email = email.strip().lower()
    now = timezone.now()
    PendingActivation.objects.filter(
        participant=participant, used_at__isnull=True, voided_at__isnull=True
    ).update(voided_at=now)
    email_taken = User.objects.filter(email__iexact=email).exists()
    activation = PendingActivation(
        participant=participant,
        email=email,
        contact_email=record_email,
        password_hash=make_password(password),
        email_taken=email_taken,
        expires_at=now + dt.timedelta(seconds=settings.ACTIVATION_CODE_TTL),
        phone=record_phone,
        channel=chosen,
        last_sent_at=now,
    )
    code = _new_code(activation)
    activation.save(force_insert=True)
    notices.activation_code(activation=activation, code=code, language=language)
    return activation


def activation_resend(
    *, activation_id: uuid.UUID | str, channel: str, language: str = "id"
) -> PendingActivation:
    """Send a new code for a pending activation, by email or SMS; the previous code stops working.

    Raises ActivationError("void") for a used, voided, expired or unknown activation, "cooldown"
    before ACTIVATION_RESEND_COOLDOWN seconds since the last code, "limit" after ACTIVATION_MAX_SENDS
    codes, "no_phone" when SMS is asked and no phone is on record, "no_email" when email is asked and
    no email is on record, "rate_limited" when the phone's SMS
    codes are over their hourly limit. Wrong-code attempts carry over (a new code does not reset
    them). Nothing changes when it raises.
    """
    with transaction.atomic():
        try:
            activation = (
                PendingActivation.objects.select_for_update()
                .select_related("participant")
                .get(pk=activation_id)
            )
        except (PendingActivation.DoesNotExist, ValueError, TypeError):
            raise ActivationError("void") from None
        now = timezone.now()
        if activation.used_at or activation.voided_at or now >= activation.expires_at:
            raise ActivationError("void")
        if now < resend_available_at(activation):
            raise ActivationError("cooldown")
        if activation.sends >= settings.ACTIVATION_MAX_SENDS:
            raise ActivationError("limit")
        if channel == "sms":
            if not activation.phone:
                raise ActivationError("no_phone")
            if not _phone_allows_sms(activation.phone):
                raise ActivationError("rate_limited")
        elif not activation.contact_email:
            raise ActivationError("no_email")
        activation.channel = "sms" if channel == "sms" else "email"
        activation.sends += 1
        activation.last_sent_at = now
        activation.expires_at = now + dt.timedelta(seconds=settings.ACTIVATION_CODE_TTL)
        code = _new_code(activation)
        activation.save(update_fields=["channel", "sends", "last_sent_at", "expires_at", "code_hash"])
        notices.activation_code(activation=activation, code=code, language=language)
    return activation


class _SentCode(Protocol):
    last_sent_at: dt.datetime | None
    created_at: dt.datetime


def resend_available_at(pending: _SentCode) -> dt.datetime:
    """When a new code may be asked for a pending activation (or any pending row with the same send
    times, e.g. a BPU registration): ACTIVATION_RESEND_COOLDOWN after the last code."""
    sent = pending.last_sent_at or pending.created_at
    return sent + dt.timedelta(seconds=settings.ACTIVATION_RESEND_COOLDOWN)


def activation_confirm(*, activation_id: uuid.UUID | str, code: str, language: str = "id") -> User:
    """Check the code of a pending activation and, when right, create and link the account, with the
    email typed at the start as its login, and tell the contacts on record (an `activation` security
    event with its "Bukan saya" link).

    Raises ActivationError("invalid") for a wrong code (counted; the 5th wrong code voids the
    activation and raises "void"), ActivationError("expired") after ACTIVATION_CODE_TTL, and
    ActivationError("void") when used, voided or unknown. A used code never works again (single
    use). The wrong-code count is committed before the error propagates, so it is not rolled back.
    """
    failed = failed_conflict = voided_now = expired = False
    user: User | None = None
    with transaction.atomic():
        try:
            activation = (
                PendingActivation.objects.select_for_update()
                .select_related("participant")
                .get(pk=activation_id)
            )
        except (PendingActivation.DoesNotExist, ValueError, TypeError):
            raise ActivationError("void") from None
        now = timezone.now()
        if activation.used_at or activation.voided_at:
            raise ActivationError("void")
        expired = now >= activation.expires_at
        given = _code_hash(activation_id=activation.id, code=code.strip())
        if expired:
            activation.voided_at = now
            activation.save(update_fields=["voided_at"])
        elif activation.email_taken or not hmac.compare_digest(activation.code_hash, given):
            activation.attempts += 1
            if activation.attempts >= settings.ACTIVATION_CODE_MAX_ATTEMPTS:
                activation.voided_at = now
            activation.save(update_fields=["attempts", "voided_at"])
            failed = True
            voided_now = activation.voided_at is not None
        else:
            activation.used_at = now
            activation.save(update_fields=["used_at"])
            try:
                with transaction.atomic():
                    user = _account_create(
                        participant=activation.participant,
                        email=activation.email,
                        password_hash=activation.password_hash,
                        # The code proved a contact on record; the typed address is proven only when
                        # it is the very address the code went to.
                        email_verified=activation.channel == "email"
                        and activation.email == activation.contact_email,
                    )
                    security_event_record(
                        kind=SecurityEventKind.ACTIVATION,
                        participant=activation.participant,
                        user=user,
                        detail={"login_email": mask_email(activation.email)},
                        language=language,
                    )
            except _AccountConflict:
                # Someone took the email or the KPJ since the code was sent.
                failed_conflict = True
    # Raised only after the transaction committed the attempt count / voiding.
    if expired:
        raise ActivationError("expired")
    if failed:
        raise ActivationError("void" if voided_now else "invalid")
    if failed_conflict or user is None:
        raise ActivationError("void")
    return user


class _AccountConflict(Exception):
    pass


def _account_create(
    *, participant: Participant, email: str, password_hash: str, email_verified: bool = True
) -> User:
    """Create the user with an already-hashed password, link the KPJ, record the verified email."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if locked.user_id is not None:
        raise _AccountConflict
    try:
        user = User.objects.create_user(email=email, first_name=participant.full_name[:150])
    except IntegrityError:
        raise _AccountConflict from None
    user.password = password_hash
    user.save(update_fields=["password"])
    locked.user = user
    locked.save(update_fields=["user", "updated_at"])
    EmailAddress.objects.create(user=user, email=user.email, verified=email_verified, primary=True)
    return user


@transaction.atomic
def account_create_for_participant(
    *, participant: Participant, email: str, password: str, email_verified: bool = True
) -> User:
    """Give a participant (KPJ) an online account with this email and password, as activation does.

    Idempotent-ish, for fixtures and `seed_demo`: when the KPJ is already linked, its user is returned
    unchanged; when a user with this email exists, the KPJ is linked to it (password untouched).
    Otherwise a new user is created with a primary email, verified unless `email_verified=False`
    (BPU registration confirmed by an SMS code: the code proved the phone, not the address). Raises
    ValueError when the KPJ belongs to a different account than the email's.
    """
    email = email.strip().lower()
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    existing = User.objects.filter(email__iexact=email).first()
    if locked.user_id is not None:
        if existing is not None and existing.pk != locked.user_id:
            raise ValueError("this KPJ is linked to another account")
        return User.objects.get(pk=locked.user_id)
    if existing is None:
        user = _account_create(
            participant=locked,
            email=email,
            password_hash=make_password(password),
            email_verified=email_verified,
        )
    else:
        user = existing
        locked.user = user
        locked.save(update_fields=["user", "updated_at"])
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    participant.user = user
    return user
