"""Pending effects (portal/effects): the work committed changes still owe, with its age.

Read-only for administrators, supervisors and auditors. Administrators and supervisors may send a
stuck or failed effect again now ("Kirim ulang sekarang"); the task is idempotent by the row's id, so
sending one that is in fact running or done changes nothing. README, Operations, says when to.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.admin import ModelAdmin

from accounts.roles import StaffRole, has_role
from portal.effects.models import Effect, EffectStatus
from portal.effects.services import effect_requeue

UNFINISHED = (EffectStatus.PENDING, EffectStatus.STARTED, EffectStatus.FAILED)


class StatusFilter(admin.SimpleListFilter):
    """Unfinished effects first: done ones are history, shown only when asked for."""

    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("all", gettext_lazy("Semua")), *EffectStatus.choices]

    def choices(self, changelist: Any) -> Any:
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Belum selesai"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Effect]) -> QuerySet[Effect]:
        value = self.value()
        if value is None:
            return queryset.filter(status__in=UNFINISHED)
        if value == "all":
            return queryset
        return queryset.filter(status=value)


@admin.register(Effect)
class EffectAdmin(ModelAdmin):
    list_display = ("created_at", "age", "task", "args", "status", "attempts", "due_at", "error")
    list_filter = (StatusFilter, "task")
    ordering = ("created_at",)
    actions = ["requeue_now"]
    readonly_fields = (
        "task",
        "args",
        "status",
        "attempts",
        "created_at",
        "due_at",
        "started_at",
        "done_at",
        "last_error",
    )

    def _can_view(self, request: HttpRequest) -> bool:
        return has_role(request.user, StaffRole.ADMINISTRATOR, StaffRole.SUPERVISOR, StaffRole.AUDITOR)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._can_view(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can_view(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_requeue_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, StaffRole.ADMINISTRATOR, StaffRole.SUPERVISOR)

    @admin.display(description=gettext_lazy("umur"))
    def age(self, effect: Effect) -> str:
        end = effect.done_at or timezone.now()
        return timesince(effect.created_at, end)

    @admin.display(description=gettext_lazy("galat terakhir"))
    def error(self, effect: Effect) -> str:
        return effect.last_error[:80]

    @admin.action(description=gettext_lazy("Kirim ulang sekarang"), permissions=["requeue"])
    def requeue_now(self, request: HttpRequest, queryset: QuerySet[Effect]) -> None:
        sent = sum(effect_requeue(effect_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(
            request, _("%(count)d efek dikirim ulang.") % {"count": sent}, level=messages.SUCCESS
        )
