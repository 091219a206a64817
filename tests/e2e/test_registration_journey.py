"""One journey in Debian's Chromium: from the home page, register as a BPU participant without a KPJ,
confirm with the code from the email, land logged in on "bayar iuran" with the first bill, pay one
month by QRIS and settle it in the fake gateway's sandbox."""

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from contributions.models import Payment
from contributions.models import PaymentStatus as S
from participants.models import Participant, Rate
from tests.factories import BranchFactory
from tests.notifications.helpers import activation_code_from_mail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NIK = "3273016808950012"  # Bandung, woman born 28-08-1995


@pytest.fixture
def sandbox_settings(settings: Any, live_server: Any, tmp_path: Path) -> None:
    settings.DEBUG = True  # the sandbox exists only in DEBUG; pytest-django turns DEBUG off
    settings.ROOT_URLCONF = "tests.contributions.urls_debug"
    settings.PORTAL_BASE_URL = live_server.url
    settings.PAYMENT_GATEWAY = "fake"
    settings.MIDTRANS_SERVER_KEY = "SB-Mid-server-e2e-key-123"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    if not Rate.objects.exists():  # transactional tests flush the data migrations' rows
        importlib.import_module("participants.migrations.0002_rates_and_development").load(apps, None)


def test_register_confirm_and_pay_the_first_month(
    page: Page, live_server: Any, sandbox_settings: None
) -> None:
    from django.core.cache import cache

    cache.clear()
    BranchFactory(code="BDG01", name="Bandung Suci")
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Daftar peserta BPU").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Daftar sebagai peserta BPU")
    page.get_by_label("NIK (nomor KTP)").fill(NIK)
    page.get_by_label("Nama lengkap (sesuai KTP)").fill("Rina Kartika")
    page.get_by_label("Tanggal lahir").fill("28-08-1995")
    page.get_by_label("Perempuan").check()
    page.get_by_label("Alamat").fill("Jl. Suci 10, Bandung")
    page.get_by_label("Nomor HP").fill("0813 2222 3333")
    page.get_by_label("Email").fill("rina.e2e@contoh.id")
    # A trader: no discount programme applies, so the bill below holds on any date (the transport
    # workers' discount and its bill line are pinned in tests/contributions/test_rates_2026.py).
    page.get_by_label("Jenis pekerjaan").select_option(label="Pedagang / pemilik usaha kecil")
    page.get_by_label("Penghasilan per bulan (Rp)").fill("2.000.000")
    page.get_by_label("Jaminan Hari Tua (JHT)").check()
    page.get_by_label("Kantor cabang").select_option(label="BDG01 Bandung Suci")
    page.get_by_role("button", name="Kirim kode konfirmasi").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Masukkan kode konfirmasi")
    assert Participant.objects.count() == 0  # nothing exists before the code
    code = activation_code_from_mail("rina.e2e@contoh.id", event="bpu_registration_code")
    page.get_by_label("Kode konfirmasi").fill(code)
    page.get_by_label("Kata sandi", exact=True).fill("Sandi-Rina-Bandung-2026!")
    page.get_by_label("Ulangi kata sandi").fill("Sandi-Rina-Bandung-2026!")
    page.get_by_role("button", name="Selesaikan pendaftaran").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bayar iuran")
    participant = Participant.objects.get()
    expect(page.get_by_text(f"Nomor KPJ Anda {participant.kpj}")).to_be_visible()
    # JKK 20.000 + JKM 6.800 + JHT 40.000
    expect(page.locator(".bill-total")).to_have_text("Rp66.800")

    page.get_by_label("QRIS").check()
    page.get_by_role("button", name="Lanjut: periksa tagihan").click()
    page.get_by_role("button", name="Buat tagihan Rp66.800").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pembayaran iuran")
    expect(page.locator("svg").first).to_be_visible()

    sandbox = page.context.new_page()
    sandbox.goto(f"{live_server.url}/_dev/gateway/")
    sandbox.get_by_role("button", name="Lunasi").click()
    expect(sandbox.get_by_text("endpoint menjawab 200")).to_be_visible()
    sandbox.close()
    expect(page.locator("#payment-status .badge")).to_have_text("Lunas", timeout=10_000)
    assert Payment.objects.get(participant=participant).status == S.SETTLEMENT
    assert violations == []
