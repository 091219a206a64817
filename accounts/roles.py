"""Staff roles and branch scope: the one place that says what a staff member may see.

Roles are Django groups with these exact names; a superuser counts as an administrator. Reviewers and
supervisors see their own branch only; auditors see every branch, read-only; administrators see all.
Every admin queryset and selector used by staff filters through `branch_scope_q`.

Identity layer (README, Architecture): the domain apps and the back office both ask these questions,
so they live below both; the groups themselves are created by backoffice/migrations/0003_staff_groups.py.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models import Q


class StaffRole(StrEnum):
    REVIEWER = "reviewer"  # petugas
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"  # national, read-only
    ADMINISTRATOR = "administrator"


_CACHE_ATTR = "_portal_staff_roles"


def staff_roles(user: Any) -> frozenset[StaffRole]:
    """The roles of an active staff user (empty for anyone else); cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if not (user.is_active and user.is_staff):
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    roles = {StaffRole(name) for name in user.groups.values_list("name", flat=True) if name in StaffRole}
    if user.is_superuser:
        roles.add(StaffRole.ADMINISTRATOR)
    result = frozenset(roles)
    setattr(user, _CACHE_ATTR, result)
    return result


def has_role(user: Any, *roles: StaffRole) -> bool:
    return bool(staff_roles(user) & set(roles))


def sees_all_branches(user: Any) -> bool:
    return has_role(user, StaffRole.AUDITOR, StaffRole.ADMINISTRATOR)


def is_read_only(user: Any) -> bool:
    """Auditors may look at everything and change nothing (unless they also hold another role)."""
    roles = staff_roles(user)
    return StaffRole.AUDITOR in roles and not (roles - {StaffRole.AUDITOR})


def branch_scope_q(user: Any, field: str = "branch") -> Q:
    """A filter limiting a queryset to what `user` may see; `field` is the path to the Branch FK
    (e.g. "participant__branch"). Nobody without a role, and no branch-bound staff without a branch,
    sees anything."""
    roles = staff_roles(user)
    if not roles:
        return Q(pk__in=[])
    if sees_all_branches(user):
        return Q()
    if user.branch_id is None:
        return Q(pk__in=[])
    return Q(**{f"{field}_id": user.branch_id})
