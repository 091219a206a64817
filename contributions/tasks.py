"""Celery tasks of the payments area. Thin: they take ids, call services and are safe to run twice.

Routing is by name (portal/celery.py): `render_*` → pdf, `send_*` → notifications, the rest → payments.
"""

from __future__ import annotations

import datetime as dt

import structlog
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.celery import idempotent_task

log = structlog.get_logger(__name__)


@idempotent_task()
def render_receipt(receipt_id: int) -> bool:
    """Render the receipt PDF once; a redelivery after a crash renders at most one stored copy."""
    from contributions.receipts import receipt_render

    return receipt_render(receipt_id=receipt_id)


@idempotent_task()
def send_payment_receipt(payment_id: int) -> bool:
    """Email "pembayaran diterima". Claims the send first, so two deliveries send at most once."""
    from contributions.models import Receipt

    receipt = Receipt.objects.select_related("payment__participant").filter(payment_id=payment_id).first()
    if receipt is None:
        return False
    participant = receipt.payment.participant
    to = participant.email or (participant.user.email if participant.user else "")
    if not to:
        return False
    claimed = Receipt.objects.filter(pk=receipt.pk, email_sent_at__isnull=True).update(
        email_sent_at=timezone.now()
    )
    if not claimed:
        return False
    try:
        with translation.override("id"):
            context = {"s": receipt.snapshot, "receipt": receipt}
            body = render_to_string("contributions/email/payment_received.txt", context)
            subject = render_to_string("contributions/email/payment_received_subject.txt", context).strip()
        send_mail(subject, body, None, [to])
    except Exception:
        Receipt.objects.filter(pk=receipt.pk).update(email_sent_at=None)  # let the retry send it
        raise
    return True


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
    """On the 12th: remind every active BPU participant whose current month is unpaid (once per month)."""
    from django.db.models import Q

    from contributions.billing import current_period, month_end
    from participants.models import Category, MembershipStatus, Participant

    period = current_period()
    ids = (
        Participant.objects.filter(category=Category.BPU, status=MembershipStatus.AKTIF)
        .filter(Q(protected_until__isnull=True) | Q(protected_until__lt=month_end(period)))
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in ids.iterator():
        send_due_reminder.delay(pk, period.isoformat())
        count += 1
    return count


@idempotent_task()
def send_due_reminder(participant_id: int, period: str) -> bool:
    from contributions.models import DueReminder
    from participants.models import Participant

    month = dt.date.fromisoformat(period)
    try:
        with transaction.atomic():
            reminder = DueReminder.objects.create(participant_id=participant_id, period=month)
    except IntegrityError:
        reminder = DueReminder.objects.get(participant_id=participant_id, period=month)
        if reminder.sent_at:
            return False
    participant = Participant.objects.get(pk=participant_id)
    with translation.override("id"):
        context = {"participant": participant, "period": month, "due": month.replace(day=15)}
        body = render_to_string("contributions/email/due_reminder.txt", context)
        subject = render_to_string("contributions/email/due_reminder_subject.txt", context).strip()
    send_mail(subject, body, None, [participant.email])
    DueReminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
    return True


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
