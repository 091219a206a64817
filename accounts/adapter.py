"""allauth adapter: no open signup, Indonesian generic errors, safe post-login redirects, login
throttling per (account, client) with device cookies, and password reset codes through the outbox."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from django.contrib.auth import authenticate as django_authenticate
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts import lockout
from accounts.devices import device_remember
from accounts.password_reset import password_reset_mail_queue
from accounts.ratelimit import client_ip
from accounts.security_events import account_frozen, frozen_branch

# One message for every failed login, whatever was typed (email, NIK or KPJ), and whether the
# password was wrong or the client has to wait (accounts.lockout): neither existence nor a lockout
# shows. The login page always offers the unlock code next to it.
LOGIN_FAILED = _(
    "Email/NIK/nomor KPJ atau kata sandi salah, atau terlalu banyak percobaan. "
    "Periksa kembali lalu coba lagi nanti."
)
_RESET_CODE_TEMPLATE = "account/email/password_reset_code"
_UNKNOWN_ACCOUNT_TEMPLATE = "account/email/unknown_account"
_NOBODY = "throttled@login.invalid"  # the reserved .invalid domain: never an account's address


class PortalAccountAdapter(DefaultAccountAdapter):
    """Accounts come only from activation (a participant must already be known to BPJS)."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": LOGIN_FAILED,
        "invalid_login": LOGIN_FAILED,
        "too_many_login_attempts": _("Terlalu banyak percobaan masuk. Coba lagi nanti."),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        """A frozen account ("Bukan saya", accounts/security_events.py) never logs in, whatever
        the password: the page says which branch restores it. Checked after the password, so it
        tells nothing to someone who does not know it."""
        if account_frozen(user=user):
            clear_login(request)
            return frozen_response(request, user)
        return super().pre_login(request, user, **kwargs)

    def get_client_ip(self, request: HttpRequest) -> str:
        """The one client address of the portal (TRUSTED_PROXY_COUNT, accounts.ratelimit), also for
        allauth's own rate limits and session list."""
        return client_ip(request)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        """allauth's authentication behind the (account, client) throttle. A throttled attempt is
        answered like a wrong password, and costs what one costs: it authenticates an address that
        can never exist (the backends hash the password as they do for an unknown account)."""
        account = str(credentials.get("email") or credentials.get("username") or "")
        attempt = lockout.login_attempt(request, account=account)
        if not attempt.allowed:
            django_authenticate(request, email=_NOBODY, password=str(credentials.get("password") or ""))
            return None
        user = super().authenticate(request, **credentials)
        if user is not None:
            lockout.login_succeeded(attempt)  # a failure is already counted (lockout.login_attempt)
        return user

    def post_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> HttpResponse:
        """Signed in (password, and TOTP where the account has it): the browser becomes a known
        device of the account (accounts.devices)."""
        response = super().post_login(request, user, **kwargs)
        email = getattr(user, "email", "")
        if email:
            device_remember(request, response, account=email)
        return response

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Password reset: the code for an account's address, and allauth's "unknown account" mail for
        any other address, both become one recorded job for the worker (accounts.password_reset),
        which queues the code in the outbox for accounts only and sends nothing to other addresses.
        The request does the same work either way: no SMTP inside it, no timing oracle. Other allauth
        mail keeps allauth's way."""
        if template_prefix in {_RESET_CODE_TEMPLATE, _UNKNOWN_ACCOUNT_TEMPLATE}:
            password_reset_mail_queue(
                email=email,
                code=str(context.get("code") or "") if template_prefix == _RESET_CODE_TEMPLATE else "",
                language=translation.get_language() or "id",
            )
            return
        super().send_mail(template_prefix, email, context)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Staff land on the back office after password + TOTP, participants on their dashboard. A `next`
        the login form carried still wins (allauth checks it before asking the adapter)."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            return resolve_url("admin:index")
        return super().get_login_redirect_url(request)


def frozen_response(request: HttpRequest, user: Any) -> HttpResponse:
    return render(request, "accounts/frozen.html", {"branch": frozen_branch(user=user)}, status=403)
