"""Read-only staff views of claims. The back office (actions calling claims.services) comes later;
status is never editable here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from claims.models import Claim, ClaimCheck, ClaimDocument, ClaimHistory, ClaimPayout


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ClaimHistoryInline(_ReadOnlyInline):
    model = ClaimHistory
    fields = ("created_at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields


class ClaimCheckInline(_ReadOnlyInline):
    model = ClaimCheck
    fields = ("code", "result", "message", "checked_at")
    readonly_fields = fields


class ClaimDocumentInline(_ReadOnlyInline):
    model = ClaimDocument
    fields = ("doc_type", "content_type", "size_bytes", "uploaded_at")
    readonly_fields = fields


class ClaimPayoutInline(_ReadOnlyInline):
    model = ClaimPayout
    fields = ("reference", "amount_idr", "tax_idr", "outcome", "bank_reference", "message", "finished_at")
    readonly_fields = fields


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("public_id", "participant", "reason", "status", "gross_idr", "due_date", "submitted_at")
    list_filter = ("status", "reason", "interview_required", "second_approval_required")
    search_fields = ("public_id", "participant__kpj")
    list_select_related = ("participant",)
    readonly_fields = [f.name for f in Claim._meta.fields]
    inlines = [ClaimCheckInline, ClaimDocumentInline, ClaimPayoutInline, ClaimHistoryInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
