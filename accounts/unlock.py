"""Unlocking a throttled login at once with a code sent to the contacts on record.

Whoever asks gets the same answer and the same next page, whether the login names an account or not;
only an existing, active account is sent a code (accounts.notices.login_unlock_code, through the
outbox after the request). The pending unlock is a random token kept in the visitor's session and, in
Redis for ACTIVATION_CODE_TTL, the keyed hash of its code and the account it is for (empty for an
unknown login, whose code can never match). Each request has its own token: a stranger asking again
and again for the owner's account voids nothing the owner holds. ACTIVATION_CODE_MAX_ATTEMPTS wrong
codes void the token. A right code clears the throttle (accounts.lockout.login_unlock); the view then
makes the browser a known device of the account.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest

from accounts import notices
from accounts.codes import code_new
from accounts.lockout import login_unlock
from accounts.ratelimit import ratelimit_hit
from accounts.selectors import account_email_for_login
from participants.models import User


class UnlockError(Exception):
    """The code step failed: `reason` is "invalid" (try again) or "void" (start again)."""

    def __init__(self, reason: Literal["invalid", "void"]) -> None:
        super().__init__(reason)
        self.reason = reason


def _state_key(token: str) -> str:
    return f"accounts:unlock:{token}"


def _code_hash(*, token: str, code: str) -> str:
    key = f"accounts.unlock:{settings.SECRET_KEY}".encode()
    return hmac.new(key, f"{token}:{code}".encode(), hashlib.sha256).hexdigest()


def unlock_account_for(*, login: str) -> str:
    """The account key an unlock request counts against: the login email (or the placeholder of an
    unknown login, accounts.selectors), the same key the login throttle uses."""
    return account_email_for_login(login=login)


def unlock_request(*, account: str, language: str) -> str:
    """Start an unlock of `account` (from `unlock_account_for`) and return its token for the session.

    Sends a code only when `account` is an active account's email; otherwise the token leads to a code
    page on which no code matches. Not idempotent: every call is a new token and code."""
    token = secrets.token_urlsafe(18)
    code = code_new()
    user = User.objects.filter(email=account, is_active=True).first()
    state = {"account": user.email if user is not None else "", "hash": _code_hash(token=token, code=code)}
    cache.set(_state_key(token), state, timeout=int(settings.ACTIVATION_CODE_TTL))
    if user is not None:
        with transaction.atomic():
            notices.login_unlock_code(
                user=user, code=code, minutes=int(settings.ACTIVATION_CODE_TTL) // 60, language=language
            )
    return token


def unlock_confirm(request: HttpRequest, *, token: str, code: str) -> str:
    """Check `code` for the session's `token`; on success clear the account's login throttle and
    return the account's email. Raises UnlockError("invalid") for a wrong code, ("void") when the
    token expired, was used, or had ACTIVATION_CODE_MAX_ATTEMPTS wrong codes."""
    state = cache.get(_state_key(token))
    if not isinstance(state, dict):
        raise UnlockError("void")
    if not ratelimit_hit(
        key=f"unlock-code:{token}",
        limit=int(settings.ACTIVATION_CODE_MAX_ATTEMPTS),
        window_seconds=int(settings.ACTIVATION_CODE_TTL),
    ):
        cache.delete(_state_key(token))
        raise UnlockError("void")
    right = hmac.compare_digest(str(state.get("hash", "")), _code_hash(token=token, code=code))
    account = str(state.get("account") or "")
    if not (right and account):
        raise UnlockError("invalid")
    # Used once: a second request with the same code finds nothing.
    if not cache.delete(_state_key(token)):
        raise UnlockError("void")
    login_unlock(request, account=account)
    return account
