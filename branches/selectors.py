"""Reading branches' calendars and the participants' bookings. Bookings only through the user."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from branches.availability import DaySlots, Window, booking_days, build_days, public_holidays
from branches.models import Booking, BookingStatus, BranchService, DayOverride, OpeningHours, TimeSlot
from participants.models import User


def bookable_services() -> QuerySet[BranchService]:
    """Active services of every branch, for the booking form."""
    return (
        BranchService.objects.filter(active=True).select_related("branch").order_by("branch__code", "service")
    )


def branch_calendar(
    *, branch_id: int, first: dt.date, last: dt.date
) -> tuple[dict[int, Window], dict[dt.date, Window | None]]:
    """The branch's weekly hours and its overrides between `first` and `last` (two queries)."""
    weekly = {
        h.weekday: Window(h.opens_at, h.closes_at) for h in OpeningHours.objects.filter(branch_id=branch_id)
    }
    overrides: dict[dt.date, Window | None] = {}
    for o in DayOverride.objects.filter(branch_id=branch_id, date__range=(first, last)):
        overrides[o.date] = (
            Window(o.opens_at, o.closes_at) if o.is_open and o.opens_at and o.closes_at else None
        )
    return weekly, overrides


def free_slots(*, branch_service: BranchService, now: dt.datetime | None = None) -> list[DaySlots]:
    """The open days of the next `BOOKING_DAYS` days with their future slots and free seats (3 queries)."""
    now = now or timezone.now()
    days = booking_days(timezone.localdate(now))
    weekly, overrides = branch_calendar(branch_id=branch_service.branch_id, first=days[0], last=days[-1])
    rows = TimeSlot.objects.filter(
        branch_service=branch_service,
        starts_at__gte=timezone.make_aware(dt.datetime.combine(days[0], dt.time.min)),
        starts_at__lt=timezone.make_aware(dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time.min)),
    ).values_list("starts_at", "capacity", "booked_count")
    booked = {start: (cap, count) for start, cap, count in rows}
    return build_days(
        days=days,
        weekly=weekly,
        overrides=overrides,
        slot_minutes=branch_service.slot_minutes,
        capacity=branch_service.capacity,
        booked=booked,
        now=now,
        holidays=public_holidays(days[0], days[-1]),
    )


def bookings_of_user(*, user: User) -> QuerySet[Booking]:
    """The account's bookings, upcoming first, with the branch."""
    return Booking.objects.filter(user=user).select_related("branch").order_by("-starts_at")


def active_bookings_of_user(*, user: User) -> QuerySet[Booking]:
    return bookings_of_user(user=user).filter(status=BookingStatus.BOOKED, starts_at__gt=timezone.now())


def booking_get_for_user(*, user: User, booking_id: uuid.UUID | str) -> Booking:
    """One of the user's bookings by its public id; 404 for anything else (someone else's included)."""
    try:
        return bookings_of_user(user=user).get(public_id=booking_id)
    except (Booking.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def branch_service_for_booking(booking: Booking) -> BranchService:
    return BranchService.objects.select_related("branch").get(pk=booking.slot.branch_service_id)
