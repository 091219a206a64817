"""HTTP endpoints for the SMS provider: inbound messages and delivery reports.

Checks, in order (each failure changes nothing): body size → 413; shared secret in `X-SMS-Secret`,
constant time → 403 (503 when the secret is not configured); fields and their shape → 400; per-sender
rate limit → 429; then the service. Duplicates answer 200.
"""

from __future__ import annotations

import json
import re
from typing import Any

import structlog
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.ratelimit import ratelimit_hit
from notifications.inbound import inbound_sms_handle, secret_matches
from notifications.services import DLR_STATUSES, outbox_record_delivery
from notifications.sms_commands import MAX_TEXT
from portal.masking import mask_personal_numbers
from portal.phones import normalize_msisdn

log = structlog.get_logger(__name__)

MAX_BODY_BYTES = 4 * 1024
_MESSAGE_ID = re.compile(r"[A-Za-z0-9._:\-]{1,100}")


def _error(status: int, code: str) -> JsonResponse:
    return JsonResponse({"status": "error", "error": code}, status=status)


def _fields(request: HttpRequest, names: tuple[str, ...]) -> dict[str, str] | None:
    """The named string fields from a JSON object or a form body; None when malformed."""
    content_type = request.content_type or ""
    data: Any
    if content_type == "application/json":
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict):
            return None
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        data = {name: request.POST.get(name) for name in names}
    else:
        return None
    values = {name: data.get(name) for name in names}
    if not all(isinstance(v, str) for v in values.values()):
        return None
    return values


def _too_big(request: HttpRequest) -> bool:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return declared > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest) -> JsonResponse:
    """`POST /sms/inbound/` from the SMS provider: `from`, `text`, `message_id` (form or JSON)."""
    if _too_big(request):
        return _error(413, "too_large")
    if not settings.SMS_INBOUND_SECRET:
        return _error(503, "not_configured")
    if not secret_matches(request.headers.get("X-SMS-Secret"), settings.SMS_INBOUND_SECRET):
        log.warning("sms.inbound_bad_secret")
        return _error(403, "forbidden")
    fields = _fields(request, ("from", "text", "message_id"))
    if fields is None:
        return _error(400, "malformed")
    sender = normalize_msisdn(fields["from"])
    message_id = fields["message_id"].strip()
    if sender is None or not _MESSAGE_ID.fullmatch(message_id) or len(fields["text"]) > MAX_TEXT:
        log.info("sms.inbound_invalid", sender=mask_personal_numbers(fields["from"][:20]))
        return _error(400, "invalid")
    if not ratelimit_hit(
        key=f"sms:sender:{sender}",
        limit=settings.SMS_INBOUND_RATE_PER_SENDER,
        window_seconds=settings.SMS_INBOUND_RATE_WINDOW,
    ):
        log.warning("sms.inbound_rate_limited", sender=mask_personal_numbers(sender))
        return _error(429, "rate_limited")
    result = inbound_sms_handle(message_id=message_id, sender=sender, text=fields["text"])
    return JsonResponse({"status": "duplicate" if result.outcome == "duplicate" else "accepted"})


@csrf_exempt
@require_POST
def sms_delivery_status(request: HttpRequest) -> JsonResponse:
    """`POST /sms/status/`: the provider's delivery report, `message_id` (the provider's id, as
    returned when sending) and `status` (`delivered` or `failed`), form or JSON."""
    if _too_big(request):
        return _error(413, "too_large")
    if not settings.SMS_STATUS_SECRET:
        return _error(503, "not_configured")
    if not secret_matches(request.headers.get("X-SMS-Secret"), settings.SMS_STATUS_SECRET):
        log.warning("sms.status_bad_secret")
        return _error(403, "forbidden")
    fields = _fields(request, ("message_id", "status"))
    if fields is None:
        return _error(400, "malformed")
    provider_id, status = fields["message_id"].strip(), fields["status"].strip().lower()
    if not _MESSAGE_ID.fullmatch(provider_id) or status not in DLR_STATUSES:
        return _error(400, "invalid")
    if not outbox_record_delivery(provider_id=provider_id, status=status):
        return _error(404, "unknown_message")
    return JsonResponse({"status": "ok"})
