"""Signing a user in for tests the way the portal does after password + TOTP.

The staff admin refuses sessions that did not pass the TOTP step (backoffice/middleware.py); this gives
a staff user a TOTP authenticator if they have none and records both steps in the session.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

TEST_TOTP_SECRET = "MRSW23ZNOBSXI5LHMFZS22TLOQWTAMJB"


def staff_login(client: Client, user: Any) -> Client:
    client.force_login(user)
    if user.is_staff and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TEST_TOTP_SECRET)
    session = client.session
    session["account_authentication_methods_user"] = str(user.pk)
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "type": Authenticator.Type.TOTP},
    ]
    session.save()
    return client
