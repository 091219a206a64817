"""Recovery cases ("Bukan saya" freezes) for branch staff: the queue scoped to the participant's branch,
read-only fields, and one action, unfreezing with a reason (accounts.security_events)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import RecoveryCase, RecoveryStatus
from accounts.security_events import RecoveryError, recovery_case_unfreeze
from backoffice.admin.branch_scope import BranchScopedAdmin
from backoffice.services import admin_object_in_scope

UNFREEZE_ERRORS = {
    "not_staff": _("Anda tidak berwenang membuka pembekuan akun."),
    "other_branch": _("Kasus ini bukan milik kantor cabang Anda."),
    "reason_missing": _("Tulis alasan membuka pembekuan."),
    "closed": _("Kasus ini sudah tidak dibekukan."),
}


class UnfreezeForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan membuka pembekuan (identitas diperiksa bagaimana)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@admin.register(RecoveryCase)
class RecoveryCaseAdmin(BranchScopedAdmin):
    list_display = ("opened_at", "participant", "event_kind", "status", "branch", "closed_by")
    list_filter = ("status",)
    list_select_related = ("participant", "event", "branch", "closed_by")
    ordering = ("-opened_at",)
    actions = None
    fields = (
        "participant",
        "user",
        "branch",
        "event_kind",
        "event_time",
        "status",
        "opened_at",
        "closed_at",
        "closed_by",
        "close_reason",
        "unfreeze_link",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return self.fields

    @admin.display(description=_("peristiwa"))
    def event_kind(self, obj: RecoveryCase) -> str:
        return str(obj.event.get_kind_display()) if obj.event else "—"

    @admin.display(description=_("waktu peristiwa"))
    def event_time(self, obj: RecoveryCase) -> Any:
        return obj.event.created_at if obj.event else "—"

    @admin.display(description=_("tindakan"))
    def unfreeze_link(self, obj: RecoveryCase) -> str:
        if obj.status != RecoveryStatus.OPEN:
            return "—"
        url = reverse("admin:accounts_recoverycase_unfreeze", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Buka pembekuan"))

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:object_id>/buka-pembekuan/",
                self.admin_site.admin_view(self.unfreeze_view),
                name="accounts_recoverycase_unfreeze",
            ),
            *super().get_urls(),
        ]

    def unfreeze_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Confirmation page (GET) and unfreeze (POST) of one case, within the branch scope."""
        case = admin_object_in_scope(self, request, object_id, what="recovery_case")
        if not self.has_change_permission(request, case):
            raise PermissionDenied
        change_url = reverse("admin:accounts_recoverycase_change", args=[case.pk])
        form = UnfreezeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                recovery_case_unfreeze(
                    actor=request.user,  # type: ignore[arg-type]
                    case_id=case.public_id,
                    reason=form.cleaned_data["reason"],
                )
            except RecoveryError as error:
                messages.error(request, UNFREEZE_ERRORS.get(error.reason, error.reason))
            else:
                messages.success(request, _("Pembekuan akun dibuka."))
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Buka pembekuan akun"),
            "item": case,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "backoffice/recovery_unfreeze.html", context)
