"""Who is calling: B2B access tokens (issued against an RSA signature) and the checks every
transaction request passes before its service runs (headers, timestamp window, token, partner
active, HMAC signature, service and channel allowed, rate limit).

Tokens live in the cache (Redis) under their SHA-256 with their expiry time, for `SNAP_TOKEN_TTL_SECONDS`
(the key's TTL drops them; the stored expiry is what is checked, to the second). The partner row is
read on every request, so switching a partner off or revoking a credential takes effect at once, tokens
already issued included.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import structlog
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from accounts.ratelimit import ratelimit_hit
from partners import codes
from partners.codes import Case
from partners.models import Credential, Partner, Service
from partners.signatures import parse_timestamp, verify_token_signature, verify_transaction_signature

log = structlog.get_logger(__name__)

TRANSACTION_HEADERS = (
    "Authorization",
    "X-TIMESTAMP",
    "X-SIGNATURE",
    "X-PARTNER-ID",
    "X-EXTERNAL-ID",
    "CHANNEL-ID",
)


class SnapError(Exception):
    """Refused: answer with `case` (and `detail` in the message). Nothing was changed."""

    def __init__(self, case: Case, detail: str = "") -> None:
        super().__init__(detail or case.message)
        self.case = case
        self.detail = detail


@dataclass(frozen=True)
class Caller:
    partner: Partner
    credential: Credential
    token: str
    channel_id: str
    external_id: str


def header(request: HttpRequest, name: str) -> str:
    return str(request.headers.get(name, "")).strip()


def check_timestamp(value: str, *, case_format: Case = codes.INVALID_FIELD_FORMAT) -> dt.datetime:
    """The X-TIMESTAMP as a datetime; refused when malformed or outside the window either way."""
    moment = parse_timestamp(value)
    if moment is None:
        raise SnapError(case_format, "X-TIMESTAMP")
    skew = abs((timezone.now() - moment).total_seconds())
    if skew > settings.SNAP_TIMESTAMP_WINDOW_SECONDS:
        raise SnapError(codes.UNAUTHORIZED, "X-TIMESTAMP outside the allowed window")
    return moment


def _token_key(token: str) -> str:
    return "partners:token:" + hashlib.sha256(token.encode()).hexdigest()


def _active_credentials(client_id: str) -> list[Credential]:
    now = timezone.now()
    rows = list(
        Credential.objects.select_related("partner")
        .filter(partner__client_id=client_id, revoked_at__isnull=True)
        .order_by("-created_at", "-pk")
    )
    return [c for c in rows if c.partner.is_active_at(now)]


def token_issue(*, client_id: str, timestamp: str, signature: str, remote_addr: str = "") -> tuple[str, int]:
    """A new B2B access token for a partner whose signature over `clientId|timestamp` verifies with one
    of its active credentials' public keys. Returns (token, lifetime in seconds). Raises SnapError
    (service 73): unknown, switched-off or revoked client and a wrong signature all answer the same."""
    if not ratelimit_hit(
        # Per client id *and* address: a stranger hammering with a partner's id cannot use up its limit.
        key=f"snap:token:{client_id[:64]}:{remote_addr[:45]}",
        limit=settings.SNAP_TOKEN_RATE_LIMIT_PER_MINUTE,
        window_seconds=60,
    ):
        raise SnapError(codes.TOO_MANY_REQUESTS)
    for credential in _active_credentials(client_id):
        if verify_token_signature(
            public_key_pem=credential.public_key_pem,
            client_id=client_id,
            timestamp=timestamp,
            signature=signature,
        ):
            token = token_issue_for(credential)
            log.info("snap.token_issued", client_id=client_id, credential_id=credential.pk)
            return token, settings.SNAP_TOKEN_TTL_SECONDS
    log.warning("snap.token_refused", client_id=client_id[:64])
    raise SnapError(codes.UNAUTHORIZED, "Signature")


def token_issue_for(credential: Credential) -> str:
    """A new token for `credential` (after its signature was checked, or for the demo command)."""
    token = secrets.token_urlsafe(36)
    ttl = settings.SNAP_TOKEN_TTL_SECONDS
    expires = int(timezone.now().timestamp()) + ttl
    cache.set(_token_key(token), f"{credential.partner_id}:{credential.pk}:{expires}", timeout=ttl + 5)
    return token


def authenticate(request: HttpRequest, *, minified_body: str, service: str) -> Caller:
    """Every check of a transaction request, in the standard's order; raises SnapError."""
    for name in TRANSACTION_HEADERS:
        if not header(request, name):
            raise SnapError(codes.INVALID_MANDATORY_FIELD, name)
    timestamp = header(request, "X-TIMESTAMP")
    check_timestamp(timestamp)
    external_id = header(request, "X-EXTERNAL-ID")
    if len(external_id) > 36:
        raise SnapError(codes.INVALID_FIELD_FORMAT, "X-EXTERNAL-ID")
    scheme, _sep, token = header(request, "Authorization").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise SnapError(codes.INVALID_TOKEN)
    found = cache.get(_token_key(token))
    if not found:
        raise SnapError(codes.INVALID_TOKEN)
    partner_id, credential_id, expires = (int(part) for part in str(found).split(":"))
    if timezone.now().timestamp() >= expires:
        raise SnapError(codes.INVALID_TOKEN)
    credential = (
        Credential.objects.select_related("partner").filter(pk=credential_id, partner_id=partner_id).first()
    )
    now = timezone.now()
    if credential is None or credential.revoked_at is not None or not credential.partner.is_active_at(now):
        raise SnapError(codes.INVALID_TOKEN)
    partner = credential.partner
    if not secrets.compare_digest(header(request, "X-PARTNER-ID"), partner.client_id):
        raise SnapError(codes.UNAUTHORIZED, "X-PARTNER-ID")
    if not verify_transaction_signature(
        secret=credential.secret,
        method=request.method or "POST",
        path=request.path,
        token=token,
        minified_body=minified_body,
        timestamp=timestamp,
        signature=header(request, "X-SIGNATURE"),
    ):
        log.warning("snap.bad_signature", client_id=partner.client_id, path=request.path)
        raise SnapError(codes.UNAUTHORIZED, "Signature")
    channel_id = header(request, "CHANNEL-ID")
    if partner.channel_ids and channel_id not in partner.channel_ids:
        raise SnapError(codes.FEATURE_NOT_ALLOWED, "CHANNEL-ID")
    needed = Service.BALANCE if service == codes.JHT_BALANCE else Service.VA
    if needed not in partner.services:
        raise SnapError(codes.FEATURE_NOT_ALLOWED)
    if not ratelimit_hit(
        key=f"snap:partner:{partner.pk}", limit=settings.SNAP_RATE_LIMIT_PER_MINUTE, window_seconds=60
    ):
        raise SnapError(codes.TOO_MANY_REQUESTS)
    return Caller(
        partner=partner, credential=credential, token=token, channel_id=channel_id, external_id=external_id
    )
