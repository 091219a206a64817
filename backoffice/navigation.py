"""Permission callbacks of the admin sidebar (UNFOLD["SIDEBAR"] in settings)."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.roles import StaffRole, has_role


def can_view_claims(request: HttpRequest) -> bool:
    return request.user.has_perm("claims.view_claim")


def can_view_participants(request: HttpRequest) -> bool:
    return request.user.has_perm("participants.view_participant")


def can_view_corrections(request: HttpRequest) -> bool:
    return request.user.has_perm("backoffice.view_correctionrequest")


def can_view_payments(request: HttpRequest) -> bool:
    return request.user.has_perm("contributions.view_payment")


def can_view_access_log(request: HttpRequest) -> bool:
    return has_role(request.user, StaffRole.AUDITOR, StaffRole.ADMINISTRATOR)


def is_administrator(request: HttpRequest) -> bool:
    return has_role(request.user, StaffRole.ADMINISTRATOR)
