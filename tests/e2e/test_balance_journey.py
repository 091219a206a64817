"""The balance journey in a real browser: activate → log in → see the balance → download a statement.

The statement PDF is rendered by a real Celery worker (thread) against the real Redis and PostgreSQL,
and the status page polls with htmx until it is ready.
"""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.factories import EmployerFactory, ParticipantFactory, make_nik, post_contribution
from tests.notifications.helpers import activation_code_from_mail

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.django_db(transaction=True)]
PASSWORD = "Saldo-Peramban-2026!"


def test_activate_log_in_see_balance_and_download_statement(
    page: Page, live_server: Any, celery_worker: Any, tmp_path: Path
) -> None:
    from django.core.cache import cache

    cache.clear()
    born = dt.date(1987, 2, 3)
    nik = make_nik(birth_date=born, sex="P", serial=4242)
    participant = ParticipantFactory(
        nik=nik, kpj="32323232323", birth_date=born, sex="P", email="saldo@contoh.id"
    )
    employer = EmployerFactory()
    for month in range(1, 13):  # twelve months of 2025 at Rp5.000.000: JHT 285.000 a month
        post_contribution(participant, period=dt.date(2025, month, 1), wage_idr=5_000_000, employer=employer)

    page.goto(f"{live_server.url}/akun/aktivasi/")
    page.get_by_label("NIK (nomor KTP)").fill(nik)
    page.get_by_label("Nomor KPJ").fill("32323232323")
    page.get_by_label("Tanggal lahir").fill("1987-02-03")
    page.get_by_label("Email").fill("saldo@contoh.id")
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_label("Ulangi kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Kirim kode").click()
    page.get_by_label("Kode aktivasi").fill(activation_code_from_mail("saldo@contoh.id"))
    page.get_by_role("button", name="Aktifkan akun").click()
    expect(page.get_by_text("Akun online Anda sudah aktif")).to_be_visible()

    # Log out and in again, this time with the NIK.
    page.get_by_role("button", name="Keluar").first.click()
    page.goto(f"{live_server.url}/akun/login/")
    page.get_by_label("Email, NIK atau nomor KPJ").fill(nik)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    expect(page).to_have_url(f"{live_server.url}/peserta/")
    expect(page.locator(".jht-total-amount")).to_have_text("Rp3.420.000")
    assert nik not in page.content()  # the NIK is only ever shown masked

    page.get_by_role("link", name="Rincian saldo (PDF)").first.click()
    page.get_by_label("Tahun").select_option("2025")
    page.get_by_role("button", name="Buat rincian saldo").click()
    expect(page.get_by_text("Rincian saldo sedang dibuat")).to_be_visible()
    download_link = page.get_by_role("button", name="Unduh PDF")
    expect(download_link).to_be_visible(timeout=30_000)  # swapped in by the htmx poll
    with page.expect_download() as download:
        download_link.click()
    target = tmp_path / "rsjht.pdf"
    download.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF-")
