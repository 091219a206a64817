"""Staff queue of assisted identity verification: scoped to the branch of the KPJ the visitor typed
(StaffScopedAdmin; requests for an unknown KPJ only for national roles), read-only fields, the images
through the private storage (every look written to the access log), and the steps (schedule the video
call, record it, approve, reject with a reason) as buttons leading to a form that calls one service of
verification.review."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from accounts.roles import StaffRole, has_role, is_read_only
from backoffice.models import AccessKind
from backoffice.scoped_admin import StaffScopedAdmin
from backoffice.services import access_log_record, admin_object_in_scope
from portal.masking import mask_nik
from portal.uploads.serving import private_file_response
from portal.uploads.thumbnails import render_upload_thumbnail
from verification.errors import VerificationError
from verification.forms import ApproveForm, RecordCallForm, RejectForm, ScheduleCallForm
from verification.models import VerificationRequest, VerificationStatus
from verification.review import (
    allowed_steps,
    verification_approve,
    verification_record_call,
    verification_reject,
    verification_schedule_call,
)

S = VerificationStatus


def _schedule(actor: Any, request_id: Any, data: dict[str, Any]) -> Any:
    return verification_schedule_call(actor=actor, request_id=request_id, at=data["at"], link=data["link"])


def _record(actor: Any, request_id: Any, data: dict[str, Any]) -> Any:
    return verification_record_call(actor=actor, request_id=request_id, note=data["note"])


def _approve(actor: Any, request_id: Any, data: dict[str, Any]) -> Any:
    return verification_approve(actor=actor, request_id=request_id, note=data["note"])


def _reject(actor: Any, request_id: Any, data: dict[str, Any]) -> Any:
    return verification_reject(actor=actor, request_id=request_id, reason=data["reason"], note=data["note"])


# slug → (target status, label, form, service call)
STEPS: dict[str, tuple[str, Any, type[forms.Form], Callable[[Any, Any, dict[str, Any]], Any]]] = {
    "jadwalkan": (S.CALL_SCHEDULED, _("Jadwalkan panggilan video"), ScheduleCallForm, _schedule),
    "catat-panggilan": (S.CALL_DONE, _("Catat panggilan video"), RecordCallForm, _record),
    "setujui": (S.APPROVED, _("Setujui dan kirim tautan aktivasi"), ApproveForm, _approve),
    "tolak": (S.REJECTED, _("Tolak"), RejectForm, _reject),
}
IMAGES = {"ktp": "ktp_image", "swafoto": "selfie_image"}


@admin.register(VerificationRequest)
class VerificationRequestAdmin(StaffScopedAdmin):
    scope_field = "branch"
    actions = None
    list_display = (
        "created_at",
        "age",
        "kpj",
        "status",
        "identity_matched",
        "answers",
        "verifier_score",
        "thumbnails",
        "branch",
    )
    list_filter = ("status", "identity_matched")
    search_fields = ("kpj",)  # the typed KPJ (never a NIK: only its blind index is stored)
    list_select_related = ("branch",)
    ordering = ("created_at",)
    fields = readonly_fields = (
        "kpj",
        "participant",
        "nik_masked",
        "birth_date",
        "identity_matched",
        "email",
        "phone",
        "images",
        "images_delete_after",
        "images_deleted_at",
        "questions",
        "verifier_score",
        "verifier_name",
        "status",
        "call_at",
        "call_link",
        "call_recorded_at",
        "call_by",
        "call_note",
        "decided_at",
        "decided_by",
        "reject_reason",
        "decision_note",
        "activated_at",
        "consents",
        "history_rows",
        "step_links",
    )

    @admin.display(description=_("umur"))
    def age(self, obj: VerificationRequest) -> str:
        return timesince(obj.created_at, timezone.now())

    @admin.display(description=_("jawaban benar"))
    def answers(self, obj: VerificationRequest) -> str:
        return f"{obj.answers_correct}/2"

    @admin.display(description=_("NIK peserta"))
    def nik_masked(self, obj: VerificationRequest) -> str:
        return mask_nik(obj.participant.nik) if obj.participant else "—"

    def _image_url(self, obj: VerificationRequest, kind: str, *, preview: bool) -> str:
        url = reverse("admin:verification_verificationrequest_image", args=[obj.pk, kind])
        return f"{url}?pratinjau=1" if preview else url

    @admin.display(description=_("foto"))
    def thumbnails(self, obj: VerificationRequest) -> str:
        if not obj.has_images:
            return str(_("dihapus"))
        return format_html_join(
            " ",
            '<img src="{}" alt="{}" width="64" loading="lazy" data-image="{}">',
            ((self._image_url(obj, kind, preview=True), kind, kind) for kind in IMAGES),
        )

    @admin.display(description=_("foto KTP dan swafoto"))
    def images(self, obj: VerificationRequest) -> str:
        if not obj.has_images:
            return str(_("Sudah dihapus"))
        return format_html_join(
            " ",
            '<a href="{}" data-image-download="{}"><img src="{}" alt="{}" width="240"></a>',
            (
                (
                    self._image_url(obj, kind, preview=False),
                    kind,
                    self._image_url(obj, kind, preview=True),
                    kind,
                )
                for kind in IMAGES
            ),
        )

    @admin.display(description=_("pertanyaan"))
    def questions(self, obj: VerificationRequest) -> str:
        mark = {True: "✓", False: "✗"}
        return format_html(
            "<p>{}: {} {} <small>({})</small></p><p>{}: {} {}</p>",
            _("Pemberi kerja terakhir"),
            obj.employer_answer,
            mark[obj.employer_correct],
            ", ".join(obj.employer_options),
            _("Tahun iuran pertama"),
            obj.first_year_answer,
            mark[obj.first_year_correct],
        )

    @admin.display(description=_("persetujuan"))
    def consents(self, obj: VerificationRequest) -> str:
        return format_html_join(
            "",
            "<p>{} ({}) {}{}</p>",
            (
                (
                    c.get_purpose_display(),
                    c.text_version,
                    date_format(timezone.localtime(c.given_at), "DATETIME_FORMAT"),
                    f" — {_('ditarik')} {date_format(timezone.localtime(c.withdrawn_at), 'DATETIME_FORMAT')}"
                    if c.withdrawn_at
                    else "",
                )
                for c in obj.consents.all()
            ),
        )

    @admin.display(description=_("riwayat"))
    def history_rows(self, obj: VerificationRequest) -> str:
        labels = dict(S.choices)
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {} → {} ({}) {}</li>",
                (
                    (
                        date_format(timezone.localtime(h.created_at), "DATETIME_FORMAT"),
                        labels.get(h.from_status, "—"),
                        labels.get(h.to_status, h.to_status),
                        h.actor or _("peserta"),
                        h.note,
                    )
                    for h in obj.history.select_related("actor")
                ),
            ),
        )

    def _can_act(self, request: HttpRequest) -> bool:
        return not is_read_only(request.user) and has_role(
            request.user, StaffRole.REVIEWER, StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR
        )

    @admin.display(description=_("tindakan"))
    def step_links(self, obj: VerificationRequest) -> str:
        targets = allowed_steps(obj)
        links = [
            (reverse("admin:verification_verificationrequest_step", args=[obj.pk, slug]), label, slug)
            for slug, (target, label, _form, _call) in STEPS.items()
            if target in targets
        ]
        if not links:
            return "—"
        return format_html_join(
            " ", '<a class="button" href="{}" data-step="{}">{}</a>', ((u, s, lab) for u, lab, s in links)
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(self.readonly_fields)
        if not self._can_act(request):
            fields.remove("step_links")
        return fields

    get_fields = get_readonly_fields

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<uuid:object_id>/foto/<slug:kind>/",
                self.admin_site.admin_view(self.image_view),
                name="verification_verificationrequest_image",
            ),
            path(
                "<uuid:object_id>/aksi/<slug:slug>/",
                self.admin_site.admin_view(self.step_view),
                name="verification_verificationrequest_step",
            ),
            *super().get_urls(),
        ]

    def image_view(self, request: HttpRequest, object_id: Any, kind: str) -> HttpResponseBase:
        """A request's KTP photo or selfie (or its thumbnail with ?pratinjau=1) through the private
        storage, within the branch scope; every look is written to the access log."""
        if kind not in IMAGES:
            raise Http404
        obj = admin_object_in_scope(self, request, object_id, what="verification")
        name = getattr(obj, IMAGES[kind])
        if not name:
            raise Http404
        preview = request.GET.get("pratinjau") == "1"
        access_log_record(
            actor=request.user,  # type: ignore[arg-type]
            kind=AccessKind.DOCUMENTS,
            participant_id=obj.participant_id,
            detail=f"verifikasi {kind}{' (pratinjau)' if preview else ''}",
        )
        if preview:
            try:
                thumbnail = render_upload_thumbnail(name)
            except FileNotFoundError:
                raise Http404 from None
            return private_file_response(
                storage_name=thumbnail, download_name=f"{kind}-pratinjau.jpg", content_type="image/jpeg"
            )
        content_type = obj.ktp_content_type if kind == "ktp" else obj.selfie_content_type
        extension = ".png" if content_type == "image/png" else ".jpg"
        return private_file_response(
            storage_name=name, download_name=f"{kind}{extension}", content_type=content_type
        )

    def step_view(self, request: HttpRequest, object_id: Any, slug: str) -> HttpResponse:
        """The form of one step (GET) and its execution (POST) through verification.review."""
        obj = admin_object_in_scope(self, request, object_id, what="verification")
        if slug not in STEPS:
            raise Http404
        if not self._can_act(request):
            raise PermissionDenied
        target, label, form_class, call = STEPS[slug]
        change_url = reverse("admin:verification_verificationrequest_change", args=[obj.pk])
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                call(request.user, obj.pk, form.cleaned_data)
            except VerificationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("%(action)s: berhasil.") % {"action": label})
            return HttpResponseRedirect(change_url)
        if request.method == "GET" and target not in allowed_steps(obj):
            messages.error(
                request,
                _("Tindakan ini tidak tersedia untuk permintaan berstatus %(status)s.")
                % {"status": obj.get_status_display()},
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": label,
            "item": obj,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "verification/admin/step.html", context)
