"""Fixtures for assisted verification: private storage in a temporary directory, a clean cache (rate
limits), a participant without an account whose record answers the two questions, photos, and helpers
that walk the two form steps."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from participants.models import Participant, User
from tests.factories import (
    BranchFactory,
    EmployerFactory,
    EmploymentFactory,
    ParticipantFactory,
    StaffFactory,
    make_nik,
    post_contribution,
)
from tests.staff_login import staff_login

BIRTH_DATE = dt.date(1990, 5, 17)
NIK = make_nik(birth_date=BIRTH_DATE, sex="L", serial=4242)
KPJ = "23010000077"
LAST_EMPLOYER = "PT Terakhir Sejahtera"
FIRST_YEAR = "2016"
START_URL = "/akun/verifikasi/"
DETAILS_URL = "/akun/verifikasi/data/"


@pytest.fixture(autouse=True)
def private_storage(settings: Any, tmp_path: Path) -> Iterator[Path]:
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }
    cache.clear()
    yield location
    cache.clear()


def stored_files(location: Path) -> list[str]:
    return sorted(str(p.relative_to(location)) for p in location.rglob("*") if p.is_file())


@pytest.fixture
def branch(db: None) -> Any:
    return BranchFactory(code="JKT01", name="Jakarta Salemba")


@pytest.fixture
def participant(branch: Any) -> Participant:
    """KPJ 23010000077 with no account and no contact on record; worked at two employers (the last one
    is LAST_EMPLOYER) and first contributed in 2016; a few other employers exist as decoys."""
    p: Any = ParticipantFactory(kpj=KPJ, nik=NIK, birth_date=BIRTH_DATE, branch=branch, email="", phone="")
    first = EmployerFactory(name="PT Pertama Jaya", branch=branch)
    last = EmployerFactory(name=LAST_EMPLOYER, branch=branch)
    for name in ("PT Umpan Satu", "PT Umpan Dua", "PT Umpan Tiga", "PT Umpan Empat"):
        EmployerFactory(name=name, branch=branch)
    EmploymentFactory(
        participant=p, employer=first, start_date=dt.date(2016, 3, 1), end_date=dt.date(2020, 1, 31)
    )
    EmploymentFactory(participant=p, employer=last, start_date=dt.date(2020, 2, 1))
    post_contribution(p, period=dt.date(2016, 3, 1), wage_idr=4_000_000, employer=first)
    post_contribution(p, period=dt.date(2020, 2, 1), wage_idr=6_000_000, employer=last)
    return p


def photo(
    kind: str = "JPEG", size: tuple[int, int] = (64, 48), color: str = "navy", name: str = "foto.jpg"
) -> Any:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=kind)
    content_type = "image/png" if kind == "PNG" else "image/jpeg"
    return SimpleUploadedFile(name, out.getvalue(), content_type=content_type)


def identity(nik: str = NIK, kpj: str = KPJ, birth_date: str = "17-05-1990") -> dict[str, str]:
    return {"nik": nik, "kpj": kpj, "birth_date": birth_date}


def details(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "email": "pemilik.baru@contoh.id",
        "phone": "0812-3456-7890",
        "ktp": photo(color="navy", name="ktp.jpg"),
        "selfie": photo(color="olive", name="swafoto.jpg"),
        "last_employer": LAST_EMPLOYER,
        "first_year": FIRST_YEAR,
        "consent_identity": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit(client: Client, *, ident: dict[str, str] | None = None, **overrides: Any) -> Any:
    """Both steps; returns the response of step 2."""
    first = client.post(START_URL, ident or identity())
    assert first.status_code == 302, first.content.decode()[:2000]
    return client.post(DETAILS_URL, details(**overrides))


def staff_with_role(role: str, branch: Any) -> User:
    user: Any = StaffFactory(branch=branch)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def staff_client(user: Any) -> Client:
    client = Client()
    staff_login(client, user)
    return client


def make_request(
    *, nik: str = NIK, kpj: str = KPJ, face_match: bool = False, email: str = "pemilik.baru@contoh.id"
) -> Any:
    """A stored request made through the service (what step 2 does), identity matched by default."""
    from participants.nik import nik_index
    from portal.uploads.services import prepare_upload
    from verification.services import Submission, verification_request_submit

    return verification_request_submit(
        submission=Submission(
            kpj=kpj,
            nik_index=nik_index(nik),
            birth_date=BIRTH_DATE,
            email=email,
            phone="6281234567890",
            ktp=prepare_upload(uploaded_file=photo(color="navy")),
            selfie=prepare_upload(uploaded_file=photo(color="olive")),
            employer_answer=LAST_EMPLOYER,
            first_year_answer=FIRST_YEAR,
            face_match_consent=face_match,
        )
    )
