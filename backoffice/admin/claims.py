"""The claim review queue of the back office.

The changelist is ordered by service-level due date and scoped to the staff member's branch
(accounts.roles). The change page is a review page (backoffice/claim_review.py): nothing on a claim
is edited as a form; staff act with buttons that lead to a confirmation page and call one service in
claims.services. There are no bulk actions.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.paginator import InfinitePaginator

from accounts.roles import branch_scope_q, sees_all_branches
from backoffice import claim_review
from backoffice.admin.nik_search import url_term_refused
from claims.models import OPEN_STATUSES, Claim, ClaimCheck, ClaimStatus
from participants.models import Branch
from portal.templatetags.portal import rupiah


class StatusFilter(admin.SimpleListFilter):
    """The queue shows open claims unless another status (or every status) is chosen."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        statuses = [(s.value, s.label) for s in ClaimStatus if s != ClaimStatus.DRAFT]
        return [("semua", _("Semua status")), *statuses]

    def choices(self, changelist: Any) -> Any:
        # "All" of the default filter UI means "open" here; "semua" is every status.
        for choice in super().choices(changelist):
            if choice["display"] == _("All"):
                choice["display"] = _("Terbuka (belum selesai)")
            yield choice

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        value = self.value()
        if value == "semua":
            return queryset
        if value in ClaimStatus.values:
            return queryset.filter(status=value)
        return queryset.filter(status__in=sorted(OPEN_STATUSES))


class BranchFilter(admin.SimpleListFilter):
    title = _("kantor cabang")
    parameter_name = "cabang"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        branches = Branch.objects.order_by("code")
        if not sees_all_branches(request.user):
            branches = branches.filter(pk=getattr(request.user, "branch_id", None) or 0)
        return [(str(b.pk), f"{b.code} {b.name}") for b in branches]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        if self.value() and self.value().isdigit():  # type: ignore[union-attr]
            return queryset.filter(branch_id=int(self.value()))  # type: ignore[arg-type]
        return queryset


class DueFilter(admin.SimpleListFilter):
    title = _("batas waktu layanan")
    parameter_name = "jatuh_tempo"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("today", _("Jatuh tempo hari ini")), ("breached", _("Lewat batas waktu"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        today = timezone.localdate()
        open_ = sorted(OPEN_STATUSES)
        if self.value() == "today":
            return queryset.filter(status__in=open_, due_date=today)
        if self.value() == "breached":
            return queryset.filter(status__in=open_, due_date__lt=today)
        return queryset


AMOUNT_BANDS: dict[str, tuple[Any, int, int | None]] = {
    "lt10": (_("Di bawah Rp10 juta"), 0, 10_000_000),
    "10to50": (_("Rp10 juta sampai Rp50 juta"), 10_000_000, 50_000_000),
    "50to250": (_("Rp50 juta sampai Rp250 juta"), 50_000_000, 250_000_000),
    "gte250": (_("Rp250 juta ke atas"), 250_000_000, None),
}


class AmountBandFilter(admin.SimpleListFilter):
    title = _("jumlah klaim")
    parameter_name = "jumlah"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(key, label) for key, (label, _low, _high) in AMOUNT_BANDS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        band = AMOUNT_BANDS.get(self.value() or "")
        if band is None:
            return queryset
        _label, low, high = band
        queryset = queryset.filter(gross_idr__gte=low)
        return queryset.filter(gross_idr__lt=high) if high is not None else queryset


class ChecksFilter(admin.SimpleListFilter):
    title = _("hasil verifikasi otomatis")
    parameter_name = "verifikasi"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("fail", _("Ada yang gagal")), ("warning", _("Ada peringatan"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        if self.value() in ("fail", "warning"):
            checks = ClaimCheck.objects.filter(claim=OuterRef("pk"), result=self.value())
            return queryset.filter(Exists(checks))
        return queryset


@admin.register(Claim)
class ClaimAdmin(ModelAdmin):
    list_display = (
        "queue_label",
        "kpj",
        "branch_code",
        "reason",
        "status",
        "amount",
        "due_date",
        "breached",
        "needs",
    )
    list_display_links = ("queue_label",)
    list_filter = (
        StatusFilter,
        "reason",
        BranchFilter,
        DueFilter,
        AmountBandFilter,
        ChecksFilter,
        "interview_required",
        "second_approval_required",
    )
    search_fields = ("=participant__kpj",)  # the search itself: get_search_results
    search_help_text = _("Cari dengan nomor KPJ atau ID klaim.")
    list_select_related = ("participant", "branch")
    list_per_page = 25  # a reviewer's screenful; rendering unfold rows is most of the page's time
    show_full_result_count = False
    paginator = InfinitePaginator  # no COUNT(*) over the queue: the status counts above say how many
    actions = None  # no bulk actions: every decision is taken on one claim, on its review page
    list_before_template = "backoffice/claim_status_counts.html"

    # --- Scope and permissions --------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return (
            super()
            .get_queryset(request)
            .filter(branch_scope_q(request.user, "branch"))
            .exclude(status=ClaimStatus.DRAFT)
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Claim], search_term: str
    ) -> tuple[QuerySet[Claim], bool]:
        """One indexed lookup: an 11-digit KPJ or a claim's UUID; anything else finds nothing."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if re.fullmatch(r"[0-9]{11}", term):
            return queryset.filter(participant__kpj=term), False
        try:
            return queryset.filter(public_id=uuid.UUID(term)), False
        except ValueError:
            return queryset.none(), False

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return ["due_date", "id"]  # PostgreSQL sorts claims without a due date (not complete yet) last

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # status and data are never edited as a form; see the actions

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # --- Columns ------------------------------------------------------------------------------------

    @admin.display(description=_("nomor klaim"), ordering="id")
    def queue_label(self, obj: Claim) -> str:
        return obj.number

    @admin.display(description=_("KPJ"), ordering="participant__kpj")
    def kpj(self, obj: Claim) -> str:
        return obj.participant.kpj

    @admin.display(description=_("cabang"))
    def branch_code(self, obj: Claim) -> str:
        return obj.branch.code if obj.branch is not None else ""

    @admin.display(description=_("jumlah bruto"), ordering="gross_idr")
    def amount(self, obj: Claim) -> str:
        return rupiah(obj.gross_idr)

    # Words, not a boolean icon: "not breached" used to show as a red cross, which reads as an alarm.
    @admin.display(description=_("batas layanan"))
    def breached(self, obj: Claim) -> str:
        return str(_("Lewat batas")) if obj.sla_breached else "—"

    # One column for what the claim still needs, so the queue fits a 1366 px screen.
    @admin.display(description=_("perlu"))
    def needs(self, obj: Claim) -> str:
        needs = []
        if obj.interview_required and obj.interview_recorded_at is None:
            needs.append(str(_("wawancara")))
        if obj.second_approval_required and obj.second_approved_at is None:
            needs.append(str(_("persetujuan kedua")))
        return ", ".join(needs) or "—"

    # --- Pages --------------------------------------------------------------------------------------

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        # The queue searches by KPJ or claim ID only; a NIK typed into its GET search box is dropped
        # from the URL (and so from every link on the page) like the participant list does.
        if not _is_claim_id(request.GET.get("q", "")):
            refused = url_term_refused(request)
            if refused is not None:
                return refused
        counts = dict(self.get_queryset(request).values_list("status").annotate(n=Count("*")).order_by())
        status_counts = [
            (s.value, s.label, counts.get(s.value, 0)) for s in ClaimStatus if s != ClaimStatus.DRAFT
        ]
        return super().changelist_view(request, {**(extra_context or {}), "status_counts": status_counts})

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:claim_pk>/dokumen/<uuid:document_id>/",
                wrap(self.document_view),
                name="claims_claim_document",
            ),
            path(
                "<int:claim_pk>/dokumen/<uuid:document_id>/halaman/<int:page>/",
                wrap(self.document_page_view),
                name="claims_claim_document_page",
            ),
            path(
                "<int:claim_pk>/aksi/<slug:action>/",
                wrap(self.action_view),
                name="claims_claim_action",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        return claim_review.review_page(self, request, object_id)

    def document_view(self, request: HttpRequest, claim_pk: int, document_id: Any) -> HttpResponseBase:
        return claim_review.document(self, request, claim_pk, document_id)

    def document_page_view(
        self, request: HttpRequest, claim_pk: int, document_id: Any, page: int
    ) -> HttpResponseBase:
        return claim_review.document_page(self, request, claim_pk, document_id, page)

    def action_view(self, request: HttpRequest, claim_pk: int, action: str) -> HttpResponse:
        return claim_review.action(self, request, claim_pk, action)


def _is_claim_id(term: str) -> bool:
    try:
        uuid.UUID(term.strip())
    except ValueError:
        return False
    return True
