"""Back-office fixtures: staff of each role in two branches, signed in with password + TOTP."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from tests.factories import BranchFactory, StaffFactory

TOTP_SECRET = "MRSW23ZNOBSXI5LHMFZS22TLOQWTAMJB"


@pytest.fixture
def clean_cache() -> Iterator[None]:
    """For the login tests only: allauth's rate limits and used TOTP codes live in the cache. Not
    autouse: clearing the shared cache under other workers' feet would change their query counts."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Any) -> None:
    settings.CLAIMS_DISBURSEMENT_GATEWAY = "claims.payout.gateway.FakeBankTransfer"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }


def make_staff(role: str | None, branch: Any = None, *, totp: bool = True, **kwargs: Any) -> Any:
    """A staff account with the role's group (None: no group; "superuser": superuser) and a TOTP."""
    user = StaffFactory(branch=branch, is_superuser=role == "superuser", **kwargs)
    if role and role != "superuser":
        user.groups.add(Group.objects.get(name=role))
    if totp:
        TOTP.activate(user, TOTP_SECRET)
    return user


def staff_client(user: Any) -> Client:
    """A client signed in as `user` as if they had passed the password and the TOTP steps."""
    client = Client()
    client.force_login(user)
    session = client.session
    session["account_authentication_methods_user"] = str(user.pk)
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "type": Authenticator.Type.TOTP},
    ]
    session.save()
    return client


@pytest.fixture
def jkt(db: None) -> Any:
    return BranchFactory(code="JKT01", name="Jakarta Salemba")


@pytest.fixture
def bdg(db: None) -> Any:
    return BranchFactory(code="BDG01", name="Bandung")


@pytest.fixture
def reviewer(jkt: Any) -> Any:
    return make_staff("reviewer", jkt)


@pytest.fixture
def reviewer2(jkt: Any) -> Any:
    return make_staff("reviewer", jkt)


@pytest.fixture
def supervisor(jkt: Any) -> Any:
    return make_staff("supervisor", jkt)


@pytest.fixture
def supervisor2(jkt: Any) -> Any:
    return make_staff("supervisor", jkt)


@pytest.fixture
def auditor(db: None) -> Any:
    return make_staff("auditor", None)


@pytest.fixture
def administrator(db: None) -> Any:
    return make_staff("superuser", None)
