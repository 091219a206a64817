"""Notification events, one function per event, called in one line from the app where it happens.

Each builds the template context from our own database and calls `notify` (or, for the reminder
fan-out, writes outbox rows in bulk). All are idempotent through the event key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any

import structlog
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from notifications.services import build_rows, notify, outbox_insert, resolve_routes

if TYPE_CHECKING:
    from claims.models import Claim
    from participants.models import Participant, User

log = structlog.get_logger(__name__)


def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def payment_received(*, payment_id: int) -> list[int]:
    """Payment credited: amount, months, receipt number and a link to the receipt."""
    from contributions.models import Receipt

    receipt = (
        Receipt.objects.select_related("payment__participant__user").filter(payment_id=payment_id).first()
    )
    if receipt is None:
        return []
    payment = receipt.payment
    context = {
        "s": receipt.snapshot,
        "receipt": receipt,
        "name": payment.participant.full_name,
        "kpj": payment.participant.kpj,
        "amount_idr": payment.amount_idr,
        "receipt_url": _absolute(reverse("contributions:receipt_download", args=[payment.public_id])),
    }
    return notify(
        event="payment_received",
        event_key=f"payment_received:{payment.pk}",
        context=context,
        participant=payment.participant,
    )


def payment_expired(*, payment: Any) -> list[int]:
    participant = payment.participant
    context = {
        "name": participant.full_name,
        "kpj": participant.kpj,
        "amount_idr": payment.amount_idr,
        "order_id": payment.order_id,
        "pay_url": _absolute(reverse("contributions:pay", args=[participant.public_id])),
    }
    return notify(
        event="payment_expired",
        event_key=f"payment_expired:{payment.pk}",
        context=context,
        participant=participant,
    )


def membership_nonaktif(*, participant: Participant) -> list[int]:
    context = {
        "name": participant.full_name,
        "kpj": participant.kpj,
        "since": participant.status_since,
        "reason": participant.get_status_reason_display(),
    }
    return notify(
        event="membership_nonaktif",
        event_key=f"membership_nonaktif:{participant.pk}:{participant.status_since}",
        context=context,
        participant=participant,
    )


def statement_ready(*, statement: Any) -> list[int]:
    participant = statement.participant
    context = {
        "name": participant.full_name,
        "kpj": participant.kpj,
        "year": statement.year,
        "url": _absolute(reverse("participants:dashboard")),
    }
    return notify(
        event="statement_ready",
        event_key=f"statement_ready:{statement.pk}",
        context=context,
        participant=participant,
        user=statement.requested_by if getattr(statement, "requested_by_id", None) else None,
    )


def claim_transition(*, claim: Claim, to_status: str) -> list[int]:
    """Every move of a claim; the newest history row identifies this move (a claim can return to a
    status it had before, e.g. after a revision)."""
    from claims.models import ClaimHistory, ClaimStatus

    history_id = ClaimHistory.objects.filter(claim=claim).order_by("-pk").values_list("pk", flat=True).first()
    participant = claim.participant
    context = {
        "name": participant.full_name,
        "kpj": participant.kpj,
        "status": ClaimStatus(to_status).label,
        "status_code": to_status,
        "url": _absolute(reverse("claims:list")),
    }
    return notify(
        event="claim_status",
        event_key=f"claim:{claim.pk}:{history_id}",
        context=context,
        participant=participant,
        user=claim.user if claim.user_id else None,
    )


def service_request_status(*, request: Any, history_id: int, url_path: str) -> list[int]:
    """A staff step on a participant's service request (layanan: merge, data correction, card,
    wage complaint): the new status, the outcome and the staff note shown to the participant."""
    participant = request.owner_participant
    outcome = request.get_outcome_display() if getattr(request, "outcome", "") else ""
    context = {
        "name": participant.full_name,
        "kpj": participant.kpj,
        "kind": str(request._meta.verbose_name).capitalize(),
        "status": request.get_status_display(),
        "status_code": request.status,
        "outcome": outcome,
        "note": request.decision_note,
        "branch": request.branch.name,
        "url": _absolute(url_path),
    }
    return notify(
        event="service_request_status",
        event_key=f"layanan:{request._meta.model_name}:{request.pk}:{history_id}",
        context=context,
        participant=participant,
        user=request.user,
    )


# --- Account security (always sent) -----------------------------------------------------------------


def security_new_login(*, user: User, user_agent: str, ip: str, language: str = "id") -> list[int]:
    """A login from a browser not seen before: one notice per (account, browser)."""
    device = hashlib.sha256(user_agent.encode()).hexdigest()[:16]
    context = {
        "device": user_agent[:120] or "-",
        "ip": ip or "-",
        "url": _absolute(reverse("accounts:security")),
    }
    return notify(
        event="security_new_login",
        event_key=f"login:{user.pk}:{device}",
        context=context,
        user=user,
        language=language,
    )


def security_password_changed(*, user: User, language: str = "id") -> list[int]:
    from django.utils import timezone

    now = timezone.now()
    return notify(
        event="security_password_changed",
        event_key=f"password:{user.pk}:{now.isoformat()}",
        context={"when": now, "url": _absolute(reverse("account_reset_password"))},
        user=user,
        language=language,
    )


def security_email_changed(*, user: User, old_email: str, new_email: str, language: str = "id") -> list[int]:
    """Sent to the old address too, so the owner learns if someone else changed it."""
    from django.utils import timezone

    now = timezone.now()
    ids = notify(
        event="security_email_changed",
        event_key=f"email:{user.pk}:{now.isoformat()}",
        context={"when": now, "new_email": new_email},
        user=user,
        language=language,
    )
    if old_email and old_email.lower() != (user.email or "").lower():
        ids += notify(
            event="security_email_changed",
            event_key=f"email-old:{user.pk}:{now.isoformat()}",
            context={"when": now, "new_email": new_email},
            email=old_email,
            user=None,
            language=language,
        )
    return ids


# --- BPU due-date reminders ------------------------------------------------------------------------

FAN_OUT_CHUNK = 500


def due_reminders_fan_out(*, period: dt.date) -> int:
    """Queue one reminder per channel for every active BPU participant whose `period` is unpaid.

    Chunks of FAN_OUT_CHUNK participants: one query for their preferences, one bulk INSERT (existing
    idempotency keys skipped, so a second run queues nothing new), one `send_outbox_batch` task per
    chunk. Returns how many messages were queued.
    """
    from django.db.models import Q

    from notifications.models import NotificationCategory, NotificationPreference
    from notifications.tasks import send_outbox_batch
    from participants.models import Category, MembershipStatus, Participant
    from portal.dates import month_end

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
        user_ids = {p.user_id for p in chunk if p.user_id}
        prefs = {
            uid: (email, sms)
            for uid, email, sms in NotificationPreference.objects.filter(
                user_id__in=user_ids, category=NotificationCategory.PAYMENTS
            ).values_list("user_id", "email", "sms")
        }
        rows = []
        for p in chunk:
            routes = resolve_routes(
                category=NotificationCategory.PAYMENTS,
                user=p.user,
                participant=p,
                prefs=prefs.get(p.user_id) if p.user_id else None,
                use_prefs=False,
            )
            context = {"name": p.full_name, "kpj": p.kpj, "period": period, "due": due}
            rows += build_rows(
                event="due_reminder",
                event_key=f"due:{p.pk}:{period.isoformat()}",
                context=context,
                routes=routes,
                user=p.user,
                participant=p,
            )
        with transaction.atomic():
            ids = outbox_insert(rows)
            if ids:
                send_outbox_batch.delay_on_commit(ids)
        queued += len(ids)
    log.info("notification.due_reminders_queued", period=period.isoformat(), count=queued)
    return queued
