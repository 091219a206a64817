import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tests.factories import ParticipantFactory, make_nik
from tests.notifications.helpers import activation_code_from_mail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_activate_then_log_in_with_kpj(page: Page, live_server: object) -> None:
    from django.core.cache import cache

    cache.clear()
    born = dt.date(1992, 8, 9)
    nik = make_nik(birth_date=born, sex="L", serial=5150)
    # The code goes to the email on record; typing the same address makes it the verified login.
    ParticipantFactory(nik=nik, kpj="31313131313", birth_date=born, sex="L", email="e2e@contoh.id")
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Aktifkan akun online").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktifkan akun online")
    page.get_by_label("NIK (nomor KTP)").fill(nik)
    page.get_by_label("Nomor KPJ").fill("31313131313")
    page.get_by_label("Tanggal lahir").fill("09-08-1992")
    page.get_by_label("Email").fill("e2e@contoh.id")
    page.get_by_label("Kata sandi", exact=True).fill("Sandi-Peramban-2026!")
    page.get_by_label("Ulangi kata sandi").fill("Sandi-Peramban-2026!")
    page.get_by_role("button", name="Kirim kode").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Masukkan kode aktivasi")
    page.get_by_label("Kode aktivasi").fill(activation_code_from_mail("e2e@contoh.id"))
    page.get_by_role("button", name="Aktifkan akun").click()
    expect(page.get_by_text("Akun online Anda sudah aktif")).to_be_visible()

    page.get_by_role("button", name="Keluar").first.click()
    page.get_by_role("link", name="Masuk").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk ke Portal Peserta")
    page.get_by_label("Email, NIK atau nomor KPJ").fill("31313131313")
    page.get_by_label("Kata sandi").fill("Sandi-Peramban-2026!")
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"{live_server.url}/akun/keamanan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Akun dan keamanan")
    expect(page.get_by_text("e2e@contoh.id")).to_be_visible()
    assert violations == []
