"""The claimant's half of the JHT claim journey in Debian's Chromium: log in, check eligibility, fill the
wizard (documents through the upload pipeline), submit once, follow the claim after verification."""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import Page, expect

from claims.models import Claim, ClaimStatus
from tests.claims.factories import resigned_person
from tests.factories import TEST_PASSWORD, UserFactory
from tests.portal import test_uploads_corpus as corpus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def private_storage(settings: Any, tmp_path: Path) -> Path:
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }
    return location


def load_rates() -> None:
    """Transactional tests flush the rate rows the data migrations loaded: load them again."""
    from django.apps import apps

    from participants.models import Rate

    if not Rate.objects.filter(program="KLAIM", component="second_approval_threshold").exists():
        importlib.import_module("participants.migrations.0002_rates_and_development").load(apps, None)
        importlib.import_module("claims.migrations.0002_second_approval_threshold").load(apps, None)


def test_resigned_participant_files_a_claim_and_follows_it(
    page: Page, live_server: Any, private_storage: Path, tmp_path: Path
) -> None:
    from django.core.cache import cache

    from claims.tasks import verify_claim

    cache.clear()
    load_rates()
    user = UserFactory(email="resign@contoh.id")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    person = resigned_person(
        user=user,
        full_name="Rina Marlina",
        balance_idr=12_500_000,
        end_date=timezone.localdate() - dt.timedelta(days=61),
    )
    ktp = tmp_path / "ktp.jpg"
    ktp.write_bytes(corpus.jpeg_with_gps())
    letter = tmp_path / "paklaring.pdf"
    letter.write_bytes(corpus.pdf())
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/akun/login/")
    page.locator("[name=login]").fill("resign@contoh.id")
    page.locator("[name=password]").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Halo, Rina Marlina")

    page.get_by_role("link", name="Cek kelayakan klaim JHT").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cek kelayakan klaim JHT")
    resign = page.locator("#sebab-resign")
    expect(resign).to_contain_text("Dapat diajukan")
    expect(resign).to_contain_text("Rp12.500.000")
    resign.get_by_role("button", name="Ajukan klaim dengan sebab ini").click()

    expect(page.get_by_role("heading", level=2, name="Langkah 1: Sebab klaim")).to_be_visible()
    page.get_by_label("Mengundurkan diri").check()
    page.get_by_role("button", name="Simpan dan lanjut").click()

    expect(page.get_by_role("heading", level=2, name="Langkah 2: Periksa data diri")).to_be_visible()
    expect(page.locator("#wizard")).to_contain_text("Rina Marlina")
    expect(page.locator("#wizard")).to_contain_text(person.kpj)
    expect(page.locator("#wizard")).not_to_contain_text(person.nik)
    page.get_by_role("button", name="Data sudah benar, lanjut").click()

    expect(page.get_by_role("heading", level=2, name="Langkah 3: Unggah dokumen")).to_be_visible()
    for code, path in (("ktp", ktp), ("kk", ktp), ("paklaring", letter), ("bank_book", ktp)):
        row = page.locator(f"#doc-{code}")
        row.locator("input[type=file]").set_input_files(str(path))
        row.get_by_role("button", name="Unggah").click()
        expect(page.locator(f"#doc-{code}")).to_contain_text("Sudah diunggah")
    page.get_by_role("button", name="Lanjut ke rekening bank").click()

    expect(page.get_by_role("heading", level=2, name="Langkah 4: Rekening bank")).to_be_visible()
    page.get_by_label("Bank", exact=True).select_option("014")
    page.get_by_label("Nomor rekening").fill("1234567890")
    page.get_by_label("Nama pemilik rekening (sesuai buku tabungan)").fill("Rina Marlina")
    page.get_by_role("button", name="Simpan dan lanjut").click()

    expect(page.get_by_role("heading", level=2, name="Langkah 5: Periksa dan ajukan")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/klaim/{Claim.objects.get().public_id}/periksa/")
    checklist = page.locator(".checklist")
    expect(checklist).to_contain_text("Semua dokumen wajib sudah diunggah.")
    expect(checklist).to_contain_text("Nama pemilik rekening sama dengan nama peserta.")
    expect(page.locator("#wizard")).to_contain_text("Rp12.500.000")
    page.get_by_role("button", name="Ajukan klaim").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Klaim JHT: Mengundurkan diri")
    expect(page.locator("#status")).to_contain_text("Diajukan")
    claim = Claim.objects.get()
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.documents.count() == 4
    assert all(b"Exif" not in d.file.read() for d in claim.documents.filter(content_type="image/jpeg"))

    assert verify_claim(claim.pk) is True
    page.reload()
    expect(page.locator("#status")).to_contain_text("Diperiksa petugas")
    expect(page.locator("#status")).to_contain_text("Hasil verifikasi")
    expect(page.locator("#status")).to_contain_text("Syarat klaim terpenuhi.")
    expect(page.locator("#status")).to_contain_text("Paling lambat")
    assert Claim.objects.count() == 1
    assert violations == []
