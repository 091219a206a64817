"""The branch queue in the admin: today's list scoped to the branch, check-in/no-show actions, auditors
read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from branches.models import Booking, BookingStatus
from branches.services import booking_create
from tests.branches.conftest import MONDAY, NOW, at, make_branch, staff_with_role
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

CHANGELIST = "admin:branches_booking_changelist"


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bookings(service: Any) -> dict[str, Booking]:
    other = make_branch("BDG01")
    return {
        "today": booking_create(
            user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW
        ),
        "tomorrow": booking_create(
            user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY.replace(day=24), 8), now=NOW
        ),
        "other_branch": booking_create(
            user=UserFactory(), branch_service_id=other.pk, starts_at=at(MONDAY, 8), now=NOW
        ),
    }


def test_reviewer_sees_todays_list_of_own_branch_only(service: Any, bookings: dict[str, Booking]) -> None:
    client = logged_in(staff_with_role("reviewer", service.branch))
    body = client.get(reverse(CHANGELIST)).content.decode()
    assert bookings["today"].code in body
    assert bookings["tomorrow"].code not in body
    assert bookings["other_branch"].code not in body
    everything = client.get(reverse(CHANGELIST) + "?hari=all").content.decode()
    assert bookings["tomorrow"].code in everything
    assert bookings["other_branch"].code not in everything


def test_reviewer_checks_in_through_the_action(service: Any, bookings: dict[str, Booking]) -> None:
    reviewer = staff_with_role("reviewer", service.branch)
    response = logged_in(reviewer).post(
        reverse(CHANGELIST),
        {"action": "check_in", ACTION_CHECKBOX_NAME: [bookings["today"].pk]},
    )
    assert response.status_code == 302
    booking = Booking.objects.get(pk=bookings["today"].pk)
    assert (booking.status, booking.handled_by_id) == (BookingStatus.CHECKED_IN, reviewer.pk)


def test_other_branch_reviewer_cannot_act_on_the_booking(service: Any, bookings: dict[str, Booking]) -> None:
    stranger = staff_with_role("reviewer", bookings["other_branch"].branch)
    logged_in(stranger).post(
        reverse(CHANGELIST) + "?hari=all",
        {"action": "check_in", ACTION_CHECKBOX_NAME: [bookings["today"].pk]},
    )
    assert Booking.objects.get(pk=bookings["today"].pk).status == BookingStatus.BOOKED
    detail = reverse("admin:branches_booking_change", args=[bookings["today"].pk])
    assert logged_in(stranger).get(detail).status_code == 302  # not in its queryset: back to the list


def test_auditor_sees_every_branch_but_cannot_act(service: Any, bookings: dict[str, Booking]) -> None:
    client = logged_in(staff_with_role("auditor", None))
    body = client.get(reverse(CHANGELIST)).content.decode()
    assert bookings["today"].code in body
    assert bookings["other_branch"].code in body
    assert "check_in" not in body
    client.post(reverse(CHANGELIST), {"action": "check_in", ACTION_CHECKBOX_NAME: [bookings["today"].pk]})
    assert Booking.objects.get(pk=bookings["today"].pk).status == BookingStatus.BOOKED


def test_participant_and_staff_without_role_see_nothing(bookings: dict[str, Booking]) -> None:
    from tests.factories import StaffFactory

    assert logged_in(UserFactory()).get(reverse(CHANGELIST)).status_code == 302
    assert logged_in(StaffFactory()).get(reverse(CHANGELIST)).status_code == 403


def test_booking_change_page_and_branch_configuration(service: Any, bookings: dict[str, Booking]) -> None:
    from branches.models import DayOverride

    reviewer = staff_with_role("reviewer", service.branch)
    client = logged_in(reviewer)
    page = client.get(reverse("admin:branches_booking_change", args=[bookings["today"].pk]))
    assert page.status_code == 200
    assert bookings["today"].code in page.content.decode()
    add = reverse("admin:branches_dayoverride_add")
    form = client.get(add).content.decode()
    assert service.branch.name in form
    assert bookings["other_branch"].branch.name not in form
    other = bookings["other_branch"].branch
    client.post(add, {"branch": other.pk, "date": "2026-12-24", "reason": "x"})
    assert not DayOverride.objects.filter(branch=other).exists()
    client.post(add, {"branch": service.branch.pk, "date": "2026-12-24", "reason": "Rapat kerja"})
    assert DayOverride.objects.filter(branch=service.branch, is_open=False).count() == 1
    auditor = logged_in(staff_with_role("auditor", None))
    assert auditor.get(add).status_code == 403
