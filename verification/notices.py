"""The notices of assisted verification (portal.notices), sent to the contact the person gave in the
request (the "service" category: exactly those addresses). Published in the caller's transaction;
idempotent through the key."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from portal.notices import Notice, publish
from verification.links import activation_url, status_url
from verification.models import VerificationRequest


def request_received(*, request: VerificationRequest) -> list[int]:
    """The same notice whether or not the identity matched: the visitor learns nothing from it."""
    return publish(
        Notice(
            event="verification_received",
            key=f"verification:{request.pk}:received",
            context={"url": status_url(request.pk)},
            email=request.email,
            phone=request.phone or None,
            language=request.language,
        )
    )


def status_changed(*, request: VerificationRequest, history_id: int) -> list[int]:
    """A step taken by staff or by the person (call scheduled or held, rejected, withdrawn)."""
    call_at = ""
    if request.call_at:
        call_at = date_format(timezone.localtime(request.call_at), "DATETIME_FORMAT")
    return publish(
        Notice(
            event="verification_status",
            key=f"verification:{request.pk}:step:{history_id}",
            context={
                "status": str(request.get_status_display()),
                "reason": str(request.get_reject_reason_display()) if request.reject_reason else "",
                "call_at": call_at,
                "call_link": request.call_link if request.status == "call_scheduled" else "",
                "url": status_url(request.pk),
            },
            email=request.email,
            phone=request.phone or None,
            language=request.language,
        )
    )


def activation_link(*, request: VerificationRequest, token: str, name: str) -> list[int]:
    """The single-use activation link after approval, to the email only: opening it proves the
    address, which becomes the account's login."""
    return publish(
        Notice(
            event="verification_activation",
            key=f"verification:{request.pk}:activation",
            context={
                "url": activation_url(token),
                "name": name,
                "days": settings.VERIFICATION_ACTIVATION_DAYS,
            },
            email=request.email,
            language=request.language,
            sensitive=True,
        )
    )
