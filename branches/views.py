"""The participant's appointment pages: book, see, cancel (after a confirmation) and reschedule.

Thin views: a form parses, one service writes or one selector reads. Every booking is fetched through
`booking_get_for_user` (404 for anyone else's, logged as an IDOR attempt). The slot list is a partial:
with htmx, choosing a service swaps only `#slots`; without JavaScript the "Tampilkan slot" button does.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from branches.forms import BookingForm, ServiceForm, SlotForm
from branches.models import Booking, BookingStatus
from branches.selectors import (
    booking_get_for_user,
    bookings_of_user,
    branch_service_for_booking,
    free_slots,
)
from branches.services import BookingError, booking_cancel, booking_create, booking_reschedule
from participants.card.services import qr_svg
from participants.views.access import owned, request_user
from portal.htmx import render_page_or_partial


def _own_booking(request: HttpRequest, booking_id: uuid.UUID) -> Booking:
    user = request_user(request)
    return owned(
        request, "booking", booking_id, lambda: booking_get_for_user(user=user, booking_id=booking_id)
    )


def _is_upcoming(booking: Booking) -> bool:
    return booking.status == BookingStatus.BOOKED and booking.starts_at > timezone.now()


@login_required
@require_GET
def booking_list(request: HttpRequest) -> HttpResponse:
    bookings = list(bookings_of_user(user=request_user(request)))
    upcoming = [b for b in bookings if _is_upcoming(b)]
    past = [b for b in bookings if not _is_upcoming(b)]
    return render_page_or_partial(
        request, "branches/list.html", "bookings", {"upcoming": upcoming, "past": past}
    )


@login_required
@require_http_methods(["GET", "POST"])
def booking_new(request: HttpRequest) -> HttpResponse:
    """GET ?layanan=<id> lists the free slots of that branch service; POST books one."""
    status = 200
    if request.method == "POST":
        form: ServiceForm = BookingForm(request.POST)
        if form.is_valid():
            try:
                booking = booking_create(
                    user=request_user(request),
                    branch_service_id=form.cleaned_data["layanan"].pk,
                    starts_at=form.cleaned_data["slot"],
                )
            except BookingError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Janji temu Anda sudah dibuat."))
                return redirect("branches:detail", booking_id=booking.public_id)
        status = 400
    else:
        form = ServiceForm(request.GET or None)
        if form.is_bound:
            form.is_valid()
    chosen = form.cleaned_data.get("layanan") if form.is_bound else None
    context: dict[str, Any] = {
        "form": form,
        "chosen": chosen,
        "days": free_slots(branch_service=chosen) if chosen else [],
        "selected_slot": request.POST.get("slot", ""),
    }
    return render_page_or_partial(request, "branches/new.html", "slots", context, status=status)


@login_required
@require_GET
def booking_detail(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    booking = _own_booking(request, booking_id)
    context = {"booking": booking, "qr_svg": qr_svg(booking.code, scale=5), "upcoming": _is_upcoming(booking)}
    return render_page_or_partial(request, "branches/detail.html", "booking", context)


@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel_view(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    """GET asks for confirmation; POST cancels."""
    booking = _own_booking(request, booking_id)
    error = ""
    if request.method == "POST":
        try:
            booking_cancel(user=request_user(request), booking_id=booking.public_id)
        except BookingError as exc:
            error = exc.message
        else:
            messages.success(request, _("Janji temu sudah dibatalkan."))
            return redirect("branches:list")
    return render_page_or_partial(
        request,
        "branches/cancel.html",
        "confirm",
        {"booking": booking, "error": error, "upcoming": _is_upcoming(booking)},
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def booking_reschedule_view(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    booking = _own_booking(request, booking_id)
    form = SlotForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                booking_reschedule(
                    user=request_user(request),
                    booking_id=booking.public_id,
                    starts_at=form.cleaned_data["slot"],
                )
            except BookingError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Jadwal janji temu sudah diubah."))
                return redirect("branches:detail", booking_id=booking.public_id)
        status = 400
    days = free_slots(branch_service=branch_service_for_booking(booking)) if _is_upcoming(booking) else []
    context = {"booking": booking, "form": form, "days": days, "upcoming": _is_upcoming(booking)}
    return render_page_or_partial(request, "branches/reschedule.html", "slots", context, status=status)
