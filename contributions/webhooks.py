"""Midtrans-format payment notifications: verify, record once, re-check, apply.

Order of checks (each failure changes nothing):
1. size and JSON shape → 400; 2. signature over the exact strings received, constant time → 401;
3. known `order_id` → 404 (recorded and flagged when money may be involved);
4. `gross_amount` equals *our* amount → 400 (recorded, payment flagged);
5. duplicate event key → 200; 6. re-check with the gateway (down → 503 so the gateway retries);
7. in one transaction: insert the notification under unique (provider, event_key) and apply the move.
The event row and its effect commit together, so a repeat — sequential or concurrent — has no effect.

The event key names what we did with the notification when that differs from what it says: a signed
"settlement" that arrives while the gateway still says pending is stored as `ignored` under its own key,
so the genuine settlement later (the same fields) is a new event and is credited at once instead of
being answered `duplicate` and left to the reconciliation.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import structlog
from django.db import IntegrityError, transaction

from contributions.gateway import get_gateway
from contributions.gateway.protocol import (
    GatewayError,
    GatewayUnavailable,
    PaymentGateway,
    gross_amount_matches,
)
from contributions.models import FlagKind, GatewayNotification, NotificationOutcome, Payment, PaymentFlag
from contributions.models import PaymentStatus as S
from contributions.services import APPLIED, NOOP, REFUSED, payment_apply_status, target_status

log = structlog.get_logger(__name__)

PROVIDER = "midtrans"
MAX_BODY_BYTES = 16 * 1024
_REPEAT_STATUS: dict[str, int] = {
    NotificationOutcome.UNKNOWN_ORDER: 404,
    NotificationOutcome.AMOUNT_MISMATCH: 400,
}
_REQUIRED = ("order_id", "status_code", "gross_amount", "signature_key", "transaction_status")


@dataclass(frozen=True)
class Result:
    http_status: int
    outcome: str


_AS_CLAIMED = "as-claimed"


def event_key(payload: dict[str, Any], *, acted_on: str | None = _AS_CLAIMED) -> str:
    """The idempotency key of a notification: its fields, plus `acted_on` when we did not act on what it
    says (the status the gateway's re-check gave instead, None for "moves nothing").

    A notification acted on as claimed (the usual case) keeps the plain key, so keys stored before
    `acted_on` existed still catch repeats.
    """
    parts = [
        str(payload.get(k, ""))
        for k in (
            "order_id",
            "transaction_status",
            "status_code",
            "transaction_id",
            "fraud_status",
            "gross_amount",
        )
    ]
    if acted_on != _AS_CLAIMED:
        parts.append(f"acted-on:{acted_on or 'nothing'}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _parse(raw: bytes) -> dict[str, Any] | None:
    if len(raw) > MAX_BODY_BYTES:
        return None
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or not all(isinstance(payload.get(k), str) for k in _REQUIRED):
        return None
    return payload


def _record(
    payload: dict[str, Any], raw: bytes, *, outcome: str, payment: Payment | None, review: bool
) -> bool:
    """Store an event that changes nothing; False when it was already stored. Money for an order we do
    not know (`review` without a payment) is flagged for staff with the notification."""
    try:
        with transaction.atomic():
            note = GatewayNotification.objects.create(
                provider=PROVIDER,
                event_key=event_key(payload),
                order_id=str(payload["order_id"])[:100],
                transaction_status=str(payload["transaction_status"])[:20],
                payment=payment,
                raw_body=raw.decode("utf-8", errors="replace"),
                outcome=outcome,
                needs_review=review,
            )
            if review and payment is None:
                PaymentFlag.objects.create(
                    notification=note,
                    kind=FlagKind.UNKNOWN_ORDER,
                    detail=f"Notifikasi {note.transaction_status} {str(payload['gross_amount'])[:20]} "
                    f"untuk order yang tidak dikenal.",
                )
    except IntegrityError:
        return False
    return True


def handle_midtrans_notification(raw: bytes, *, gateway: PaymentGateway | None = None) -> Result:
    """Process one notification body; returns the HTTP status to answer and what happened."""
    payload = _parse(raw)
    if payload is None:
        log.warning("notification.malformed", size=len(raw))
        return Result(400, "malformed")
    gateway = gateway or get_gateway()
    if not gateway.verify_notification(payload):
        log.warning("notification.bad_signature", order_id=str(payload["order_id"])[:60])
        return Result(401, "bad_signature")
    order_id = payload["order_id"]
    key = event_key(payload)
    # Duplicates (the common case under retries) are answered after one indexed lookup, with the same
    # status as the first delivery for refused ones (unknown order 404, wrong amount 400), else 200.
    seen = (
        GatewayNotification.objects.filter(provider=PROVIDER, event_key=key)
        .values_list("outcome", flat=True)
        .first()
    )
    if seen is not None:
        return Result(_REPEAT_STATUS.get(seen, 200), "duplicate")
    claimed = target = target_status(payload["transaction_status"], str(payload.get("fraud_status", "")))
    payment = Payment.objects.filter(order_id=order_id).first()
    if payment is None:
        money = target == S.SETTLEMENT
        _record(payload, raw, outcome=NotificationOutcome.UNKNOWN_ORDER, payment=None, review=money)
        log.warning(
            "notification.unknown_order", order_id=order_id[:60], status=payload["transaction_status"]
        )
        return Result(404, "unknown_order")
    if not gross_amount_matches(payload["gross_amount"], payment.amount_idr):
        if _record(payload, raw, outcome=NotificationOutcome.AMOUNT_MISMATCH, payment=payment, review=True):
            from contributions.services import _flag

            _flag(
                payment.pk,
                f"Notifikasi dengan jumlah {payload['gross_amount'][:20]} berbeda dari tagihan.",
                kind=FlagKind.AMOUNT_MISMATCH,
            )
        log.warning(
            "notification.amount_mismatch", order_id=order_id, gross_amount=payload["gross_amount"][:20]
        )
        return Result(400, "amount_mismatch")

    # Re-check with the gateway before any move: the notification says what happened, the gateway's
    # status endpoint confirms it (and wins when they disagree, e.g. out-of-order deliveries).
    outcome_override: str | None = None
    if gateway.supports_status_check and target is not None:
        try:
            checked = gateway.get_status(order_id)
        except (GatewayUnavailable, GatewayError):
            log.warning("notification.recheck_unavailable", order_id=order_id)
            return Result(503, "recheck_unavailable")
        if checked is None:
            target, outcome_override = None, NotificationOutcome.STATUS_MISMATCH
        else:
            checked_target = target_status(checked.transaction_status, checked.fraud_status)
            if checked_target == S.SETTLEMENT and not gross_amount_matches(
                checked.gross_amount, payment.amount_idr
            ):
                target, outcome_override = None, NotificationOutcome.AMOUNT_MISMATCH
            elif checked_target != target:
                log.info(
                    "notification.status_differs", order_id=order_id, said=target, gateway=checked_target
                )
                target = checked_target

    if target != claimed:
        # Not acted on as it says: its own key, so a later notification with the same fields (the
        # genuine one, once the gateway agrees) is not taken for a repeat of this one.
        key = event_key(payload, acted_on=target)
    with transaction.atomic():
        try:
            with transaction.atomic():
                note = GatewayNotification.objects.create(
                    provider=PROVIDER,
                    event_key=key,
                    order_id=order_id,
                    transaction_status=payload["transaction_status"][:20],
                    payment=payment,
                    raw_body=raw.decode("utf-8", errors="replace"),
                    outcome=NotificationOutcome.IGNORED,
                )
        except IntegrityError:
            return Result(200, "duplicate")
        result = payment_apply_status(
            payment_id=payment.pk,
            to_status=target,
            source="notification",
            reason=payload["transaction_status"],
        )
        outcome = (
            outcome_override
            or {
                APPLIED: NotificationOutcome.APPLIED,
                NOOP: NotificationOutcome.IGNORED,
                REFUSED: NotificationOutcome.REFUSED,
            }[result]
        )
        review = outcome_override is not None
        if outcome != note.outcome or review:
            GatewayNotification.objects.filter(pk=note.pk).update(outcome=outcome, needs_review=review)
        if review:
            from contributions.services import _flag

            _flag(
                payment.pk,
                f"Notifikasi {payload['transaction_status'][:20]} "
                "tidak cocok dengan status/jumlah di gateway.",
                kind=(
                    FlagKind.AMOUNT_MISMATCH
                    if outcome == NotificationOutcome.AMOUNT_MISMATCH
                    else FlagKind.STATUS_MISMATCH
                ),
                notification_id=note.pk,
            )
    log.info(
        "notification.processed", order_id=order_id, status=payload["transaction_status"], outcome=outcome
    )
    return Result(200, outcome)
