"""The notices of the payments area (portal.notices): payment received or expired, membership made
nonaktif for unpaid months, the monthly due-date reminders and the BPU registration code.

Each builds its plain context here and publishes it in the caller's transaction; the notifications
app decides channels and texts. Idempotent through the key.
"""

from __future__ import annotations

import datetime as dt

import structlog
from django.db.models import Q
from django.urls import reverse

from accounts.codes import code_ttl_seconds
from contributions.models import Payment, PendingBpuRegistration, Receipt
from participants.contacts import contacts_of_person
from participants.models import Category, MembershipStatus, Participant
from portal.dates import month_end
from portal.notices import Notice, absolute_url, publish, publish_many
from portal.phones import normalize_msisdn

log = structlog.get_logger(__name__)


def payment_received(*, payment_id: int) -> list[int]:
    """Payment credited: amount, months, receipt number and a link to the receipt."""
    receipt = (
        Receipt.objects.select_related("payment__participant__user").filter(payment_id=payment_id).first()
    )
    if receipt is None:
        return []
    payment = receipt.payment
    context = {
        "s": receipt.snapshot,
        "receipt": {"number": receipt.number},
        "name": payment.participant.full_name,
        "kpj": payment.participant.kpj,
        "amount_idr": payment.amount_idr,
        "receipt_url": absolute_url(reverse("contributions:receipt_download", args=[payment.public_id])),
    }
    return publish(
        Notice(
            event="payment_received",
            key=f"payment_received:{payment.pk}",
            context=context,
            participant=payment.participant,
        )
    )


def payment_expired(*, payment: Payment) -> list[int]:
    participant = payment.participant
    context = {
        "name": participant.full_name,
        "kpj": participant.kpj,
        "amount_idr": payment.amount_idr,
        "order_id": payment.order_id,
        "pay_url": absolute_url(reverse("contributions:pay", args=[participant.public_id])),
    }
    return publish(
        Notice(
            event="payment_expired",
            key=f"payment_expired:{payment.pk}",
            context=context,
            participant=participant,
        )
    )


def membership_nonaktif(*, participant: Participant) -> list[int]:
    context = {
        "name": participant.full_name,
        "kpj": participant.kpj,
        "since": participant.status_since,
        "reason": participant.get_status_reason_display(),
    }
    return publish(
        Notice(
            event="membership_nonaktif",
            key=f"membership_nonaktif:{participant.pk}:{participant.status_since}",
            context=context,
            participant=participant,
        )
    )


FAN_OUT_CHUNK = 500


def due_reminders_fan_out(*, period: dt.date) -> int:
    """Queue one reminder per channel for every active BPU participant whose `period` is unpaid.

    Chunks of FAN_OUT_CHUNK participants, each published at once (`publish_many`: one query for the
    preferences, one bulk INSERT skipping existing keys, so a second run queues nothing new, one send
    task per chunk). Returns how many messages were queued.
    """
    due = period.replace(day=15)
    candidates = (
        Participant.objects.filter(category=Category.BPU, status=MembershipStatus.AKTIF)
        .filter(Q(protected_until__isnull=True) | Q(protected_until__lt=month_end(period)))
        .select_related("user")
        .order_by("pk")
    )
    queued = 0
    last_pk = 0
    while True:
        chunk = list(candidates.filter(pk__gt=last_pk)[:FAN_OUT_CHUNK])
        if not chunk:
            break
        last_pk = chunk[-1].pk
        notices = [
            Notice(
                event="due_reminder",
                key=f"due:{p.pk}:{period.isoformat()}",
                context={"name": p.full_name, "kpj": p.kpj, "period": period, "due": due},
                participant=p,
                user=p.user,
            )
            for p in chunk
        ]
        queued += len(publish_many(notices))
    log.info("notification.due_reminders_queued", period=period.isoformat(), count=queued)
    return queued


def bpu_registration_code(*, pending: PendingBpuRegistration, code: str, language: str) -> list[int]:
    """The registration code (or, when the email is taken, the notice); one message per code sent
    (`sends` is in the key). The code is blanked from the outbox once sent."""
    minutes = code_ttl_seconds() // 60
    key = f"bpu-registration:{pending.id}:{pending.sends}"
    sms = pending.channel == "sms"
    phone = normalize_msisdn(pending.phone) if sms else None
    if pending.email_taken:
        # The flow must look the same to the visitor: the chosen channel gets a message too.
        return publish(
            Notice(
                event="bpu_registration_email_taken",
                key=key,
                context={"minutes": minutes},
                email=pending.email,
                phone=phone,
                language=language,
            )
        )
    return publish(
        Notice(
            event="bpu_registration_code",
            key=key,
            context={"code": code, "minutes": minutes, "name": pending.full_name},
            email=None if sms else pending.email,
            phone=phone,
            language=language,
            sensitive=True,
        )
    )


def bpu_registration_existing(
    *, pending: PendingBpuRegistration, participant: Participant, language: str
) -> list[int]:
    """Someone registered as BPU with a NIK that already has a KPJ: its contacts on record (not what
    the visitor typed) learn "you already have a KPJ, activate it". Once per pending registration."""
    context = {
        "kpj": participant.kpj,
        "activate_url": absolute_url(reverse("accounts:activate")),
    }
    ids: list[int] = []
    for contact in contacts_of_person(nik_index=participant.nik_index):
        ids += publish(
            Notice(
                event="bpu_registration_existing",
                key=f"bpu-registration-existing:{pending.id}",
                context=context,
                email=contact.value if contact.kind == "email" else None,
                phone=contact.value if contact.kind == "phone" else None,
                language=language,
            )
        )
    return ids
