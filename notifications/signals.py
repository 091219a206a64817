"""Account security notices from auth/allauth signals (new login, password changed, email changed).

These notices are not domain flow: they react to what allauth does, so signals are the right tool.
Each handler is one call into accounts.notices (the account security notices).
"""

from __future__ import annotations

from typing import Any

from allauth.account.signals import email_changed, password_changed, password_reset, password_set
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation


def _language() -> str:
    return translation.get_language() or "id"


@receiver(user_logged_in, dispatch_uid="notifications.new_login")
def _on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from accounts.ratelimit import client_ip
    from accounts.security_events import security_login_from_browser

    if request is None or not getattr(user, "email", ""):
        return
    security_login_from_browser(
        user=user,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ip=client_ip(request, default=""),
        language=_language(),
    )


@receiver(password_changed, dispatch_uid="notifications.password_changed")
@receiver(password_reset, dispatch_uid="notifications.password_reset")
@receiver(password_set, dispatch_uid="notifications.password_set")
def _on_password(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    from accounts.notices import security_password_changed

    if user is not None:
        security_password_changed(user=user, language=_language())


@receiver(email_changed, dispatch_uid="notifications.email_changed")
def _on_email_changed(
    sender: Any,
    request: Any = None,
    user: Any = None,
    from_email_address: Any = None,
    to_email_address: Any = None,
    **kwargs: Any,
) -> None:
    from accounts.notices import security_email_changed
    from accounts.security_events import security_contact_changed

    if user is None or to_email_address is None:
        return
    old_email = getattr(from_email_address, "email", "") or ""
    security_email_changed(
        user=user, old_email=old_email, new_email=to_email_address.email, language=_language()
    )
    security_contact_changed(user=user, old_email=old_email, language=_language())
