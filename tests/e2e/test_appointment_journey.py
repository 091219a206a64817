"""Antrian online in Debian's Chromium: from the dashboard to Layanan, book a branch appointment (the slot
list arrives by htmx), see the booking code and QR, cancel after the confirmation page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from playwright.sync_api import Page, expect

from branches.models import Booking, BookingStatus, BranchService, OpeningHours, ServiceKind, TimeSlot
from tests.factories import TEST_PASSWORD, BranchFactory, ParticipantFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_participant_books_and_cancels_an_appointment(page: Page, live_server: Any) -> None:
    cache.clear()
    user = UserFactory(email="antri@contoh.id")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    participant = ParticipantFactory(user=user)
    branch = BranchFactory(code="JKT01", name="Jakarta Salemba", address="Jl. Salemba Raya 1")
    for weekday in range(5):
        OpeningHours.objects.create(
            branch=branch, weekday=weekday, opens_at=dt.time(8), closes_at=dt.time(15)
        )
    service = BranchService.objects.create(branch=branch, service=ServiceKind.KONSULTASI, capacity=3)
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/akun/login/")
    page.locator("[name=login]").fill("antri@contoh.id")
    page.locator("[name=password]").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Halo, {participant.full_name}")

    page.get_by_role("link", name="Layanan", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Layanan")
    page.get_by_role("link", name="Antrian online").click()
    page.get_by_role("button", name="Buat janji temu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Buat janji temu")

    page.get_by_label("Kantor cabang dan layanan").select_option(str(service.pk))  # htmx swaps #slots
    expect(page.locator("#slots")).to_contain_text("Jakarta Salemba")
    first = page.locator("#slots input[name=slot]:not([disabled])").first
    chosen = first.get_attribute("value")
    first.check()
    page.get_by_role("button", name="Pesan slot ini").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Janji temu")
    booking = Booking.objects.get(user=user)
    expect(page.locator(".booking-code")).to_have_text(booking.code)
    expect(page.locator(".qr svg")).to_be_visible()
    assert chosen is not None
    assert (
        booking.starts_at.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%Y-%m-%dT%H:%M") == chosen
    )
    assert TimeSlot.objects.get().booked_count == 1

    page.get_by_role("link", name="Batalkan janji temu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Batalkan janji temu")
    page.get_by_role("button", name="Ya, batalkan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Antrian online")
    expect(page.locator("#bookings")).to_contain_text("Belum ada janji temu.")
    expect(page.locator("#bookings")).to_contain_text("Dibatalkan")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert TimeSlot.objects.get().booked_count == 0
    assert violations == []
