"""Figure change proposals in the back office (maker-checker, participants/rates/proposals.py).

A staff member allowed to propose opens a proposal page of one kind (`usul/<kind>/`, linked from the
figure tables and from the dashboard's warnings); a different one allowed to approve decides it on the
proposal's page (`<pk>/keputusan/setujui|tolak/`). The proposal pages are the history of every figure
change: who proposed what with which source and reason, who decided and when, and each affected row
before and after. Every staff role may look; nobody edits or deletes a proposal.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.figure_forms import PROPOSAL_FORMS, TARGETED, DecisionForm, RejectionForm
from backoffice.scoped_admin import StaffScopedAdmin
from participants.rates.models import (
    DevelopmentRate,
    DiscountProgramme,
    FigureChange,
    FigureProposal,
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
            "form": form,
        }
        return TemplateResponse(request, "backoffice/figure_decide.html", context)
