"""Staff views of payments: changelist by status/channel/date with a "flagged" filter, re-check with the
gateway, resolve flags with a note, the daily reconciliation page and the settlement CSV export.

Status and every other payment field are read-only: staff act only through actions that call services
(`contributions.flags`, `contributions.reconciliation`). Nobody deletes payments, notifications, flags
or receipts from the admin. Branch staff see their branch's participants' payments only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import TextFilter
from unfold.decorators import action as unfold_action

from accounts.roles import StaffRole, has_role
from backoffice.scoped_admin import StaffScopedAdmin, StaffScopedHistoryAdmin
from contributions.flags import (
    RECHECK_ROLES,
    RESOLVE_ROLES,
    FlagError,
    payment_flags_resolve,
    payment_recheck,
)
from contributions.gateway.protocol import GatewayError
from contributions.models import (
    BpuProfile,
    DailyReconciliation,
    FlagKind,
    GatewayNotification,
    Payment,
    PaymentEvent,
    PaymentFlag,
    PaymentMonth,
    Receipt,
)
from contributions.reconciliation import reconciliation_summary, settlements_export_csv, wib_day_bounds
from portal.templatetags.portal import rupiah

MAX_BULK = 100


# --- Forms ---------------------------------------------------------------------------------------


class ResolveFlagsForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Catatan penyelesaian"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=gettext_lazy("Wajib: apa yang diperiksa dan mengapa tanda ini selesai."),
    )


class DayForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Tanggal (WIB)"), widget=forms.DateInput(attrs={"type": "date"}))


def _day_from(request: HttpRequest) -> tuple[dt.date | None, DayForm]:
    data = request.GET if "day" in request.GET else {"day": timezone.localdate().isoformat()}
    form = DayForm(data)
    return (form.cleaned_data["day"] if form.is_valid() else None), form


# --- Filters -------------------------------------------------------------------------------------


class FlagFilter(admin.SimpleListFilter):
    title = gettext_lazy("tanda")
    parameter_name = "tanda"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("open", _("Ada tanda terbuka")),
            *[(kind.value, kind.label) for kind in FlagKind if kind != FlagKind.UNKNOWN_ORDER],
            ("resolved", _("Semua tanda selesai")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        flags = PaymentFlag.objects.filter(payment=OuterRef("pk"))
        open_flags = flags.filter(resolved_at__isnull=True)
        if value == "open":
            return queryset.filter(Exists(open_flags))
        if value == "resolved":
            return queryset.filter(Exists(flags)).exclude(Exists(open_flags))
        if value in FlagKind.values:
            return queryset.filter(Exists(open_flags.filter(kind=value)))
        return queryset.none()


class _WibDayFilter(TextFilter):
    """One calendar day in WIB, typed as YYYY-MM-DD (a date hierarchy would scan the whole table)."""

    field_name = ""

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            return queryset.none()
        start, end = wib_day_bounds(day)
        return queryset.filter(**{f"{self.field_name}__gte": start, f"{self.field_name}__lt": end})


class CreatedDayFilter(_WibDayFilter):
    title = gettext_lazy("tanggal dibuat (WIB, TTTT-BB-HH)")
    parameter_name = "dibuat"
    field_name = "created_at"


class PaidDayFilter(_WibDayFilter):
    title = gettext_lazy("tanggal dibayar (WIB, TTTT-BB-HH)")
    parameter_name = "dibayar"
    field_name = "paid_at"


class GatewayFilter(admin.SimpleListFilter):
    title = gettext_lazy("gateway")
    parameter_name = "gateway"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("midtrans", "Midtrans"), ("fake", _("Gateway tiruan (pengembangan)"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(gateway=self.value()) if self.value() else queryset


class OpenFlagFilter(admin.SimpleListFilter):
    title = gettext_lazy("penyelesaian")
    parameter_name = "selesai"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("tidak", _("Terbuka")), ("ya", _("Selesai"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "tidak":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "ya":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


# --- Inlines -------------------------------------------------------------------------------------


class _ReadOnlyInline(TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PaymentMonthInline(_ReadOnlyInline):
    model = PaymentMonth
    fields = readonly_fields = ("period", "income_idr", "jkk_idr", "jkm_idr", "jht_idr", "active")


class PaymentEventInline(_ReadOnlyInline):
    model = PaymentEvent
    fields = readonly_fields = ("created_at", "from_status", "to_status", "source", "actor", "reason")


class PaymentFlagInline(_ReadOnlyInline):
    model = PaymentFlag
    fk_name = "payment"
    fields = readonly_fields = (
        "created_at",
        "kind",
        "detail",
        "resolved_at",
        "resolved_by",
        "resolution_note",
    )


# --- Resolving flags (shared by the payment and the flag changelists) ----------------------------


def _resolve_flags_page(
    model_admin: Any, request: HttpRequest, queryset: QuerySet[Any], flags: QuerySet[PaymentFlag]
) -> HttpResponse | None:
    """Confirmation page with a required note; on a valid confirmation, resolve and go back."""
    if not model_admin.has_resolve_permission(request):
        raise PermissionDenied
    open_flags = list(flags.filter(resolved_at__isnull=True).select_related("payment", "notification")[:500])
    form = ResolveFlagsForm(request.POST if request.POST.get("confirm") == "yes" else None)
    if form.is_bound and form.is_valid():
        try:
            count = payment_flags_resolve(
                actor=request.user,  # type: ignore[arg-type]
                flag_ids=[f.pk for f in open_flags],
                note=form.cleaned_data["note"],
            )
        except FlagError as exc:
            model_admin.message_user(request, str(exc), messages.ERROR)
            return None
        model_admin.message_user(
            request, _("%(count)d tanda diselesaikan.") % {"count": count}, messages.SUCCESS
        )
        return None
    if not open_flags:
        model_admin.message_user(
            request, _("Tidak ada tanda terbuka yang dapat diselesaikan."), messages.WARNING
        )
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Selesaikan tanda pembayaran"),
        "opts": model_admin.model._meta,
        "form": form,
        "flags": open_flags,
        "queryset": queryset,
        "action_name": request.POST.get("action", "resolve_flags"),
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/contributions/resolve_flags.html", context)


# --- Payments ------------------------------------------------------------------------------------


@admin.register(Payment)
class PaymentAdmin(StaffScopedHistoryAdmin):
    scope_field = "participant__branch"
    list_display = (
        "order_id",
        "participant_kpj",
        "channel",
        "amount",
        "status",
        "needs_review",
        "created_at",
        "paid_at",
    )
    list_select_related = ("participant",)
    list_filter = (
        "status",
        "channel",
        FlagFilter,
        CreatedDayFilter,
        PaidDayFilter,
        "created_at",
        GatewayFilter,
    )
    list_filter_submit = True  # the day filters are typed
    search_fields = ("=order_id", "=participant__kpj", "=gateway_transaction_id")
    show_full_result_count = False
    list_per_page = 50
    exclude = ("qr_string",)
    readonly_fields = [f.name for f in Payment._meta.fields if f.name != "qr_string"]
    inlines = [PaymentFlagInline, PaymentMonthInline, PaymentEventInline]
    actions = ["recheck_with_gateway", "resolve_flags"]
    actions_list = ["open_reconciliation"]

    @admin.display(description=gettext_lazy("KPJ"), ordering="participant__kpj")
    def participant_kpj(self, obj: Payment) -> str:
        return obj.participant.kpj

    @admin.display(description=gettext_lazy("jumlah"), ordering="amount_idr")
    def amount(self, obj: Payment) -> str:
        return rupiah(obj.amount_idr)

    def has_recheck_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, *RECHECK_ROLES)

    def has_resolve_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, *RESOLVE_ROLES)

    @admin.action(description=gettext_lazy("Periksa ulang status ke gateway"), permissions=["recheck"])
    def recheck_with_gateway(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        outcomes = {
            "applied": _("status diperbarui sesuai gateway"),
            "ignored": _("sudah sesuai, tidak ada perubahan"),
            "refused": _("ditolak (lihat tanda pembayaran), tidak ada perubahan"),
        }
        for payment in queryset.order_by("pk")[:MAX_BULK]:
            try:
                outcome = payment_recheck(actor=request.user, payment_id=payment.pk)  # type: ignore[arg-type]
            except GatewayError as exc:
                self.message_user(
                    request,
                    _("%(order)s: gateway tidak dapat dihubungi (%(error)s); tidak ada perubahan.")
                    % {"order": payment.order_id, "error": str(exc)[:100]},
                    messages.ERROR,
                )
            except FlagError as exc:  # a partner-collected payment: nothing to ask a gateway
                self.message_user(request, f"{payment.order_id}: {exc}", messages.WARNING)
            else:
                level = messages.WARNING if outcome == "refused" else messages.SUCCESS
                self.message_user(request, f"{payment.order_id}: {outcomes[outcome]}", level)

    @admin.action(description=gettext_lazy("Selesaikan tanda dengan catatan"), permissions=["resolve"])
    def resolve_flags(self, request: HttpRequest, queryset: QuerySet[Payment]) -> HttpResponse | None:
        selected = queryset.order_by("pk")[:MAX_BULK]
        flags = PaymentFlag.objects.filter(payment__in=selected).order_by("created_at", "pk")
        return _resolve_flags_page(self, request, queryset, flags)

    @unfold_action(description=gettext_lazy("Rekonsiliasi harian"), url_path="rekonsiliasi-link")
    def open_reconciliation(self, request: HttpRequest) -> HttpResponse:
        return redirect("admin:contributions_payment_reconciliation")

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "rekonsiliasi/",
                view(self.reconciliation_view),
                name="contributions_payment_reconciliation",
            ),
            path(
                "settlement.csv",
                view(self.settlements_csv_view),
                name="contributions_payment_settlements_csv",
            ),
            *super().get_urls(),
        ]

    def reconciliation_view(self, request: HttpRequest) -> HttpResponse:
        """Totals of a day (live), differences from the gateway (last run), re-run and export buttons."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_recheck_permission(request):
                raise PermissionDenied
            form = DayForm(request.POST)
            if form.is_valid():
                from contributions.tasks import reconcile_day

                day = form.cleaned_data["day"]
                reconcile_day.delay(day.isoformat())
                self.message_user(
                    request,
                    _("Pemeriksaan ke gateway untuk %(day)s dijadwalkan; muat ulang halaman ini nanti.")
                    % {"day": day.isoformat()},
                    messages.SUCCESS,
                )
                return redirect(
                    f"{reverse('admin:contributions_payment_reconciliation')}?day={day.isoformat()}"
                )
            self.message_user(request, _("Tanggal tidak valid."), messages.ERROR)
        day, form = _day_from(request)
        summary = reconciliation_summary(day=day, actor=request.user) if day else None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Rekonsiliasi harian pembayaran"),
            "opts": self.model._meta,
            "form": form,
            "summary": summary,
            "can_run": self.has_recheck_permission(request),
        }
        return TemplateResponse(request, "admin/contributions/reconciliation.html", context)

    def settlements_csv_view(self, request: HttpRequest) -> HttpResponseBase:
        if not self.has_view_permission(request):
            raise PermissionDenied
        day, _form = _day_from(request)
        if day is None:
            return HttpResponseBadRequest(_("Tanggal tidak valid."))
        response = StreamingHttpResponse(
            settlements_export_csv(day=day, actor=request.user), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="settlement-{day:%Y%m%d}.csv"'
        response["Cache-Control"] = "no-store"
        return response


# --- Flags, notifications, daily runs, receipts, profiles ----------------------------------------


@admin.register(PaymentFlag)
class PaymentFlagAdmin(StaffScopedAdmin):
    """Every flag, unknown-order money included (no payment, so national roles only)."""

    scope_field = "payment__participant__branch"
    list_display = ("created_at", "kind", "payment", "notification", "detail", "resolved_at", "resolved_by")
    list_select_related = ("payment", "notification", "resolved_by")
    list_filter = (OpenFlagFilter, "kind", "created_at")
    search_fields = ("=payment__order_id", "=notification__order_id")
    readonly_fields = [f.name for f in PaymentFlag._meta.fields]
    actions = ["resolve_flags"]

    def has_resolve_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, *RESOLVE_ROLES)

    @admin.action(description=gettext_lazy("Selesaikan tanda dengan catatan"), permissions=["resolve"])
    def resolve_flags(self, request: HttpRequest, queryset: QuerySet[PaymentFlag]) -> HttpResponse | None:
        flags = PaymentFlag.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)[:MAX_BULK]))
        return _resolve_flags_page(self, request, queryset, flags)


@admin.register(GatewayNotification)
class GatewayNotificationAdmin(StaffScopedAdmin):
    scope_field = "payment__participant__branch"
    list_display = ("received_at", "provider", "order_id", "transaction_status", "outcome", "needs_review")
    list_filter = ("provider", "outcome", "needs_review", "received_at")
    search_fields = ("=order_id",)
    readonly_fields = [f.name for f in GatewayNotification._meta.fields]


@admin.register(DailyReconciliation)
class DailyReconciliationAdmin(StaffScopedAdmin):
    """The stored gateway runs (national roles: differences span every branch)."""

    view_roles = (StaffRole.AUDITOR, StaffRole.ADMINISTRATOR)
    list_display = (
        "day",
        "payment_count",
        "checked_count",
        "unchecked_count",
        "difference_count",
        "finished_at",
    )
    readonly_fields = [f.name for f in DailyReconciliation._meta.fields]


@admin.register(Receipt)
class ReceiptAdmin(StaffScopedAdmin):
    scope_field = "payment__participant__branch"
    list_display = ("number", "payment", "rendered_at", "email_sent_at")
    list_select_related = ("payment",)
    search_fields = ("=number", "=payment__order_id")
    readonly_fields = [f.name for f in Receipt._meta.fields]
    actions = ["rerender"]

    def has_rerender_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR)

    @admin.action(description=gettext_lazy("Render ulang PDF bukti"), permissions=["rerender"])
    def rerender(self, request: HttpRequest, queryset: QuerySet[Receipt]) -> None:
        from contributions.receipts import receipt_render

        for receipt in queryset[:50]:
            receipt_render(receipt_id=receipt.pk, force=True)


@admin.register(BpuProfile)
class BpuProfileAdmin(StaffScopedAdmin):
    scope_field = "participant__branch"
    list_display = ("participant", "declared_income_idr", "with_jht", "effective_from")
    list_select_related = ("participant",)
    readonly_fields = [f.name for f in BpuProfile._meta.fields]
