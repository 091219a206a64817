"""Staff side of the antrian online: today's list of the branch, check-in and no-show actions, and the
branch's services, opening hours and day overrides (holiday openings, extra closures)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.admin.branch_scope import BranchConfigAdmin, BranchScopedAdmin
from branches.models import Booking, BranchService, DayOverride, OpeningHours
from branches.services import BookingError, booking_check_in, booking_mark_no_show


class DayFilter(admin.SimpleListFilter):
    """Today's list by default: the queue at the counter."""

    title = _("tanggal")
    parameter_name = "hari"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("today", _("Hari ini")), ("tomorrow", _("Besok")), ("all", _("Semua"))]

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "today") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value() or "today"
        if value == "all":
            return queryset
        day = timezone.localdate() + dt.timedelta(days=1 if value == "tomorrow" else 0)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        return queryset.filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))


@admin.register(Booking)
class BookingAdmin(BranchScopedAdmin):
    list_display = ("starts_at", "queue_number", "code", "service", "participant_name", "status", "branch")
    list_filter = (DayFilter, "status", "service")
    search_fields = ("code",)
    ordering = ("starts_at", "queue_number")
    list_select_related = ("branch", "user")
    readonly_fields = (
        "code",
        "user",
        "branch",
        "service",
        "starts_at",
        "queue_number",
        "status",
        "note",
        "created_at",
        "cancelled_at",
        "checked_in_at",
        "handled_by",
        "reminder_sent_at",
    )
    exclude = ("slot",)
    actions = ["check_in", "mark_no_show"]

    @admin.display(description=_("peserta"))
    def participant_name(self, obj: Booking) -> str:
        return obj.user.get_full_name() or obj.user.email

    def _run(self, request: HttpRequest, queryset: QuerySet[Booking], service: Any, done: str) -> None:
        ok = 0
        for booking in queryset:
            try:
                service(actor=request.user, booking_id=booking.public_id)
            except BookingError as exc:
                self.message_user(request, f"{booking.code}: {exc.message}", messages.ERROR)
            else:
                ok += 1
        if ok:
            self.message_user(request, done % {"n": ok}, messages.SUCCESS)

    @admin.action(description=_("Check-in: peserta sudah hadir"), permissions=["change"])
    def check_in(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        self._run(request, queryset, booking_check_in, str(_("%(n)d peserta dicatat hadir.")))

    @admin.action(description=_("Tandai tidak hadir"), permissions=["change"])
    def mark_no_show(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        self._run(request, queryset, booking_mark_no_show, str(_("%(n)d janji temu dicatat tidak hadir.")))


@admin.register(BranchService)
class BranchServiceAdmin(BranchConfigAdmin):
    list_display = ("branch", "service", "slot_minutes", "capacity", "active")
    list_filter = ("service", "active")
    list_select_related = ("branch",)


@admin.register(OpeningHours)
class OpeningHoursAdmin(BranchConfigAdmin):
    list_display = ("branch", "weekday", "opens_at", "closes_at")
    list_select_related = ("branch",)


@admin.register(DayOverride)
class DayOverrideAdmin(BranchConfigAdmin):
    list_display = ("branch", "date", "is_open", "opens_at", "closes_at", "reason")
    list_filter = ("is_open",)
    list_select_related = ("branch",)
