"""Binding a phone to a KPJ's SMS balance service, only by the owner.

`DAFTAR SALDO` carries data printed on the KTP and the KPJ card, which proves nothing. So a phone is
bound at once only when it is a phone on record for the KPJ (participants/contacts.py); a matching
request from any other phone becomes an `SmsBindingRequest` and the owner receives a confirmation link
at the contacts on record. The phone is bound only when that link is confirmed (POST). Every binding is
a security event told to the contacts on record with "Bukan saya" (accounts/security_events.py).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import SecurityEventKind
from accounts.security_events import security_event_record
from notifications.models import SmsBindingRequest, SmsRegistration
from notifications.services import notify
from participants.contacts import contacts_on_record, mask_phone
from participants.models import Participant
from portal.notices import absolute_url

_SALT = "notifications.sms_binding.confirm"


class BindingError(Exception):
    """`reason`: invalid (tampered or unknown link), expired, used. Nothing changed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sms_bind(
    *, participant: Participant, phone: str, email: str = "", language: str = "id"
) -> SmsRegistration:
    """Bind `phone` (msisdn) to the KPJ, replacing another phone, and tell the contacts on record.
    Idempotent for the phone already bound (no new event)."""
    registration = SmsRegistration.objects.select_for_update().filter(participant=participant).first()
    if registration is not None and registration.phone == phone:
        if email and registration.email != email:
            registration.email = email
            registration.save(update_fields=["email"])
        return registration
    if registration is None:
        registration = SmsRegistration.objects.create(participant=participant, phone=phone, email=email)
    else:
        registration.phone = phone
        registration.email = email or registration.email
        registration.save(update_fields=["phone", "email"])
    security_event_record(
        kind=SecurityEventKind.SMS_BINDING,
        participant=participant,
        detail={"phone": mask_phone(phone)},
        language=language,
    )
    return registration


def binding_token(request: SmsBindingRequest) -> str:
    return signing.dumps(request.public_id.hex, salt=_SALT)


def sms_binding_request(
    *, participant: Participant, phone: str, email: str = "", language: str = "id"
) -> SmsBindingRequest | None:
    """A matching `DAFTAR SALDO` from a phone not on record: store the request and send the owner a
    confirmation link at every contact on record. None (nothing stored or sent) when the record holds
    no contact: the owner then binds a phone at a branch. In the caller's transaction."""
    contacts = contacts_on_record(participant)
    if not contacts:
        return None
    request = SmsBindingRequest.objects.create(participant=participant, phone=phone, email=email)
    url = absolute_url(reverse("sms:binding_confirm", args=[binding_token(request)]))
    context = {"kpj": participant.kpj, "phone": mask_phone(phone), "url": url}
    for contact in contacts:
        notify(
            event="sms_binding_confirm",
            event_key=f"sms_binding_confirm:{request.public_id}",
            context=context,
            email=contact.value if contact.kind == "email" else None,
            phone=contact.value if contact.kind == "phone" else None,
            language=language,
        )
    return request


def sms_binding_request_for_token(token: str) -> SmsBindingRequest:
    """The request a confirmation link names. Raises BindingError("expired") after
    SMS_BINDING_CONFIRM_MAX_AGE seconds, ("invalid") when tampered or unknown, ("used") once confirmed."""
    try:
        public_id = uuid.UUID(
            hex=str(signing.loads(token, salt=_SALT, max_age=settings.SMS_BINDING_CONFIRM_MAX_AGE))
        )
    except signing.SignatureExpired:
        raise BindingError("expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise BindingError("invalid") from None
    request = SmsBindingRequest.objects.select_related("participant").filter(public_id=public_id).first()
    if request is None:
        raise BindingError("invalid")
    if request.confirmed_at is not None:
        raise BindingError("used")
    return request


def sms_binding_confirm(*, token: str, language: str = "id") -> SmsRegistration:
    """The owner confirmed: bind the requesting phone, tell the phone by SMS. Single use; raises
    BindingError and changes nothing for a bad, expired or used link."""
    found = sms_binding_request_for_token(token)
    with transaction.atomic():
        request = SmsBindingRequest.objects.select_for_update().select_related("participant").get(pk=found.pk)
        if request.confirmed_at is not None:
            raise BindingError("used")
        request.confirmed_at = timezone.now()
        request.save(update_fields=["confirmed_at"])
        participant = Participant.objects.select_for_update().get(pk=request.participant_id)
        registration = sms_bind(
            participant=participant, phone=request.phone, email=request.email, language=language
        )
        notify(
            event="sms_reply",
            event_key=f"sms_binding_confirmed:{request.public_id}",
            context={"kind": "registered", "kpj": participant.kpj},
            phone=request.phone,
            language=language,
        )
    return registration
