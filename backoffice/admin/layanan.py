"""Staff review of participant service requests: every field is read-only, the queues are scoped to the
staff member's branch, and the steps of each kind's state table are buttons leading to a confirmation
page that calls the kind's step service (layanan.workflow.request_step underneath)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

import structlog
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from backoffice.admin.branch_scope import BranchScopedAdmin
from backoffice.services import admin_object_in_scope
from layanan.corrections import correction_step
from layanan.errors import ServiceRequestError
from layanan.merge import merge_step
from layanan.models import (
    CardReplacementRequest,
    ComplaintOutcome,
    DataCorrectionRequest,
    MergeRequest,
    Step,
    WageComplaint,
)
from layanan.requests import card_request_step, wage_complaint_step
from layanan.workflow import history_of
from portal.uploads.serving import private_file_response

log = structlog.get_logger(__name__)

FILE_FIELDS = ("document", "payslip")


class StepForm(forms.Form):
    """The fields of a step's confirmation page: the outcome where the step records one, the note for
    the participant (required where the step says so)."""

    def __init__(self, *args: Any, step: Step, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if step.outcome:
            self.fields["outcome"] = forms.ChoiceField(label=_("Hasil"), choices=ComplaintOutcome.choices)
        self.fields["note"] = forms.CharField(
            label=_("Catatan untuk peserta") if step.note else _("Catatan untuk peserta (tidak wajib)"),
            required=step.note,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 4}),
        )


class RequestAdmin(BranchScopedAdmin):
    """Every request kind: read-only fields, the attachment download, and its steps (Model.STEPS) as
    buttons on the change page leading to a confirmation page that calls `step_service` for one request.
    No bulk actions: every decision is taken on one request, like claims."""

    step_service: Callable[..., Any]
    actions = None
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
        names.append("history")
        if self.has_change_permission(request, obj):  # auditors see no buttons
            names.append("step_links")
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
            path(
                "<int:object_id>/aksi/<slug:slug>/",
                self.admin_site.admin_view(self.step_view),
                name=f"{app_label}_{model_name}_step",
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

    @admin.display(description=_("tindakan"))
    def step_links(self, obj: Any) -> str:
        """The steps allowed from the request's status, each a link to its confirmation page."""
        steps = obj.available_steps()
        if not steps:
            return "—"
        info = (obj._meta.app_label, obj._meta.model_name)
        return format_html_join(
            " ",
            '<a class="button" href="{}">{}</a>',
            ((reverse("admin:{}_{}_step".format(*info), args=[obj.pk, s.slug]), s.label) for s in steps),
        )

    @admin.display(description=_("riwayat"))
    def history(self, obj: Any) -> str:
        rows = history_of(obj)
        if not rows:
            return "—"
        labels = dict(obj._meta.get_field("status").choices)
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {} → {} ({}) {}</li>",
                (
                    (
                        date_format(timezone.localtime(h.created_at), "DATETIME_FORMAT"),
                        labels.get(h.from_status, h.from_status),
                        labels.get(h.to_status, h.to_status),
                        h.actor,
                        h.note,
                    )
                    for h in rows
                ),
            ),
        )

    def step_view(self, request: HttpRequest, object_id: int, slug: str) -> HttpResponse:
        """Confirmation page (GET) and execution (POST) of one step, as the claim actions do."""
        obj = admin_object_in_scope(self, request, object_id, what=self.model._meta.model_name or "")
        step = self.model.step(slug)
        if step is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        form = StepForm(request.POST or None, step=step)
        if request.method == "POST":
            if form.is_valid():
                try:
                    type(self).step_service(
                        slug=step.slug,
                        actor=request.user,
                        request_id=obj.public_id,
                        note=form.cleaned_data["note"],
                        outcome=form.cleaned_data.get("outcome", ""),
                    )
                except ServiceRequestError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, _("%(action)s: berhasil.") % {"action": step.label})
                return HttpResponseRedirect(change_url)
        elif step not in obj.available_steps():
            messages.error(
                request,
                _("Tindakan ini tidak tersedia untuk pengajuan berstatus %(status)s.")
                % {"status": obj.get_status_display()},
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": step.label,
            "item": obj,
            "step": step,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "layanan/admin/step.html", context)


@admin.register(MergeRequest)
class MergeRequestAdmin(RequestAdmin):
    step_service = merge_step
    list_display = ("created_at", "target", "status", "moved_idr", "branch", "decided_by")
    list_select_related = ("target", "branch", "decided_by")


@admin.register(DataCorrectionRequest)
class DataCorrectionRequestAdmin(RequestAdmin):
    step_service = correction_step
    list_display = ("created_at", "participant", "field", "status", "branch", "decided_by")
    list_filter = ("status", "field")
    list_select_related = ("participant", "branch", "decided_by")


@admin.register(CardReplacementRequest)
class CardReplacementRequestAdmin(RequestAdmin):
    step_service = card_request_step
    list_display = ("created_at", "participant", "reason", "booking", "status", "branch")
    list_filter = ("status", "reason")
    list_select_related = ("participant", "booking", "branch")


@admin.register(WageComplaint)
class WageComplaintAdmin(RequestAdmin):
    """The employer's branch queue of wage complaints."""

    step_service = wage_complaint_step
    list_display = ("created_at", "participant", "employer", "months", "status", "outcome", "branch")
    list_filter = ("status", "outcome")
    list_select_related = ("participant", "employer", "branch")
