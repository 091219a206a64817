"""Admin pages of the back office itself: the access log (auditors and administrators, read-only) and
balance corrections (maker-checker)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.admin import ModelAdmin
from unfold.paginator import InfinitePaginator

from accounts.roles import StaffRole, branch_scope_q, has_role
from backoffice.forms import ConfirmForm, RecordInterviewForm
from backoffice.models import AccessLog, CorrectionRequest, CorrectionStatus
from backoffice.services import BackofficeError, correction_request_approve, correction_request_reject


@admin.register(AccessLog)
class AccessLogAdmin(ModelAdmin):
    list_display = ("created_at", "actor", "kind", "participant", "claim", "detail")
    list_filter = ("kind",)
    search_fields = ("=participant__kpj", "actor__email")
    list_select_related = ("actor", "participant", "claim")
    paginator = InfinitePaginator
    show_full_result_count = False
    actions = None
    readonly_fields = ("created_at", "actor", "kind", "participant", "claim", "detail")

    def _auditor(self, request: HttpRequest) -> bool:
        return has_role(request.user, StaffRole.AUDITOR, StaffRole.ADMINISTRATOR)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._auditor(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._auditor(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(ModelAdmin):
    list_display = ("requested_at", "participant", "amount_idr", "status", "requested_by", "decided_by")
    list_filter = ("status",)
    search_fields = ("=participant__kpj",)
    list_select_related = ("participant", "requested_by", "decided_by")
    actions = None
    readonly_fields = (
        "participant",
        "amount_idr",
        "reason",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "decision_note",
        "ledger_entry",
    )
    fields = readonly_fields
    change_form_before_template = "backoffice/correction_actions.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[CorrectionRequest]:
        return super().get_queryset(request).filter(branch_scope_q(request.user, "participant__branch"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # proposed from the participant page (backoffice.services.correction_request_create)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/keputusan/<slug:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="backoffice_correctionrequest_decide",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        can_decide = request.user.has_perm("backoffice.approve_correctionrequest")
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "can_decide": can_decide}
        )

    def decide_view(self, request: HttpRequest, pk: int, decision: str) -> HttpResponse:
        """Confirmation (GET) and decision (POST) of a correction by a supervisor other than the maker."""
        if decision not in ("setujui", "tolak"):
            raise Http404
        if not request.user.has_perm("backoffice.approve_correctionrequest"):
            raise PermissionDenied
        correction = self.get_queryset(request).filter(pk=pk).first()
        if correction is None:
            raise Http404
        form_class = ConfirmForm if decision == "setujui" else RecordInterviewForm
        back = reverse("admin:backoffice_correctionrequest_change", args=[correction.pk])
        if request.method == "POST":
            form = form_class(request.POST)
            if form.is_valid():
                try:
                    if decision == "setujui":
                        correction_request_approve(
                            actor=request.user,  # type: ignore[arg-type]
                            request_id=correction.public_id,
                            note=form.cleaned_data["note"],
                        )
                    else:
                        correction_request_reject(
                            actor=request.user,  # type: ignore[arg-type]
                            request_id=correction.public_id,
                            note=form.cleaned_data["note"],
                        )
                except BackofficeError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, _("Keputusan koreksi disimpan."))
                return HttpResponseRedirect(back)
        else:
            if correction.status != CorrectionStatus.PENDING:
                messages.error(request, _("Koreksi ini sudah diputuskan."))
                return HttpResponseRedirect(back)
            form = form_class()
        context = {
            **self.admin_site.each_context(request),
            "opts": CorrectionRequest._meta,
            "title": DECISION_TITLES[decision],
            "correction": correction,
            "form": form,
        }
        return TemplateResponse(request, "backoffice/correction_decide.html", context)


DECISION_TITLES = {
    "setujui": gettext_lazy("Setujui koreksi saldo"),
    "tolak": gettext_lazy("Tolak koreksi saldo"),
}
