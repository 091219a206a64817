"""Admin permissions from the back-office roles (accounts/roles.py) for the branch-scoped admins of
the `branches` and `layanan` apps: every role may look (within its branch scope), auditors change
nothing, nobody adds or deletes (rows are created by participants' services; staff act through
actions that call services)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from unfold.admin import ModelAdmin

from accounts.roles import branch_scope_q, is_read_only, staff_roles


class BranchScopedAdmin(ModelAdmin):
    branch_field = "branch"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(branch_scope_q(request.user, self.branch_field))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(staff_roles(request.user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(staff_roles(request.user))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(staff_roles(request.user)) and not is_read_only(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BranchConfigAdmin(BranchScopedAdmin):
    """Opening hours, services and day overrides: staff of the branch may add and edit their own."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "branch":
            kwargs["queryset"] = configurable_branches(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def configurable_branches(user: Any) -> QuerySet[Any]:
    """The branches whose hours and services `user` may edit: all (auditors excluded, read-only anyway,
    and administrators), their own branch, or none."""
    from participants.models import Branch

    scope = branch_scope_q(user, "branch")
    if scope == Q():
        return Branch.objects.all()
    if user.branch_id is not None and scope == Q(branch_id=user.branch_id):
        return Branch.objects.filter(pk=user.branch_id)
    return Branch.objects.none()
