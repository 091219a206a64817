"""The PHK life event in Debian's Chromium: the resigned worker opens "Terkena PHK?" from the dashboard,
sees why JKP does not apply (resignation), the JHT date and amount, and starts the JHT claim from there."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.claims.factories import resigned_person
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_resigned_worker_sees_jkp_jht_and_starts_the_jht_claim(page: Page, live_server: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    user = UserFactory(email="resign@contoh.id")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    end = timezone.localdate() - dt.timedelta(days=61)
    resigned_person(user=user, full_name="Rina Marlina", balance_idr=12_500_000, end_date=end)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/akun/login/")
    page.locator("[name=login]").fill("resign@contoh.id")
    page.locator("[name=password]").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Halo, Rina Marlina")

    page.get_by_role("link", name="Terkena PHK?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terkena PHK: hak Anda")
    jkp = page.locator("#jkp")
    expect(jkp).to_contain_text("Tidak memenuhi syarat")
    expect(jkp).to_contain_text("bukan untuk: Mengundurkan diri")
    jht = page.locator("#jht")
    expect(jht).to_contain_text("Klaim JHT dapat diajukan sejak")
    expect(jht).to_contain_text("Rp12.500.000")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390

    jht.get_by_role("button", name="Ajukan klaim JHT").click()
    expect(page.get_by_role("heading", level=2, name="Langkah 1: Sebab klaim")).to_be_visible()
    expect(page.get_by_label("Mengundurkan diri")).to_be_checked()
    assert errors == []
