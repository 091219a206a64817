"""Staff views of payments. Status is read-only: staff act through actions that call services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from backoffice.roles import branch_scope_q
from contributions.gateway.protocol import GatewayError
from contributions.models import BpuProfile, GatewayNotification, Payment, PaymentEvent, PaymentMonth, Receipt


class PaymentMonthInline(TabularInline):
    model = PaymentMonth
    extra = 0
    can_delete = False
    readonly_fields = ("period", "income_idr", "jkk_idr", "jkm_idr", "jht_idr", "active")
    exclude = ("participant",)


class PaymentEventInline(TabularInline):
    model = PaymentEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "from_status", "to_status", "source", "actor", "reason")


@admin.register(Payment)
class PaymentAdmin(ModelAdmin):
    list_display = (
        "order_id",
        "participant",
        "channel",
        "amount_idr",
        "status",
        "needs_review",
        "created_at",
    )
    list_filter = ("status", "needs_review", "channel", "gateway")
    search_fields = ("order_id", "participant__kpj")
    readonly_fields = [
        f.name for f in Payment._meta.fields if f.name not in {"needs_review", "review_reason"}
    ]
    inlines = [PaymentMonthInline, PaymentEventInline]
    actions = ["sync_with_gateway"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Payment]:
        return super().get_queryset(request).filter(branch_scope_q(request.user, "participant__branch"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # payments are evidence of money received: never deleted

    @admin.action(description=_("Periksa status ke gateway"))
    def sync_with_gateway(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        from contributions.services import payment_sync_with_gateway

        for payment in queryset[:100]:
            try:
                outcome = payment_sync_with_gateway(payment_id=payment.pk, source="staff")
            except GatewayError as exc:
                self.message_user(request, f"{payment.order_id}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{payment.order_id}: {outcome}")


@admin.register(GatewayNotification)
class GatewayNotificationAdmin(ModelAdmin):
    list_display = ("received_at", "provider", "order_id", "transaction_status", "outcome", "needs_review")
    list_filter = ("provider", "outcome", "needs_review")
    search_fields = ("order_id",)
    readonly_fields = [f.name for f in GatewayNotification._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Receipt)
class ReceiptAdmin(ModelAdmin):
    list_display = ("number", "payment", "rendered_at", "email_sent_at")
    search_fields = ("number", "payment__order_id")
    readonly_fields = [f.name for f in Receipt._meta.fields]
    actions = ["rerender"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Receipt]:
        scope = branch_scope_q(request.user, "payment__participant__branch")
        return super().get_queryset(request).filter(scope)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Render ulang PDF bukti"))
    def rerender(self, request: HttpRequest, queryset: QuerySet[Receipt]) -> None:
        from contributions.receipts import receipt_render

        for receipt in queryset[:50]:
            receipt_render(receipt_id=receipt.pk, force=True)


@admin.register(BpuProfile)
class BpuProfileAdmin(ModelAdmin):
    list_display = ("participant", "declared_income_idr", "with_jht", "effective_from")
    raw_id_fields = ("participant",)
