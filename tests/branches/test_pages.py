"""The participant's appointment pages for every persona, full page and htmx fragment; bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from branches.models import Booking, BookingStatus, TimeSlot
from branches.services import booking_create
from tests.branches.conftest import MONDAY, NOW, at, staff_with_role
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def logged_in(user: Any, **headers: str) -> Client:
    client = Client(headers=headers)
    client.force_login(user)
    return client


@pytest.fixture
def booking(service: Any) -> Booking:
    return booking_create(user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW)


def _urls(booking: Booking) -> list[str]:
    kw = {"booking_id": booking.public_id}
    return [
        reverse("branches:detail", kwargs=kw),
        reverse("branches:cancel", kwargs=kw),
        reverse("branches:reschedule", kwargs=kw),
    ]


def test_anonymous_is_sent_to_login(booking: Booking) -> None:
    for url in [reverse("branches:list"), reverse("branches:new"), *_urls(booking)]:
        response = Client().get(url)
        assert response.status_code == 302
        assert "/akun/login/" in response["Location"]


def test_owner_sees_code_qr_and_actions(booking: Booking) -> None:
    client = logged_in(booking.user)
    response = client.get(reverse("branches:detail", kwargs={"booking_id": booking.public_id}))
    body = response.content.decode()
    assert response.status_code == 200
    assert booking.code in body
    assert "<svg" in body
    assert "style=" not in body.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert reverse("branches:cancel", kwargs={"booking_id": booking.public_id}) in body
    listing = client.get(reverse("branches:list")).content.decode()
    assert booking.code in listing


@pytest.mark.parametrize("persona", ["other_participant", "reviewer"])
def test_someone_elses_booking_is_404_and_unchanged(booking: Booking, persona: str) -> None:
    user = UserFactory() if persona == "other_participant" else staff_with_role("reviewer", booking.branch)
    client = logged_in(user)
    for url in _urls(booking):
        assert client.get(url).status_code == 404
    for url in _urls(booking)[1:]:  # cancel and reschedule take POST
        assert client.post(url, {"slot": "2026-11-23T09:00"}).status_code == 404
    booking.refresh_from_db()
    assert (booking.status, booking.starts_at) == (BookingStatus.BOOKED, at(MONDAY, 8))


def test_new_booking_page_lists_free_slots_full_and_fragment(service: Any) -> None:
    user = UserFactory()
    url = reverse("branches:new") + f"?layanan={service.pk}"
    page = logged_in(user).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "<html" in body
    assert 'value="2026-11-23T08:00"' in body
    assert 'value="2026-11-28T08:00"' not in body  # Saturday
    fragment = logged_in(user, **{"HX-Request": "true"}).get(url)
    assert fragment.status_code == 200
    text = fragment.content.decode()
    assert "<html" not in text
    assert text.lstrip().startswith('<section id="slots"')


def test_booking_through_the_form_then_cancelling_after_confirmation(service: Any) -> None:
    user = UserFactory()
    client = logged_in(user)
    response = client.post(reverse("branches:new"), {"layanan": service.pk, "slot": "2026-11-23T09:30"})
    booking = Booking.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("branches:detail", kwargs={"booking_id": booking.public_id})
    assert booking.starts_at == at(MONDAY, 9, 30)
    cancel_url = reverse("branches:cancel", kwargs={"booking_id": booking.public_id})
    confirm = client.get(cancel_url)
    assert "Ya, batalkan" in confirm.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED  # GET only asks
    assert client.post(cancel_url).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert TimeSlot.objects.get().booked_count == 0


@pytest.mark.parametrize(
    "data",
    [
        {"slot": "2026-11-23T09:30"},  # no service
        {"layanan": "999999", "slot": "2026-11-23T09:30"},
        {"layanan": "SERVICE", "slot": "kemarin"},
        {"layanan": "SERVICE", "slot": ""},
        {"layanan": "SERVICE", "slot": "2026-11-28T08:00"},  # Saturday
        {"layanan": "SERVICE", "slot": "2026-11-23T06:00"},  # past
    ],
)
def test_bad_booking_input_creates_nothing(service: Any, data: dict[str, str]) -> None:
    payload = {k: (str(service.pk) if v == "SERVICE" else v) for k, v in data.items()}
    response = logged_in(UserFactory()).post(reverse("branches:new"), payload)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Booking.objects.exists()
    assert not TimeSlot.objects.filter(booked_count__gt=0).exists()


def test_reschedule_page_moves_the_booking(booking: Booking) -> None:
    client = logged_in(booking.user)
    url = reverse("branches:reschedule", kwargs={"booking_id": booking.public_id})
    assert 'value="2026-11-23T09:00"' in client.get(url).content.decode()
    response = client.post(url, {"slot": "2026-11-23T09:00"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.starts_at == at(MONDAY, 9)
    bad = client.post(url, {"slot": "2026-11-29T09:00"})  # Sunday
    assert bad.status_code == 400
    booking.refresh_from_db()
    assert booking.starts_at == at(MONDAY, 9)


def test_dashboard_links_to_layanan_and_index_links_to_antrian(booking: Booking) -> None:
    from tests.factories import ParticipantFactory

    ParticipantFactory(user=booking.user)
    client = logged_in(booking.user)
    assert reverse("layanan:index") in client.get(reverse("participants:dashboard")).content.decode()
    index = client.get(reverse("layanan:index")).content.decode()
    assert reverse("branches:list") in index
    assert reverse("branches:detail", kwargs={"booking_id": booking.public_id}) in index
