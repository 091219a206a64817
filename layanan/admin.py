"""Staff review of participant service requests: approve or reject (with a reason) through actions that
call the services; every field is read-only, the queues are scoped to the staff member's branch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from branches.admin_scope import BranchScopedAdmin
from layanan.corrections import correction_approve, correction_reject
from layanan.errors import ServiceRequestError
from layanan.merge import merge_approve, merge_reject
from layanan.models import CardReplacementRequest, DataCorrectionRequest, MergeRequest, WageComplaint
from layanan.requests import (
    card_request_approve,
    card_request_reject,
    wage_complaint_approve,
    wage_complaint_reject,
)


class RequestAdmin(BranchScopedAdmin):
    approve_service: Callable[..., Any]
    reject_service: Callable[..., Any]
    actions = ["approve", "reject"]
    list_filter: tuple[str, ...] = ("status",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields] + [f.name for f in self.model._meta.many_to_many]

    def _run(
        self, request: HttpRequest, queryset: QuerySet[Any], call: Callable[..., Any], done: str
    ) -> None:
        ok = 0
        for item in queryset:
            try:
                call(actor=request.user, request_id=item.public_id)
            except ServiceRequestError as exc:
                self.message_user(request, f"{item}: {exc.message}", messages.ERROR)
            else:
                ok += 1
        if ok:
            self.message_user(request, done % {"n": ok}, messages.SUCCESS)

    @admin.action(description=_("Setujui / tindak lanjuti pengajuan terpilih"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._run(request, queryset, type(self).approve_service, str(_("%(n)d pengajuan disetujui.")))

    @admin.action(description=_("Tolak pengajuan terpilih (dengan alasan)"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        note = request.POST.get("note", "").strip()
        if "apply" not in request.POST or not note:
            context = {
                **self.admin_site.each_context(request),
                "title": _("Tolak pengajuan"),
                "queryset": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "missing_note": "apply" in request.POST,
            }
            return TemplateResponse(request, "layanan/admin/reject.html", context)
        reject = type(self).reject_service
        self._run(
            request,
            queryset,
            lambda **kw: reject(note=note, **kw),
            str(_("%(n)d pengajuan ditolak.")),
        )
        return None


@admin.register(MergeRequest)
class MergeRequestAdmin(RequestAdmin):
    approve_service = merge_approve
    reject_service = merge_reject
    list_display = ("created_at", "target", "status", "moved_idr", "branch", "decided_by")
    list_select_related = ("target", "branch", "decided_by")


@admin.register(DataCorrectionRequest)
class DataCorrectionRequestAdmin(RequestAdmin):
    approve_service = correction_approve
    reject_service = correction_reject
    list_display = ("created_at", "participant", "field", "status", "branch", "decided_by")
    list_filter = ("status", "field")
    list_select_related = ("participant", "branch", "decided_by")
    exclude = ("nik_index",)


@admin.register(CardReplacementRequest)
class CardReplacementRequestAdmin(RequestAdmin):
    approve_service = card_request_approve
    reject_service = card_request_reject
    list_display = ("created_at", "participant", "reason", "booking", "status", "branch")
    list_filter = ("status", "reason")
    list_select_related = ("participant", "booking", "branch")


@admin.register(WageComplaint)
class WageComplaintAdmin(RequestAdmin):
    """The employer's branch queue of wage complaints."""

    approve_service = wage_complaint_approve
    reject_service = wage_complaint_reject
    list_display = ("created_at", "participant", "employer", "months", "status", "branch")
    list_select_related = ("participant", "employer", "branch")
