"""The notices of online accounts (portal.notices): the activation code, the account security
notices (new login, password changed, email changed) that always go out, whatever the person chose,
and the security events with their "Bukan saya" link and the frozen-account notice, sent to every
contact on record (accounts/security_events.py).

Published in the caller's transaction; idempotent through the key. The security notices follow
allauth's signals (notifications/signals.py) and staff's change of a login email (layanan).
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import PendingActivation, RecoveryCase, SecurityEvent
from participants.contacts import ContactOnRecord
from participants.models import Participant, User
from portal.notices import Notice, absolute_url, publish


def activation_code(*, activation: PendingActivation, code: str, language: str) -> list[int]:
    """The code (or, when the email is taken, the notice) for one code sent (`sends` is in the key)."""
    minutes = settings.ACTIVATION_CODE_TTL // 60
    key = f"activation:{activation.id}:{activation.sends}"
    sms = activation.channel == "sms"
    if activation.email_taken:
        # The flow must look the same to the visitor: the chosen channel gets a message too.
        return publish(
            Notice(
                event="activation_email_taken",
                key=key,
                context={"minutes": minutes},
                email=activation.email,
                phone=activation.phone if sms else None,
                language=language,
            )
        )
    # The code goes to a contact on record (the record's email, or its phone by SMS), never to the
    # address the visitor typed: that address becomes the login only once this code is entered.
    return publish(
        Notice(
            event="activation_code",
            key=key,
            context={"code": code, "minutes": minutes, "name": activation.participant.full_name},
            email=None if sms else activation.contact_email,
            phone=activation.phone if sms else None,
            language=language,
            sensitive=True,
        )
    )


def device_tag(user_agent: str) -> str:
    """A short stable tag of a browser (its user agent), to tell a new browser from a known one."""
    return hashlib.sha256(user_agent.encode()).hexdigest()[:16]


def security_new_login(
    *, user: User, user_agent: str, ip: str, language: str = "id", not_me_url: str = ""
) -> list[int]:
    """A login from a browser not seen before: one notice per (account, browser), with the
    "Bukan saya" link of its security event."""
    device = device_tag(user_agent)
    context = {
        "device": user_agent[:120] or "-",
        "ip": ip or "-",
        "url": absolute_url(reverse("accounts:security")),
        "not_me_url": not_me_url,
    }
    return publish(
        Notice(
            event="security_new_login",
            key=f"login:{user.pk}:{device}",
            context=context,
            user=user,
            language=language,
        )
    )


def security_password_changed(*, user: User, language: str = "id") -> list[int]:
    now = timezone.now()
    return publish(
        Notice(
            event="security_password_changed",
            key=f"password:{user.pk}:{now.isoformat()}",
            context={"when": now, "url": absolute_url(reverse("account_reset_password"))},
            user=user,
            language=language,
        )
    )


def security_email_changed(*, user: User, old_email: str, new_email: str, language: str = "id") -> list[int]:
    """Sent to the old address too, so the owner learns if someone else changed it."""
    now = timezone.now()
    ids = publish(
        Notice(
            event="security_email_changed",
            key=f"email:{user.pk}:{now.isoformat()}",
            context={"when": now, "new_email": new_email},
            user=user,
            language=language,
        )
    )
    if old_email and old_email.lower() != (user.email or "").lower():
        ids += publish(
            Notice(
                event="security_email_changed",
                key=f"email-old:{user.pk}:{now.isoformat()}",
                context={"when": now, "new_email": new_email},
                email=old_email,
                user=None,
                language=language,
            )
        )
    return ids


def _contact_notices(
    *, event: str, key: str, context: dict[str, object], contacts: list[ContactOnRecord], language: str
) -> list[int]:
    """One notice per contact on record, to that exact address (the category routes it as given)."""
    ids: list[int] = []
    for contact in contacts:
        ids += publish(
            Notice(
                event=event,
                key=key,
                context=context,
                email=contact.value if contact.kind == "email" else None,
                phone=contact.value if contact.kind == "phone" else None,
                language=language,
            )
        )
    return ids


def security_event(
    *, event: SecurityEvent, contacts: list[ContactOnRecord], url: str, language: str = "id"
) -> list[int]:
    """A security event told to every contact on record, with its "Bukan saya" link."""
    with translation.override(language):
        label = str(event.get_kind_display())
    context = {
        "kind": event.kind,
        "kind_label": label,
        "when": event.created_at,
        "detail": {str(k): str(v) for k, v in event.detail.items()},
        "not_me_url": url,
    }
    return _contact_notices(
        event="security_event",
        key=f"security_event:{event.public_id}",
        context=context,
        contacts=contacts,
        language=language,
    )


def account_frozen(*, case: RecoveryCase, contacts: list[ContactOnRecord], language: str = "id") -> list[int]:
    """The account is frozen after "Bukan saya": what happens now and which branch to visit."""
    branch = case.branch
    context = {
        "branch_name": branch.name if branch else "",
        "branch_address": branch.address if branch else "",
        "when": case.opened_at,
    }
    return _contact_notices(
        event="account_frozen",
        key=f"account_frozen:{case.public_id}",
        context=context,
        contacts=contacts,
        language=language,
    )


def password_reset_code(*, email: str, code: str, minutes: int, language: str) -> list[int]:
    """allauth's password reset code, to the address it was asked for (only ever an account's own:
    allauth sends nothing for unknown addresses). One key per code sent."""
    return publish(
        Notice(
            event="password_reset_code",
            key=f"password-reset:{uuid.uuid4()}",
            context={"code": code, "minutes": minutes},
            email=email,
            language=language,
            sensitive=True,
        )
    )


def login_unlock_code(*, user: User, code: str, minutes: int, language: str) -> list[int]:
    """The unlock code (accounts.unlock) to the contacts on record: the account's email, and by SMS
    the phone on record of the participant the account belongs to, if there is one."""
    participant = Participant.objects.filter(user=user).exclude(phone="").order_by("pk").first()
    return publish(
        Notice(
            event="login_unlock_code",
            key=f"login-unlock:{uuid.uuid4()}",
            context={"code": code, "minutes": minutes},
            email=user.email,
            phone=participant.phone if participant is not None else None,
            language=language,
            sensitive=True,
        )
    )
