"""Booking, cancelling, rescheduling and handling branch appointments.

The last seat of a slot goes to exactly one person: a seat is taken with one conditional UPDATE
(`booked_count = booked_count + 1 WHERE booked_count < capacity`), which PostgreSQL serialises on the
slot row, and a CHECK constraint refuses an overbooked row besides. "One active booking per service" is a
partial unique index, so two parallel bookings of one account cannot both succeed either.
Every refusal raises `BookingError(code, message)`, is logged with its code, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.ratelimit import ratelimit_hit
from accounts.roles import branch_scope_q, is_read_only
from branches.availability import booking_days, day_window, public_holidays, slot_starts
from branches.models import Booking, BookingStatus, BranchService, TimeSlot
from branches.selectors import booking_get_for_user, branch_calendar
from participants.models import User

log = structlog.get_logger(__name__)

# Booking, cancelling and rescheduling together, per account (limit, window in seconds).
DEFAULT_RATE_LIMIT = (10, 3600)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out at the counter


class BookingError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


def _refuse(code: str, message: str, **fields: Any) -> BookingError:
    log.info("booking.refused", code=code, **fields)
    return BookingError(code, message)


def new_booking_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def _check_rate(user: User) -> None:
    limit, window = getattr(settings, "BRANCHES_BOOKING_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    if not ratelimit_hit(key=f"booking:{user.pk}", limit=limit, window_seconds=window):
        raise _refuse(
            "rate_limited",
            _("Terlalu banyak perubahan janji temu dalam waktu singkat. Coba lagi dalam satu jam."),
            user_id=user.pk,
        )


def _validate_start(*, branch_service: BranchService, starts_at: dt.datetime, now: dt.datetime) -> None:
    """Refuse a start that is past, beyond the booking window, on a closed day or not a slot start."""
    if starts_at <= now:
        raise _refuse("past_slot", _("Slot ini sudah lewat. Pilih slot lain."))
    local = timezone.localtime(starts_at)
    days = booking_days(timezone.localdate(now))
    if local.date() > days[-1]:
        raise _refuse("too_far", _("Janji temu hanya dapat dibuat untuk 14 hari ke depan."))
    weekly, overrides = branch_calendar(
        branch_id=branch_service.branch_id, first=local.date(), last=local.date()
    )
    window = day_window(
        local.date(), weekly=weekly, overrides=overrides, holidays=public_holidays(local.date(), local.date())
    )
    if window is None:
        raise _refuse("closed", _("Kantor cabang tutup pada hari itu. Pilih hari lain."))
    if starts_at not in slot_starts(local.date(), window, branch_service.slot_minutes):
        raise _refuse("not_a_slot", _("Waktu ini bukan slot layanan kantor cabang. Pilih slot dari daftar."))


def _take_seat(*, branch_service: BranchService, starts_at: dt.datetime) -> tuple[TimeSlot, int]:
    """Take one seat in the slot (creating its row on first use); returns the slot and queue number.
    Must run inside a transaction; raises BookingError("full")."""
    slot, _created = TimeSlot.objects.get_or_create(
        branch_service=branch_service,
        starts_at=starts_at,
        defaults={
            "ends_at": starts_at + dt.timedelta(minutes=branch_service.slot_minutes),
            "capacity": branch_service.capacity,
        },
    )
    taken = TimeSlot.objects.filter(pk=slot.pk, booked_count__lt=F("capacity")).update(
        booked_count=F("booked_count") + 1, issued_count=F("issued_count") + 1
    )
    if taken != 1:
        raise _refuse("full", _("Slot ini sudah penuh. Pilih slot lain."), slot_id=slot.pk)
    slot.refresh_from_db(fields=["booked_count", "issued_count", "capacity"])
    return slot, slot.issued_count


def _release_seat(slot_id: int) -> None:
    TimeSlot.objects.filter(pk=slot_id, booked_count__gt=0).update(booked_count=F("booked_count") - 1)


def booking_create(
    *, user: User, branch_service_id: int, starts_at: dt.datetime, now: dt.datetime | None = None
) -> Booking:
    """Book a seat for the account. Guarantees: at most `capacity` bookings per slot and one active
    booking per account and service, also under concurrency (a past booking that staff never handled
    is closed as "expired" first). Raises BookingError ("rate_limited",
    "unknown_service", "past_slot", "too_far", "closed", "not_a_slot", "already_booked", "full");
    nothing changes on a refusal. Not idempotent: a second call is refused with "already_booked"."""
    now = now or timezone.now()
    _check_rate(user)
    branch_service = (
        BranchService.objects.filter(pk=branch_service_id, active=True).select_related("branch").first()
    )
    if branch_service is None:
        raise _refuse("unknown_service", _("Layanan ini tidak tersedia. Pilih layanan dari daftar."))
    _validate_start(branch_service=branch_service, starts_at=starts_at, now=now)
    # A past booking nobody checked in must not block the next one: close it as "terlewat".
    Booking.objects.filter(
        user=user, service=branch_service.service, status=BookingStatus.BOOKED, starts_at__lt=now
    ).update(status=BookingStatus.EXPIRED)
    if Booking.objects.filter(
        user=user, service=branch_service.service, status=BookingStatus.BOOKED
    ).exists():
        raise _already_booked(user)
    try:
        with transaction.atomic():
            slot, number = _take_seat(branch_service=branch_service, starts_at=starts_at)
            booking = Booking.objects.create(
                code=new_booking_code(),
                user=user,
                branch=branch_service.branch,
                service=branch_service.service,
                slot=slot,
                starts_at=starts_at,
                queue_number=number,
            )
    except IntegrityError as exc:
        if "booking_one_active_per_service" in str(exc):
            raise _already_booked(user) from exc
        raise
    log.info("booking.created", booking_id=str(booking.public_id), slot_id=slot.pk, user_id=user.pk)
    return booking


def _already_booked(user: User) -> BookingError:
    return _refuse(
        "already_booked",
        _("Anda sudah punya janji temu aktif untuk layanan ini. Ubah jadwalnya atau batalkan dulu."),
        user_id=user.pk,
    )


def _locked_own_booking(*, user: User, booking_id: uuid.UUID | str, now: dt.datetime) -> Booking:
    pk = booking_get_for_user(user=user, booking_id=booking_id).pk
    booking = Booking.objects.select_for_update().select_related("slot__branch_service__branch").get(pk=pk)
    if booking.status != BookingStatus.BOOKED:
        raise _refuse("not_active", _("Janji temu ini sudah tidak aktif."), booking_id=str(booking.public_id))
    if booking.starts_at <= now:
        raise _refuse("started", _("Janji temu yang sudah lewat tidak dapat diubah."))
    return booking


def booking_cancel(*, user: User, booking_id: uuid.UUID | str, now: dt.datetime | None = None) -> Booking:
    """Cancel the user's future booking and free its seat. Raises Http404 for a booking that is not the
    user's, BookingError "not_active"/"started"/"rate_limited"; nothing changes on a refusal."""
    now = now or timezone.now()
    _check_rate(user)
    with transaction.atomic():
        booking = _locked_own_booking(user=user, booking_id=booking_id, now=now)
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at"])
        _release_seat(booking.slot_id)
    log.info("booking.cancelled", booking_id=str(booking.public_id), user_id=user.pk)
    return booking


def booking_reschedule(
    *, user: User, booking_id: uuid.UUID | str, starts_at: dt.datetime, now: dt.datetime | None = None
) -> Booking:
    """Move the user's future booking to another slot of the same branch service, keeping its code.
    The new seat is taken before the old one is freed, in one transaction: on "full" (or any refusal)
    the booking keeps its old slot."""
    now = now or timezone.now()
    _check_rate(user)
    with transaction.atomic():
        booking = _locked_own_booking(user=user, booking_id=booking_id, now=now)
        branch_service = booking.slot.branch_service
        if starts_at == booking.starts_at:
            raise _refuse("same_slot", _("Pilih slot yang berbeda dari jadwal sekarang."))
        _validate_start(branch_service=branch_service, starts_at=starts_at, now=now)
        old_slot_id = booking.slot_id
        slot, number = _take_seat(branch_service=branch_service, starts_at=starts_at)
        _release_seat(old_slot_id)
        booking.slot = slot
        booking.starts_at = starts_at
        booking.queue_number = number
        booking.reminder_sent_at = None
        booking.save(update_fields=["slot", "starts_at", "queue_number", "reminder_sent_at"])
    log.info("booking.rescheduled", booking_id=str(booking.public_id), user_id=user.pk)
    return booking


# --- Staff ----------------------------------------------------------------------------------------


def _locked_staff_booking(*, actor: User, booking_id: uuid.UUID | str) -> Booking:
    if is_read_only(actor):
        raise _refuse("read_only", _("Auditor hanya dapat melihat data."), actor_id=actor.pk)
    booking = (
        Booking.objects.select_for_update()
        .filter(branch_scope_q(actor, "branch"), public_id=booking_id)
        .first()
    )
    if booking is None:
        raise _refuse("not_found", _("Janji temu tidak ditemukan di kantor cabang Anda."), actor_id=actor.pk)
    return booking


def booking_check_in(*, actor: User, booking_id: uuid.UUID | str, now: dt.datetime | None = None) -> Booking:
    """Staff of the booking's branch mark the participant as arrived, on the day of the booking.
    Idempotent for an already checked-in booking; raises BookingError otherwise."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_staff_booking(actor=actor, booking_id=booking_id)
        if booking.status == BookingStatus.CHECKED_IN:
            return booking
        if booking.status != BookingStatus.BOOKED:
            raise _refuse("not_active", _("Janji temu ini sudah tidak aktif."))
        if timezone.localdate(booking.starts_at) != timezone.localdate(now):
            raise _refuse("not_today", _("Check-in hanya dapat dilakukan pada hari janji temu."))
        booking.status = BookingStatus.CHECKED_IN
        booking.checked_in_at = now
        booking.handled_by = actor
        booking.save(update_fields=["status", "checked_in_at", "handled_by"])
    log.info("booking.checked_in", booking_id=str(booking.public_id), actor_id=actor.pk)
    return booking


def booking_mark_no_show(
    *, actor: User, booking_id: uuid.UUID | str, now: dt.datetime | None = None
) -> Booking:
    """Staff mark a booking whose slot has ended without the participant as "tidak hadir".
    Idempotent for a booking already marked; raises BookingError otherwise."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_staff_booking(actor=actor, booking_id=booking_id)
        if booking.status == BookingStatus.NO_SHOW:
            return booking
        if booking.status != BookingStatus.BOOKED:
            raise _refuse("not_active", _("Janji temu ini sudah tidak aktif."))
        if booking.starts_at > now:
            raise _refuse("not_started", _("Tidak hadir hanya dapat dicatat setelah jadwalnya dimulai."))
        booking.status = BookingStatus.NO_SHOW
        booking.handled_by = actor
        booking.save(update_fields=["status", "handled_by"])
    log.info("booking.no_show", booking_id=str(booking.public_id), actor_id=actor.pk)
    return booking
