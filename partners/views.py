"""The SNAP endpoints partners call (`/snap/v1.0/...`). Thin: parse, authenticate, run the service under
the X-EXTERNAL-ID journal, answer JSON with the SNAP code and our X-TIMESTAMP. No session, no CSRF: the
signature authenticates."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import structlog
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.ratelimit import client_ip
from partners import codes
from partners.auth import Caller, SnapError, authenticate, check_timestamp, header, token_issue
from partners.balance import balance_inquiry
from partners.journal import Answer, journalled
from partners.signatures import body_digest, format_timestamp, minify
from partners.va import inquiry, payment

log = structlog.get_logger(__name__)


def _answer(status: int, body: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["X-TIMESTAMP"] = format_timestamp(timezone.now())
    response["Cache-Control"] = "no-store"
    return response


def _refused(exc: SnapError, service: str) -> JsonResponse:
    return _answer(exc.case.http_status, codes.body(exc.case, service, exc.detail))


def _json_body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > settings.SNAP_MAX_BODY_BYTES:
        raise SnapError(codes.BAD_REQUEST, "Body too large")
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise SnapError(codes.BAD_REQUEST, "Malformed JSON") from None
    if not isinstance(payload, dict):
        raise SnapError(codes.BAD_REQUEST, "Malformed JSON")
    return payload


@csrf_exempt
@require_POST
def access_token(request: HttpRequest) -> JsonResponse:
    service = codes.TOKEN_B2B
    try:
        for name in ("X-TIMESTAMP", "X-CLIENT-KEY", "X-SIGNATURE"):
            if not header(request, name):
                raise SnapError(codes.INVALID_MANDATORY_FIELD, name)
        timestamp = header(request, "X-TIMESTAMP")
        check_timestamp(timestamp)
        payload = _json_body(request)
        if not payload.get("grantType"):
            raise SnapError(codes.INVALID_MANDATORY_FIELD, "grantType")
        if payload["grantType"] != "client_credentials":
            raise SnapError(codes.INVALID_FIELD_FORMAT, "grantType")
        token, ttl = token_issue(
            client_id=header(request, "X-CLIENT-KEY"),
            timestamp=timestamp,
            signature=header(request, "X-SIGNATURE"),
            remote_addr=client_ip(request),  # the project's client IP rule (TRUSTED_PROXY_COUNT)
        )
    except SnapError as exc:
        return _refused(exc, service)
    return _answer(
        200,
        codes.body(codes.SUCCESS, service, accessToken=token, tokenType="Bearer", expiresIn=str(ttl)),
    )


def _transaction(
    request: HttpRequest, service: str, run: Callable[[Caller, dict[str, Any]], Answer]
) -> JsonResponse:
    try:
        payload = _json_body(request)
        minified = minify(payload)
        caller = authenticate(request, minified_body=minified, service=service)
        status, body = journalled(
            caller, service=service, digest=body_digest(minified), run=lambda: run(caller, payload)
        )
    except SnapError as exc:
        return _refused(exc, service)
    return _answer(status, body)


@csrf_exempt
@require_POST
def va_inquiry(request: HttpRequest) -> JsonResponse:
    return _transaction(request, codes.VA_INQUIRY, inquiry)


@csrf_exempt
@require_POST
def va_payment(request: HttpRequest) -> JsonResponse:
    return _transaction(request, codes.VA_PAYMENT, payment)


@csrf_exempt
@require_POST
def jht_balance(request: HttpRequest) -> JsonResponse:
    return _transaction(request, codes.JHT_BALANCE, balance_inquiry)
