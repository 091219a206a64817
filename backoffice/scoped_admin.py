"""A ModelAdmin base for staff pages scoped by role and branch (payments, rate tables).

- Everyone with a staff role may look (`view_roles`); nobody adds, changes or deletes unless a subclass
  says so (`has_*_permission`). Roles come from `accounts.roles`, never from per-user permissions.
- `scope_field` (path to the Branch foreign key) limits every queryset with `branch_scope_q`; an object
  outside the scope answers 404 on its change and history pages (not Django's redirect to the index,
  which would confirm it exists).
- History (django-simple-history) is shown, scoped the same way, and can never be reverted from the
  admin: corrections go through services.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import unquote
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin

from accounts.roles import StaffRole, branch_scope_q, staff_roles


class StaffScopedAdmin(ModelAdmin):
    scope_field: str | None = None
    view_roles: tuple[StaffRole, ...] = tuple(StaffRole)

    def _can_view(self, request: HttpRequest) -> bool:
        return bool(staff_roles(request.user) & set(self.view_roles))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if self.scope_field is not None:
            queryset = queryset.filter(branch_scope_q(request.user, self.scope_field))
        return queryset

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._can_view(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._can_view(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj


class StaffScopedHistoryAdmin(SimpleHistoryAdmin, StaffScopedAdmin):
    """`StaffScopedAdmin` for a model with `HistoricalRecords`: history scoped, never reverted."""

    def revert_disabled(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return True

    def _in_scope_or_404(self, request: HttpRequest, object_id: str) -> None:
        try:
            found = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, TypeError):
            found = False
        if not found:
            raise Http404

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        self._in_scope_or_404(request, object_id)
        if request.method != "GET":
            raise Http404  # viewing an old version only; reverting is disabled
        return super().history_form_view(request, object_id, version_id, extra_context)
