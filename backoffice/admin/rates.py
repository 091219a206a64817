"""Figure tables (rates, development returns, discount programmes), their change proposals, and holiday
overrides in the back office.

Figures change only under maker-checker (participants/rates/proposals.py): every staff role may look at
the tables, nobody adds, edits or deletes a row here; a staff member allowed to propose opens a proposal
from a table ("Usulkan ...") and a different one allowed to approve decides it on the proposal's page.
The proposal pages are the history: who proposed what with which source and reason, who decided when,
and each affected row before and after. Each row's own history (django-simple-history) names the approver
and the proposal.

Holiday overrides are a calendar correction, not a figure: administrators still edit them directly, only
for dates after today (due dates already counted over a day are stored on claims).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.decorators import action as unfold_action

from accounts.roles import StaffRole, has_role
from backoffice.figure_forms import PROPOSAL_FORMS, TARGETED, DecisionForm, RejectionForm
from backoffice.scoped_admin import StaffScopedAdmin, StaffScopedHistoryAdmin
from participants.rates.changes import change_of
from participants.rates.models import (
    DevelopmentRate,
    DiscountProgramme,
    FigureChange,
    FigureProposal,
    HolidayOverride,
    ProposalStatus,
    Rate,
)
from participants.rates.proposals import (
    ProposalError,
    can_decide,
    can_propose,
    figure_proposal_approve,
    figure_proposal_create,
    figure_proposal_reject,
)


def propose_url(kind: str, **params: Any) -> str:
    """The proposal page of `kind`, prefilled from `params` (see FigureProposalAdmin.propose_view)."""
    url = reverse("admin:participants_figureproposal_propose", args=[kind])
    query = {k: v for k, v in params.items() if v is not None}
    return f"{url}?{urlencode(query)}" if query else url


class _ReadOnlyFigures(StaffScopedHistoryAdmin):
    """Every staff role looks; rows change only through approved proposals."""

    actions = None

    def has_propose_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        return can_propose(request.user)


@admin.register(Rate)
class RateAdmin(_ReadOnlyFigures):
    list_display = (
        "program",
        "segment",
        "component",
        "value",
        "unit",
        "effective_from",
        "effective_to",
        "in_force",
        "confidence",
        "source",
    )
    list_filter = ("program", "segment", "unit", "confidence")
    search_fields = ("component", "source")
    ordering = ("program", "segment", "component", "-effective_from")
    actions_list = ["propose_rate"]
    actions_detail = ["propose_successor", "propose_end"]

    @admin.display(description=gettext_lazy("sudah berlaku"), boolean=True)
    def in_force(self, obj: Rate) -> bool:
        return obj.effective_from <= timezone.localdate()

    @unfold_action(description=gettext_lazy("Usulkan tarif baru"), permissions=["propose"])
    def propose_rate(self, request: HttpRequest) -> HttpResponse:
        return redirect(propose_url(FigureChange.RATE_ADD))

    @unfold_action(description=gettext_lazy("Usulkan angka pengganti"), permissions=["propose"])
    def propose_successor(self, request: HttpRequest, object_id: str) -> HttpResponse:
        rate = self.get_object(request, object_id)
        return redirect(
            propose_url(
                FigureChange.RATE_ADD,
                program=rate.program,
                segment=rate.segment,
                component=rate.component,
                unit=rate.unit,
            )
        )

    @unfold_action(description=gettext_lazy("Usulkan tanggal akhir"), permissions=["propose"])
    def propose_end(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return redirect(propose_url(FigureChange.RATE_END, baris=self.get_object(request, object_id).pk))


@admin.register(DiscountProgramme)
class DiscountProgrammeAdmin(_ReadOnlyFigures):
    list_display = ("label", "segment", "percent", "first_period", "last_period", "confidence", "source")
    list_filter = ("segment", "confidence")
    actions_list = ["propose_programme"]
    actions_detail = ["propose_last_period"]

    @unfold_action(description=gettext_lazy("Usulkan program diskon"), permissions=["propose"])
    def propose_programme(self, request: HttpRequest) -> HttpResponse:
        return redirect(propose_url(FigureChange.DISCOUNT_ADD))

    @unfold_action(description=gettext_lazy("Usulkan bulan iuran terakhir"), permissions=["propose"])
    def propose_last_period(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return redirect(propose_url(FigureChange.DISCOUNT_END, baris=self.get_object(request, object_id).pk))


@admin.register(DevelopmentRate)
class DevelopmentRateAdmin(_ReadOnlyFigures):
    list_display = ("year", "rate_percent", "assumed", "source")
    list_filter = ("assumed",)
    actions_list = ["propose_development"]

    @unfold_action(description=gettext_lazy("Usulkan tingkat pengembangan"), permissions=["propose"])
    def propose_development(self, request: HttpRequest) -> HttpResponse:
        return redirect(propose_url(FigureChange.DEVELOPMENT_SET))


# --- Proposals ------------------------------------------------------------------------------------

TABLES: dict[str, type[Model]] = {
    "rate": Rate,
    "developmentrate": DevelopmentRate,
    "discountprogramme": DiscountProgramme,
}
KIND_TABLES: dict[str, type[Model]] = {
    FigureChange.RATE_ADD: Rate,
    FigureChange.RATE_END: Rate,
    FigureChange.DEVELOPMENT_SET: DevelopmentRate,
    FigureChange.DISCOUNT_ADD: DiscountProgramme,
    FigureChange.DISCOUNT_END: DiscountProgramme,
}
# Initial values a proposal page takes from its query string (links from the tables and the dashboard).
PREFILL = ("program", "segment", "component", "unit", "effective_from", "year")
DECISIONS = {"setujui": gettext_lazy("Setujui usulan"), "tolak": gettext_lazy("Tolak usulan")}


def _label(model: type[Model] | None, name: str) -> str:
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a payload key that is not a column (rate_id, programme_id)
        return name
    return str(getattr(field, "verbose_name", name))


def _text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    return ", ".join(value) if isinstance(value, list) else str(value)


def changes_html(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> SafeString:
    """Each affected row as a table of field | before | after; changed fields in bold."""
    if not after:
        return format_html("{}", _("Belum diterapkan."))
    old_rows = {(s["table"], s["id"]): s["fields"] for s in before}
    blocks = []
    for snap in after:
        model = TABLES.get(snap["table"])
        old = old_rows.get((snap["table"], snap["id"]))
        lines = format_html_join(
            "",
            '<tr{}><td class="pr-3">{}</td><td class="pr-3">{}</td><td>{}</td></tr>',
            (
                (
                    SafeString(' class="font-semibold"') if old is None or old.get(name) != value else "",
                    _label(model, name),
                    _text(old.get(name)) if old is not None else "—",
                    _text(value),
                )
                for name, value in snap["fields"].items()
            ),
        )
        title = model._meta.verbose_name if model is not None else snap["table"]
        blocks.append(
            format_html(
                '<div class="mb-3" data-row="{}-{}"><p class="font-semibold">{} #{}{}</p>'
                '<table><thead><tr><th class="pr-3 text-left">{}</th><th class="pr-3 text-left">{}</th>'
                '<th class="text-left">{}</th></tr></thead><tbody>{}</tbody></table></div>',
                snap["table"],
                snap["id"],
                title,
                snap["id"],
                "" if old is not None else format_html(" ({})", _("baris baru")),
                _("kolom"),
                _("sebelum"),
                _("sesudah"),
                lines,
            )
        )
    return format_html_join("", "{}", ((b,) for b in blocks))


@admin.register(FigureProposal)
class FigureProposalAdmin(StaffScopedAdmin):
    list_display = ("proposed_at", "kind", "summary", "status", "proposed_by", "decided_by", "decided_at")
    list_filter = ("status", "kind")
    list_select_related = ("proposed_by", "decided_by")
    actions = None
    fields = (
        "kind",
        "summary",
        "status",
        "source",
        "reason",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
        "decision_note",
        "proposed_values",
        "changes",
    )
    readonly_fields = fields
    change_form_before_template = "backoffice/figure_proposal_actions.html"

    @admin.display(description=gettext_lazy("perubahan"))
    def summary(self, obj: FigureProposal) -> str:
        return change_of(obj).describe()

    @admin.display(description=gettext_lazy("nilai yang diusulkan"))
    def proposed_values(self, obj: FigureProposal) -> SafeString:
        model = KIND_TABLES.get(obj.kind)
        return format_html(
            "<table>{}</table>",
            format_html_join(
                "",
                '<tr><td class="pr-3">{}</td><td>{}</td></tr>',
                ((_label(model, name), _text(value)) for name, value in obj.payload.items()),
            ),
        )

    @admin.display(description=gettext_lazy("baris sebelum dan sesudah"))
    def changes(self, obj: FigureProposal) -> SafeString:
        return changes_html(obj.before, obj.after)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("usul/<str:kind>/", view(self.propose_view), name="participants_figureproposal_propose"),
            path(
                "<int:pk>/keputusan/<slug:decision>/",
                view(self.decide_view),
                name="participants_figureproposal_decide",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "can_decide": can_decide(request.user)}
        )

    def _target(self, kind: str, request: HttpRequest) -> Model | None:
        """The row a targeted proposal changes (`?baris=<id>`); 404 when it is missing or unknown."""
        if kind not in TARGETED:
            return None
        model = Rate if kind == FigureChange.RATE_END else DiscountProgramme
        try:
            found = model._default_manager.filter(pk=int(request.GET.get("baris", ""))).first()
        except ValueError:
            found = None
        if found is None:
            raise Http404
        return found

    def propose_view(self, request: HttpRequest, kind: str) -> HttpResponse:
        """The proposal form of one kind of change (maker); GET prefilled from the query string."""
        if kind not in PROPOSAL_FORMS:
            raise Http404
        if not can_propose(request.user):
            raise PermissionDenied
        target = self._target(kind, request)
        form_class = PROPOSAL_FORMS[kind]
        extra: dict[str, Any] = {"target_id": target.pk} if target is not None else {}
        if request.method == "POST":
            form = form_class(request.POST, **extra)
            if form.is_valid():
                try:
                    proposal = figure_proposal_create(
                        actor=request.user,
                        change=form.change(),
                        source=form.cleaned_data["source"],
                        reason=form.cleaned_data["reason"],
                    )
                except ProposalError as exc:
                    form.add_error(None, forms.ValidationError(exc.message, code=exc.code))
                else:
                    messages.success(request, _("Usulan disimpan dan menunggu persetujuan petugas lain."))
                    return HttpResponseRedirect(
                        reverse("admin:participants_figureproposal_change", args=[proposal.pk])
                    )
        else:
            form = form_class(initial={k: request.GET[k] for k in PREFILL if k in request.GET}, **extra)
        context = {
            **self.admin_site.each_context(request),
            "opts": FigureProposal._meta,
            "title": _("Usulan: %(kind)s") % {"kind": FigureChange(kind).label},
            "form": form,
            "target": target,
        }
        return TemplateResponse(request, "backoffice/figure_propose.html", context)

    def decide_view(self, request: HttpRequest, pk: int, decision: str) -> HttpResponse:
        """Confirmation (GET) and decision (POST) of a proposal by a staff member other than its maker."""
        if decision not in DECISIONS:
            raise Http404
        if not can_decide(request.user):
            raise PermissionDenied
        proposal = FigureProposal.objects.filter(pk=pk).select_related("proposed_by").first()
        if proposal is None:
            raise Http404
        back = reverse("admin:participants_figureproposal_change", args=[proposal.pk])
        form_class = DecisionForm if decision == "setujui" else RejectionForm
        if request.method == "POST":
            form = form_class(request.POST)
            if form.is_valid():
                decide = figure_proposal_approve if decision == "setujui" else figure_proposal_reject
                try:
                    decide(actor=request.user, proposal_id=proposal.public_id, note=form.cleaned_data["note"])
                except ProposalError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, _("Keputusan usulan disimpan."))
                return HttpResponseRedirect(back)
        else:
            if proposal.status != ProposalStatus.PENDING:
                messages.error(request, _("Usulan ini sudah diputuskan."))
                return HttpResponseRedirect(back)
            form = form_class()
        context = {
            **self.admin_site.each_context(request),
            "opts": FigureProposal._meta,
            "title": DECISIONS[decision],
            "proposal": proposal,
            "summary": change_of(proposal).describe(),
            "form": form,
        }
        return TemplateResponse(request, "backoffice/figure_decide.html", context)


# --- Holiday overrides ----------------------------------------------------------------------------


class HolidayOverrideForm(forms.ModelForm):
    class Meta:
        model = HolidayOverride
        fields = ("date", "is_holiday", "note")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        today = timezone.localdate()
        original = HolidayOverride.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        if original is not None and original.date <= today:
            raise forms.ValidationError(
                _(
                    "Koreksi untuk %(date)s sudah berlaku (tenggat klaim sudah dihitung dengannya) dan "
                    "tidak boleh diubah."
                )
                % {"date": original.date.strftime("%d/%m/%Y")},
                code="in_force",
            )
        day = cleaned.get("date")
        if day is not None and day <= today:
            self.add_error("date", _("Tanggal harus setelah hari ini."))
        return cleaned


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(StaffScopedHistoryAdmin):
    form = HolidayOverrideForm
    list_display = ("date", "is_holiday", "note")
    list_filter = ("is_holiday",)

    def _is_administrator(self, request: HttpRequest) -> bool:
        return has_role(request.user, StaffRole.ADMINISTRATOR)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._is_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._is_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Only days after today may be deleted (entered by mistake); history keeps the deletion.
        return self._is_administrator(request) and (
            obj is None or obj.date > timezone.localdate()  # type: ignore[attr-defined]
        )

    def get_actions(
        self, request: HttpRequest, action_location: Any = admin.ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)  # a bulk delete would not look at each row's date
        return actions
