"""Assisted verification in Debian's Chromium: a participant with no contact on record sends a request
(KTP photo, selfie, two questions, consent); petugas of the branch (password + TOTP) schedule and record
the video call and approve; the participant follows the emailed link, sets a password and sees the
balance on /peserta/."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from notifications.services import outbox_deliver_queued
from participants.ledger.models import JhtBalance
from portal.money import format_rupiah
from tests.e2e.test_backoffice_journey import demo_staff, staff_login
from tests.factories import (
    BranchFactory,
    EmployerFactory,
    EmploymentFactory,
    ParticipantFactory,
    make_nik,
    post_contribution,
)
from verification.models import VerificationRequest, VerificationStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Sandi-Verifikasi-Peramban-2026!"


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


def photo_file(tmp_path: Path, name: str, color: str) -> Path:
    path = tmp_path / name
    out = io.BytesIO()
    Image.new("RGB", (320, 200), color).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def activation_link(email: str) -> str:
    outbox_deliver_queued()
    for message in reversed(mail.outbox):
        match = re.search(r"https?://\S+(/akun/verifikasi/aktifkan/\S+/)", message.body)
        if email in message.to and match:
            return match.group(1)
    raise AssertionError(f"no activation link was sent to {email}")


def test_no_contact_on_record_to_verified_account_with_balance(
    page: Page, live_server: Any, private_storage: Path, tmp_path: Path
) -> None:
    from django.core.cache import cache

    cache.clear()
    jkt = BranchFactory(code="JKT01", name="Jakarta Salemba")
    born = dt.date(1988, 2, 14)
    nik = make_nik(birth_date=born, sex="L", serial=7070)
    person: Any = ParticipantFactory(
        kpj="23010000077", nik=nik, birth_date=born, branch=jkt, email="", phone=""
    )
    employer = EmployerFactory(name="PT Baja Nusantara", branch=jkt)
    for name in ("PT Kain Indah", "PT Roda Jaya", "PT Kopi Sentosa"):
        EmployerFactory(name=name, branch=jkt)
    EmploymentFactory(participant=person, employer=employer, start_date=dt.date(2018, 1, 1))
    post_contribution(person, period=dt.date(2018, 1, 1), wage_idr=5_000_000, employer=employer)
    post_contribution(person, period=dt.date(2018, 2, 1), wage_idr=5_000_000, employer=employer)
    balance = JhtBalance.objects.get(account=person).balance_idr
    petugas = demo_staff("petugas.jkt@demo.portal", "reviewer", jkt)

    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if msg.type == "error" else None)
    base = live_server.url

    # 1. The participant asks for assisted verification.
    page.goto(f"{base}/akun/verifikasi/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verifikasi identitas dengan bantuan petugas")
    page.get_by_label("NIK (nomor KTP)").fill(nik)
    page.get_by_label("Nomor KPJ").fill("23010000077")
    page.get_by_label("Tanggal lahir").fill("14-02-1988")
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Foto, pertanyaan dan persetujuan")
    for width in (390, 1366):  # phone first: nothing wider than the screen
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_label("Email yang ingin Anda pakai").fill("pemilik@contoh.id")
    page.get_by_label("Foto KTP", exact=True).set_input_files(photo_file(tmp_path, "ktp.jpg", "navy"))
    page.get_by_label("Swafoto sambil memegang KTP").set_input_files(
        photo_file(tmp_path, "swafoto.jpg", "olive")
    )
    page.get_by_label("PT Baja Nusantara").check()
    page.get_by_label("Tahun berapa iuran pertama Anda tercatat?").select_option("2018")
    page.locator("[name=consent_identity]").check()
    page.get_by_role("button", name="Kirim permintaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Permintaan diterima")
    request = VerificationRequest.objects.get()
    assert (request.identity_matched, request.answers_correct) == (True, 2)

    # 2. The petugas of the branch: video call scheduled, held, then approval.
    staff_page = page.context.browser.new_context().new_page()
    staff_login(staff_page, base, petugas.email)
    staff_page.goto(f"{base}/admin/verification/verificationrequest/")
    expect(staff_page.locator("#result_list")).to_contain_text("2/2")
    staff_page.locator("#result_list tbody tr").first.locator("a").first.click()
    staff_page.locator("[data-step=jadwalkan]").click()
    call_at = timezone.localtime() + dt.timedelta(hours=3)
    staff_page.locator("[name=at]").fill(call_at.strftime("%Y-%m-%dT%H:%M"))
    staff_page.locator("[name=link]").fill("https://meet.contoh.id/verifikasi-77")
    staff_page.get_by_role("button", name="Ya, lanjutkan").click()
    staff_page.locator("[data-step=catat-panggilan]").click()
    staff_page.locator("[name=note]").fill("Wajah sesuai KTP, jawaban benar.")
    staff_page.get_by_role("button", name="Ya, lanjutkan").click()
    staff_page.locator("[data-step=setujui]").click()
    staff_page.get_by_role("button", name="Ya, lanjutkan").click()
    expect(staff_page.get_by_text("Setujui dan kirim tautan aktivasi: berhasil.")).to_be_visible()
    request.refresh_from_db()
    assert request.status == VerificationStatus.APPROVED

    # 3. The participant follows the link, sets a password and sees the balance.
    page.goto(f"{base}{activation_link('pemilik@contoh.id')}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Identitas Anda sudah diverifikasi")
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_label("Ulangi kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Aktifkan akun").click()
    expect(page).to_have_url(f"{base}/peserta/")
    expect(page.get_by_text("Akun online Anda sudah aktif")).to_be_visible()
    expect(page.locator("body")).to_contain_text(format_rupiah(balance))
    assert violations == []
