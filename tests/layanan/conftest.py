from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from participants.models import Participant, User
from tests.factories import (
    BranchFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
    make_nik,
    post_contribution,
)


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }


def logged_in(user: Any, **headers: str) -> Client:
    client = Client(headers=headers)
    client.force_login(user)
    return client


def staff_with_role(role: str, branch: Any) -> User:
    user: Any = StaffFactory(branch=branch)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def person_with_two_kpjs(
    *, user: User | None = None, wages: tuple[int, int] = (5_000_000, 8_000_000)
) -> list[Participant]:
    """One person (one NIK), two KPJs linked to one account, each with a few months of contributions."""
    owner: Any = user or UserFactory()
    branch = BranchFactory(code="JKT01")
    nik = make_nik(birth_date=dt.date(1990, 5, 17), sex="L")
    kpjs: list[Participant] = []
    for i, wage in enumerate(wages):
        p: Any = ParticipantFactory(
            user=owner, nik=nik, branch=branch, registered_on=dt.date(2015 + i * 5, 1, 1)
        )
        for month in range(1 + i * 3, 4 + i * 3):  # the second KPJ's months are the newer ones
            post_contribution(p, period=dt.date(2024, month, 1), wage_idr=wage)
        kpjs.append(p)
    return kpjs
