"""Flags raised before `PaymentFlag` existed: one open flag per payment already marked for review
(kind "other", the accumulated reason as detail), and one per notification marked for review."""

from django.db import migrations

_NOTIFICATION_KIND = {"unknown_order": "unknown_order", "amount_mismatch": "amount_mismatch"}


def backfill(apps, schema_editor):
    Payment = apps.get_model("contributions", "Payment")
    GatewayNotification = apps.get_model("contributions", "GatewayNotification")
    PaymentFlag = apps.get_model("contributions", "PaymentFlag")
    PaymentFlag.objects.bulk_create(
        PaymentFlag(payment_id=pk, kind="other", detail=reason or "-")
        for pk, reason in Payment.objects.filter(needs_review=True).values_list("pk", "review_reason")
    )
    PaymentFlag.objects.bulk_create(
        PaymentFlag(
            payment_id=payment_id,
            notification_id=pk,
            kind=_NOTIFICATION_KIND.get(outcome, "status_mismatch"),
            detail=f"Notifikasi {status} ({outcome})",
        )
        for pk, payment_id, outcome, status in GatewayNotification.objects.filter(
            needs_review=True
        ).values_list("pk", "payment_id", "outcome", "transaction_status")
    )


class Migration(migrations.Migration):
    dependencies = [("contributions", "0003_payment_flags_history_reconciliation")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
