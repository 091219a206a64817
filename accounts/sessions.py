"""Ending an account's sessions (the "keluar dari semua perangkat" button, and freezing an account)."""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session

from participants.models import User

__all__ = ["account_logout_everywhere"]


def account_logout_everywhere(*, user: User) -> int:
    """End every session of the user on every device (the current one included); returns how many.

    Sessions are found through allauth's usersessions table, which records each login; as a
    belt-and-braces step any session row it lists is deleted from the session store directly.
    Idempotent.
    """
    ended = 0
    for user_session in UserSession.objects.filter(user=user):
        Session.objects.filter(session_key=user_session.session_key).delete()
        user_session.delete()
        ended += 1
    return ended
