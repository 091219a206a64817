"""Races on real PostgreSQL: the last seat goes to exactly one person; one account cannot hold two
active bookings of a service. Repeated, because one lucky run proves nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from branches.models import Booking, TimeSlot
from branches.services import BookingError, booking_create
from tests.branches.conftest import MONDAY, NOW, at, make_branch
from tests.concurrency import race
from tests.factories import UserFactory

ROUNDS = 5
RACERS = 4

pytestmark = pytest.mark.django_db(transaction=True)


def _book(user: Any, service_id: int, hour: int, minute: int = 0) -> Callable[[], Any]:
    return lambda: booking_create(
        user=user, branch_service_id=service_id, starts_at=at(MONDAY, hour, minute), now=NOW
    )


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_the_last_seat_goes_to_exactly_one_person(round_: int) -> None:
    service = make_branch(f"R{round_}", capacity=2)
    booking_create(user=UserFactory(), branch_service_id=service.pk, starts_at=at(MONDAY, 8), now=NOW)
    users = [UserFactory() for _ in range(RACERS)]
    results = race(*[_book(u, service.pk, 8) for u in users])
    winners = [r for r in results if isinstance(r, Booking)]
    losers = [r for r in results if isinstance(r, BookingError)]
    assert len(winners) == 1, results
    assert [e.code for e in losers] == ["full"] * (RACERS - 1)
    slot = TimeSlot.objects.get(branch_service=service)
    assert (slot.booked_count, slot.capacity) == (2, 2)
    assert Booking.objects.filter(slot=slot).count() == 2
    assert sorted(Booking.objects.filter(slot=slot).values_list("queue_number", flat=True)) == [1, 2]


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_first_booking_of_a_fresh_slot_underrace(round_: int) -> None:
    """Nobody has booked the slot yet: its row is created by the race itself."""
    service = make_branch(f"F{round_}", capacity=1)
    users = [UserFactory() for _ in range(RACERS)]
    results = race(*[_book(u, service.pk, 9, 30) for u in users])
    assert sum(isinstance(r, Booking) for r in results) == 1, results
    assert TimeSlot.objects.get(branch_service=service).booked_count == 1
    assert Booking.objects.count() == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_one_account_cannot_take_two_slots_of_one_service_at_once(round_: int) -> None:
    service = make_branch(f"D{round_}", capacity=3)
    user = UserFactory()
    results = race(_book(user, service.pk, 8), _book(user, service.pk, 9))
    assert sum(isinstance(r, Booking) for r in results) == 1, results
    assert [r.code for r in results if isinstance(r, BookingError)] == ["already_booked"]
    assert Booking.objects.filter(user=user).count() == 1
    assert sum(TimeSlot.objects.values_list("booked_count", flat=True)) == 1
