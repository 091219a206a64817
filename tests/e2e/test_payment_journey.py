"""One journey in Debian's Chromium: log in as a BPU participant, pay 3 months by BCA virtual account,
settle in the fake gateway's sandbox (a signed notification over HTTP), watch the payment page update
by polling, download the receipt and see the new "dilindungi sampai" on the dashboard."""

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from contributions.billing import current_period
from contributions.models import Payment
from contributions.models import PaymentStatus as S
from contributions.tasks import render_receipt
from participants.models import Rate
from portal.dates import add_months, month_end
from portal.templatetags.portal import tanggal
from tests.contributions.factories import bpu_participant
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sandbox_settings(settings: Any, live_server: Any, tmp_path: Path) -> None:
    settings.DEBUG = True  # the sandbox exists only in DEBUG; pytest-django turns DEBUG off
    settings.ROOT_URLCONF = "tests.contributions.urls_debug"
    settings.PORTAL_BASE_URL = live_server.url  # where the sandbox POSTs its signed notifications
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


def test_pay_three_months_by_bca_va(page: Page, live_server: Any, sandbox_settings: None) -> None:
    from django.core.cache import cache

    cache.clear()
    user = UserFactory(email="bpu-e2e@contoh.id")
    participant = bpu_participant(user=user, income_idr=1_000_000, with_jht=True, kpj="45454545454")
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/akun/login/")
    page.locator("input[name=login]").fill("bpu-e2e@contoh.id")
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Halo, {participant.full_name}")

    page.get_by_role("link", name="Bayar iuran", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bayar iuran")
    page.get_by_label("3 bulan").check()
    expect(page.locator(".bill-total")).to_have_text("Rp110.400")  # swapped in by htmx
    page.get_by_label("Virtual account BCA").check()
    page.get_by_role("button", name="Lanjut: periksa tagihan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Periksa tagihan")
    page.get_by_role("button", name="Buat tagihan Rp110.400").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pembayaran iuran")
    payment = Payment.objects.get(participant=participant)
    assert (payment.months, payment.channel, payment.status) == (3, "bca_va", S.PENDING)
    expect(page.locator("#pay-code")).to_have_text(payment.va_number)
    expect(page.locator("#payment-status .badge")).to_have_text("Menunggu pembayaran")

    sandbox = page.context.new_page()
    sandbox.goto(f"{live_server.url}/_dev/gateway/")
    sandbox.get_by_role("button", name="Lunasi").click()
    expect(sandbox.get_by_text("endpoint menjawab 200")).to_be_visible()
    sandbox.close()

    # The payment page polls every 3 seconds and stops once the payment is final.
    expect(page.locator("#payment-status .badge")).to_have_text("Lunas", timeout=10_000)
    payment.refresh_from_db()
    assert payment.status == S.SETTLEMENT
    assert render_receipt(payment.receipt.pk)  # the Celery task, run here instead of on a worker
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh bukti pembayaran").click()
    assert download.value.suggested_filename.startswith("bukti-")
    assert download.value.suggested_filename.endswith(".pdf")

    until = month_end(add_months(current_period(), 2))
    page.get_by_role("button", name="Ke beranda peserta").click()
    expect(page.locator(".protected")).to_have_text(f"Dilindungi sampai {tanggal(until)}.")
    assert violations == []
