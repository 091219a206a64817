"""Staff review of participant service requests: approve or reject (with a reason) through actions that
call the services; every field is read-only, the queues are scoped to the staff member's branch."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

import structlog
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
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
from portal.uploads.serving import private_file_response

log = structlog.get_logger(__name__)

FILE_FIELDS = ("document", "payslip")


class RequestAdmin(BranchScopedAdmin):
    approve_service: Callable[..., Any]
    reject_service: Callable[..., Any]
    actions = ["approve", "reject"]
    list_filter: tuple[str, ...] = ("status",)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_readonly_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        names = [
            f.name
            for f in [*self.model._meta.fields, *self.model._meta.many_to_many]
            if f.name not in {"id", "nik_index", *FILE_FIELDS}
        ]
        if any(f.name in FILE_FIELDS for f in self.model._meta.fields):
            names.append("attachment")
        return names

    @admin.display(description=_("lampiran"))
    def attachment(self, obj: Any) -> str:
        """A link to the staff download view: the private file has no public URL."""
        if not self._file(obj):
            return "—"
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_attachment", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Unduh lampiran"))

    @staticmethod
    def _file(obj: Any) -> Any:
        for name in FILE_FIELDS:
            field = getattr(obj, name, None)
            if field:
                return field
        return None

    def get_urls(self) -> list[URLPattern]:
        app_label, model_name = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<int:object_id>/lampiran/",
                self.admin_site.admin_view(self.attachment_view),
                name=f"{app_label}_{model_name}_attachment",
            ),
            *super().get_urls(),
        ]

    def attachment_view(self, request: HttpRequest, object_id: int) -> HttpResponseBase:
        """Staff download of a request's upload, within the branch scope; every access is logged."""
        obj = self.get_queryset(request).filter(pk=object_id).first()
        if obj is None or not self.has_view_permission(request, obj) or not self._file(obj):
            raise Http404
        log.info(
            "staff.attachment_access", actor_id=request.user.pk, model=self.model.__name__, object_id=obj.pk
        )
        name = self._file(obj).name
        return private_file_response(
            storage_name=name,
            download_name=f"lampiran{PurePosixPath(name).suffix}",
            content_type=obj.content_type,
        )

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
