"""Booking rules: refusals change nothing; cancel and reschedule move seats; staff actions by persona."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.http import Http404

from branches.models import Booking, BookingStatus, DayOverride, TimeSlot
from branches.services import (
    BookingError,
    booking_cancel,
    booking_check_in,
    booking_create,
    booking_mark_no_show,
    booking_reschedule,
)
from tests.branches.conftest import MONDAY, NOW, at, make_branch, staff_with_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _state() -> tuple[list[Any], list[Any]]:
    bookings = list(Booking.objects.order_by("pk").values_list("pk", "status", "slot_id", "starts_at"))
    slots = list(TimeSlot.objects.order_by("pk").values_list("pk", "booked_count", "issued_count"))
    return bookings, slots


def test_booking_takes_a_seat_and_gets_a_code_and_queue_number(service: Any) -> None:
    user = UserFactory()
    booking = booking_create(user=user, branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW)
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", booking.code)
    assert booking.queue_number == 1
    assert booking.status == BookingStatus.BOOKED
    assert booking.branch_id == service.branch_id
    slot = TimeSlot.objects.get()
    assert (slot.booked_count, slot.capacity) == (1, 2)
    second = booking_create(
        user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW
    )
    assert second.queue_number == 2


@pytest.mark.parametrize(
    ("starts_at", "code"),
    [
        (at(MONDAY, 6), "past_slot"),  # before now
        (at(MONDAY, 8, 10), "not_a_slot"),  # not on the 30-minute grid
        (at(MONDAY, 10), "not_a_slot"),  # closing time
        (at(MONDAY, 7, 30), "not_a_slot"),  # before opening
        (at(MONDAY + dt.timedelta(days=5), 8), "closed"),  # Saturday
        (at(dt.date(2026, 12, 25), 8), "too_far"),
        (at(MONDAY + dt.timedelta(days=14), 8), "too_far"),  # day 15
    ],
)
def test_bad_slots_are_refused_and_nothing_changes(service: Any, starts_at: dt.datetime, code: str) -> None:
    before = _state()
    with pytest.raises(BookingError) as exc:
        booking_create(user=UserFactory(), branch_service_id=service.pk, starts_at=starts_at, now=NOW)
    assert exc.value.code == code
    assert _state() == before


def test_a_public_holiday_is_closed_unless_staff_open_it(service: Any) -> None:
    now = dt.datetime(2026, 12, 21, 7, tzinfo=NOW.tzinfo)
    christmas = dt.date(2026, 12, 25)
    with pytest.raises(BookingError) as exc:
        booking_create(user=UserFactory(), branch_service_id=service.pk, starts_at=at(christmas, 8), now=now)
    assert exc.value.code == "closed"
    DayOverride.objects.create(
        branch=service.branch,
        date=christmas,
        is_open=True,
        opens_at=dt.time(8),
        closes_at=dt.time(9),
        reason="Layanan khusus",
    )
    booking = booking_create(
        user=UserFactory(), branch_service_id=service.pk, starts_at=at(christmas, 8), now=now
    )
    assert booking.starts_at == at(christmas, 8)


def test_staff_closure_refuses_a_normal_day(service: Any) -> None:
    DayOverride.objects.create(branch=service.branch, date=MONDAY, is_open=False, reason="Renovasi")
    with pytest.raises(BookingError) as exc:
        booking_create(user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW)
    assert exc.value.code == "closed"
    assert not Booking.objects.exists()


def test_full_slot_is_refused(service: Any) -> None:
    for _ in range(2):
        booking_create(user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW)
    before = _state()
    with pytest.raises(BookingError) as exc:
        booking_create(user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW)
    assert exc.value.code == "full"
    assert _state() == before


def test_one_active_booking_per_service(service: Any) -> None:
    user = UserFactory()
    booking_create(user=user, branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW)
    before = _state()
    with pytest.raises(BookingError) as exc:
        booking_create(user=user, branch_service_id=service.pk, starts_at=at(MONDAY, 9), now=NOW)
    assert exc.value.code == "already_booked"
    assert _state() == before


def test_unknown_or_inactive_service_is_refused(service: Any) -> None:
    service.active = False
    service.save()
    with pytest.raises(BookingError) as exc:
        booking_create(user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW)
    assert exc.value.code == "unknown_service"
    assert not TimeSlot.objects.exists()


def test_cancel_frees_the_seat_and_allows_a_new_booking(service: Any) -> None:
    user = UserFactory()
    booking = booking_create(user=user, branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW)
    booking_cancel(user=user, booking_id=booking.public_id, now=NOW)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert TimeSlot.objects.get().booked_count == 0
    again = booking_create(user=user, branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW)
    assert again.queue_number == 2  # queue numbers are never reused
    with pytest.raises(BookingError) as exc:
        booking_cancel(user=user, booking_id=booking.public_id, now=NOW)
    assert exc.value.code == "not_active"


def test_cancelling_someone_elses_booking_is_a_404_and_changes_nothing(service: Any) -> None:
    booking = booking_create(
        user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW
    )
    before = _state()
    with pytest.raises(Http404):
        booking_cancel(user=UserFactory(), booking_id=booking.public_id, now=NOW)
    with pytest.raises(Http404):
        booking_reschedule(user=UserFactory(), booking_id=booking.public_id, starts_at=at(MONDAY, 9), now=NOW)
    assert _state() == before


def test_a_started_booking_cannot_be_cancelled(service: Any) -> None:
    user = UserFactory()
    booking = booking_create(user=user, branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW)
    with pytest.raises(BookingError) as exc:
        booking_cancel(user=user, booking_id=booking.public_id, now=at(MONDAY, 8))
    assert exc.value.code == "started"
    assert TimeSlot.objects.get().booked_count == 1


def test_reschedule_moves_the_seat_and_keeps_the_code(service: Any) -> None:
    user = UserFactory()
    booking = booking_create(user=user, branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW)
    moved = booking_reschedule(user=user, booking_id=booking.public_id, starts_at=at(MONDAY, 9), now=NOW)
    assert moved.code == booking.code
    assert moved.starts_at == at(MONDAY, 9)
    counts = dict(TimeSlot.objects.values_list("starts_at", "booked_count"))
    assert counts == {at(MONDAY, 8): 0, at(MONDAY, 9): 1}


def test_reschedule_into_a_full_slot_keeps_the_old_one(service: Any) -> None:
    user = UserFactory()
    booking = booking_create(user=user, branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW)
    for _ in range(2):
        booking_create(user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY, 9), now=NOW)
    before = _state()
    with pytest.raises(BookingError) as exc:
        booking_reschedule(user=user, booking_id=booking.public_id, starts_at=at(MONDAY, 9), now=NOW)
    assert exc.value.code == "full"
    assert _state() == before


def test_rate_limit_per_account(service: Any, settings: Any) -> None:
    settings.BRANCHES_BOOKING_RATE_LIMIT = (2, 3600)
    user = UserFactory()
    booking = booking_create(user=user, branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW)
    booking_cancel(user=user, booking_id=booking.public_id, now=NOW)
    before = _state()
    with pytest.raises(BookingError) as exc:
        booking_create(user=user, branch_service_id=service.pk, starts_at=at(MONDAY, 9), now=NOW)
    assert exc.value.code == "rate_limited"
    assert _state() == before
    # Another account is not affected.
    booking_create(user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY, 9), now=NOW)


# --- Staff ------------------------------------------------------------------------------------------


def test_reviewer_of_the_branch_checks_in_on_the_day(service: Any) -> None:
    booking = booking_create(
        user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW
    )
    reviewer = staff_with_role("reviewer", service.branch)
    done = booking_check_in(actor=reviewer, booking_id=booking.public_id, now=at(MONDAY, 7, 55))
    assert (done.status, done.handled_by_id) == (BookingStatus.CHECKED_IN, reviewer.pk)
    again = booking_check_in(actor=reviewer, booking_id=booking.public_id, now=at(MONDAY, 8, 5))
    assert again.checked_in_at == at(MONDAY, 7, 55)  # idempotent


def test_check_in_on_another_day_is_refused(service: Any) -> None:
    booking = booking_create(
        user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW
    )
    reviewer = staff_with_role("reviewer", service.branch)
    with pytest.raises(BookingError) as exc:
        booking_check_in(actor=reviewer, booking_id=booking.public_id, now=NOW - dt.timedelta(days=1))
    assert exc.value.code == "not_today"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


@pytest.mark.parametrize(
    ("role", "own_branch", "code"), [("reviewer", False, "not_found"), ("auditor", None, "read_only")]
)
def test_other_branch_and_auditor_cannot_act(
    service: Any, role: str, own_branch: bool | None, code: str
) -> None:
    booking = booking_create(
        user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW
    )
    branch = make_branch("BDG01").branch if own_branch is False else None
    actor = staff_with_role(role, branch)
    for action in (booking_check_in, booking_mark_no_show):
        with pytest.raises(BookingError) as exc:
            action(actor=actor, booking_id=booking.public_id, now=at(MONDAY, 9))
        assert exc.value.code == code
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_no_show_only_after_the_slot_started(service: Any) -> None:
    booking = booking_create(
        user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW
    )
    supervisor = staff_with_role("supervisor", service.branch)
    with pytest.raises(BookingError) as exc:
        booking_mark_no_show(actor=supervisor, booking_id=booking.public_id, now=at(MONDAY, 7, 59))
    assert exc.value.code == "not_started"
    done = booking_mark_no_show(actor=supervisor, booking_id=booking.public_id, now=at(MONDAY, 8, 40))
    assert done.status == BookingStatus.NO_SHOW


def test_a_past_unhandled_booking_does_not_block_the_next_one(service: Any) -> None:
    user = UserFactory()
    old = booking_create(user=user, branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW)
    later = NOW + dt.timedelta(days=2)  # Wednesday; nobody checked the Monday booking in
    new = booking_create(
        user=user, branch_service_id=service.pk, starts_at=at(MONDAY + dt.timedelta(days=2), 9), now=later
    )
    old.refresh_from_db()
    assert old.status == BookingStatus.EXPIRED
    assert new.status == BookingStatus.BOOKED


def test_administrators_cuti_bersama_closes_the_branch(service: Any) -> None:
    """A HolidayOverride (cuti bersama the library does not know) closes every branch that day."""
    from django.core.cache import cache

    from participants.rates.models import HolidayOverride

    wednesday = MONDAY + dt.timedelta(days=2)
    HolidayOverride.objects.create(date=wednesday, is_holiday=True, note="Cuti bersama")
    cache.clear()
    with pytest.raises(BookingError) as exc:
        booking_create(user=UserFactory(), branch_service_id=service.pk, starts_at=at(wednesday, 8), now=NOW)
    assert exc.value.code == "closed"
    from branches.selectors import free_slots

    assert wednesday not in [d.day for d in free_slots(branch_service=service, now=NOW)]
