"""Celery tasks of the payments area. Thin: they take ids, call services and are safe to run twice.

Routing is by name (portal/celery.py): `render_*` → pdf, `send_*` → notifications, the rest → payments.
"""

from __future__ import annotations

import datetime as dt

import structlog
from django.utils import timezone

from portal.celery import idempotent_task

log = structlog.get_logger(__name__)


@idempotent_task()
def render_receipt(receipt_id: int) -> bool:
    """Render the receipt PDF once; a redelivery after a crash renders at most one stored copy."""
    from contributions.receipts import receipt_render

    return receipt_render(receipt_id=receipt_id)


@idempotent_task()
def send_payment_receipt(payment_id: int) -> bool:
    """Queue "pembayaran diterima" (with the receipt link) through the notification outbox; the
    outbox's idempotency key makes a second delivery queue nothing."""
    from contributions.models import Receipt
    from contributions.notices import payment_received

    queued = payment_received(payment_id=payment_id)
    Receipt.objects.filter(payment_id=payment_id, email_sent_at__isnull=True).update(
        email_sent_at=timezone.now()
    )
    return bool(queued)


@idempotent_task()
def sync_payment(payment_id: int, expire_if_overdue: bool = False) -> str:
    from contributions.services import payment_sync_with_gateway

    return payment_sync_with_gateway(
        payment_id=payment_id,
        source="expiry" if expire_if_overdue else "reconcile",
        expire_if_overdue=expire_if_overdue,
    )


@idempotent_task()
def expire_overdue_payments() -> int:
    """Fan out: every open payment past its expiry is checked with the gateway, then expired."""
    from contributions.models import OPEN_STATUSES, Payment

    ids = list(
        Payment.objects.filter(status__in=OPEN_STATUSES, expires_at__lt=timezone.now()).values_list(
            "pk", flat=True
        )[:5000]
    )
    for pk in ids:
        sync_payment.delay(pk, expire_if_overdue=True)
    return len(ids)


@idempotent_task()
def reconcile_payments(days: int = 3) -> int:
    """Fan out: recent pending, expired, cancelled or failed payments are re-checked with the gateway
    to catch notifications that never arrived (money paid late is then credited and flagged)."""
    from contributions.models import Payment, PaymentStatus

    since = timezone.now() - dt.timedelta(days=days)
    ids = list(
        Payment.objects.filter(
            status__in=[
                PaymentStatus.PENDING,
                PaymentStatus.EXPIRE,
                PaymentStatus.CANCEL,
                PaymentStatus.FAILED,
            ],
            created_at__gte=since,
        ).values_list("pk", flat=True)[:5000]
    )
    for pk in ids:
        sync_payment.delay(pk)
    return len(ids)


@idempotent_task()
def deactivate_unpaid_members() -> int:
    from contributions.services import membership_deactivate_unpaid

    return membership_deactivate_unpaid()


@idempotent_task()
def send_due_reminders() -> int:
    """On the 12th: remind every active BPU participant whose current month is unpaid (once per month
    and channel, through the notification outbox; see contributions.notices.due_reminders_fan_out)."""
    from contributions.billing import current_period
    from contributions.notices import due_reminders_fan_out

    return due_reminders_fan_out(period=current_period())


@idempotent_task()
def reconcile_day(day: str | None = None) -> int:
    """Compare a WIB day's payments with the gateway and store the result (default: yesterday).
    Replaces the day's earlier run; returns the number of differences."""
    from contributions.reconciliation import reconciliation_run

    on = dt.date.fromisoformat(day) if day else timezone.localdate() - dt.timedelta(days=1)
    return reconciliation_run(day=on).difference_count


@idempotent_task()
def purge_pending_registrations() -> int:
    """Delete BPU registrations whose code ended more than a day ago (they hold personal data)."""
    from contributions.registration import pending_registration_purge

    deleted = pending_registration_purge()
    log.info("registration.pending_purged", count=deleted)
    return deleted
