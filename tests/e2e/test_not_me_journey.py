"""One journey in Debian's Chromium: a security notice's "Bukan saya" link freezes the account, and a
login with the right password is then refused with the branch's instructions (issue 16, item 4)."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import RecoveryCase
from accounts.security_events import security_event_record
from notifications.models import Outbox
from tests.factories import TEST_PASSWORD, BranchFactory, ParticipantFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_bukan_saya_freezes_and_login_is_refused_with_the_branch(
    page: Page, live_server: Any, settings: Any
) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.PORTAL_BASE_URL = live_server.url
    branch = BranchFactory(code="SMG01", name="Semarang Pemuda", address="Jl. Pemuda 140, Semarang")
    user = UserFactory(email="pemilik@contoh.id")
    person = ParticipantFactory(user=user, branch=branch, kpj="34343434343", email="rekam@contoh.id")
    # Someone changed a contact: the owner's mailbox on record gets the notice with the link.
    event = security_event_record(kind="contact_change", participant=person, user=user)
    body = Outbox.objects.get(event="security_event", recipient="rekam@contoh.id").body
    match = re.search(r"(https?://\S+/akun/bukan-saya/\S+/)", body)
    assert match is not None, body
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if msg.type == "error" else None)

    page.goto(match.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Laporkan: bukan saya")
    assert RecoveryCase.objects.count() == 0  # opening the link changed nothing
    page.get_by_role("button", name="Ya, bekukan akun saya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Akun Anda sudah dibekukan")
    expect(page.get_by_text("Semarang Pemuda (Jl. Pemuda 140, Semarang)")).to_be_visible()
    assert RecoveryCase.objects.get().event_id == event.pk

    page.goto(f"{live_server.url}/akun/login/")
    page.get_by_label("Email, NIK atau nomor KPJ").fill("34343434343")
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Akun ini sedang dibekukan")
    expect(page.get_by_text("Semarang Pemuda (Jl. Pemuda 140, Semarang)")).to_be_visible()
    # Still signed out: the participant pages send the browser to the login page.
    page.goto(f"{live_server.url}/peserta/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk ke Portal Peserta")
    # A phone-wide screen shows the frozen page without sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(match.group(1))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The only console error is the refused login's own status (403), reported by Chromium.
    assert violations == ["Failed to load resource: the server responded with a status of 403 (Forbidden)"]
