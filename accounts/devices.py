"""Device cookies (OWASP's "device cookies" pattern against lockout abuse): a browser in which an
account has signed in carries a signed token for that account, and gets a failure budget of its own.

Failures typed anywhere else (a botnet with a thousand addresses) never touch that budget, so the owner
is never locked out of a browser they have used before (accounts.lockout). The token only chooses a
budget: it is no credential, the password is still checked, and a stolen cookie buys its thief no more
than the owner's own budget.

One cookie per browser holds the tokens of the last few accounts that signed in there (a shared
family phone), each `[account tag, nonce]`: the tag is an HMAC of the account's login email (no email
in the cookie, and the check needs no query), the nonce names that browser's budget. Signed with
SECRET_KEY (django.core.signing, a salted HMAC) and read back only within DEVICE_COOKIE_AGE.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponseBase

_SALT = "accounts.devices"
# Enough for a household's shared phone; the oldest entry makes room for a new account.
MAX_ACCOUNTS_PER_BROWSER = 5


def account_tag(account: str) -> str:
    """A short keyed digest of an account's login email: names the account in cookies and in Redis
    keys without storing the address."""
    key = f"{_SALT}:{settings.SECRET_KEY}".encode()
    return hmac.new(key, account.strip().lower().encode(), hashlib.sha256).hexdigest()[:24]


def _entries(request: HttpRequest) -> list[list[str]]:
    raw = request.COOKIES.get(settings.DEVICE_COOKIE_NAME)
    if not raw:
        return []
    try:
        value = signing.loads(raw, salt=_SALT, max_age=settings.DEVICE_COOKIE_AGE)
    except signing.BadSignature:  # forged, altered or expired: an unknown browser
        return []
    if not isinstance(value, list):
        return []
    return [e for e in value if isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e)]


def device_nonce(request: HttpRequest, *, account: str) -> str | None:
    """The nonce of this browser's token for `account`, or None when the browser has none (or a
    tampered or expired one)."""
    tag = account_tag(account)
    for entry_tag, nonce in _entries(request):
        if hmac.compare_digest(entry_tag, tag):
            return nonce
    return None


def device_remember(request: HttpRequest, response: HttpResponseBase, *, account: str) -> str:
    """Give this browser a token for `account` (keeping its nonce if it has one, so the budget stays)
    and return the nonce. Called once the account has signed in, or proved an unlock code."""
    tag = account_tag(account)
    entries = _entries(request)
    nonce = next((n for t, n in entries if hmac.compare_digest(t, tag)), None) or secrets.token_urlsafe(12)
    others = [[t, n] for t, n in entries if t != tag][-(MAX_ACCOUNTS_PER_BROWSER - 1) :]
    entries = [*others, [tag, nonce]]
    response.set_cookie(
        settings.DEVICE_COOKIE_NAME,
        signing.dumps(entries, salt=_SALT, compress=True),
        max_age=settings.DEVICE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return nonce
