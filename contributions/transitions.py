"""The payment state machine: a table of allowed moves and the one function that applies them.

Statuses follow Midtrans's `transaction_status` plus two of our own: `new` (row created, charge not yet
confirmed by the gateway) and `failed` (the gateway could not create the charge).

Late money (`expire`/`cancel`/`failed` → `settlement`) is allowed because the money is real: it is
credited and the payment is flagged for staff. `settlement` → `refund` and the Mandiri bill flip
`settlement` → `deny` are recorded and flagged; reversing a credit is a staff decision.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from contributions.models import Channel, Payment, PaymentEvent
from contributions.models import PaymentStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.PENDING, S.FAILED, S.SETTLEMENT, S.EXPIRE, S.CANCEL, S.DENY}),
    S.PENDING: frozenset({S.SETTLEMENT, S.EXPIRE, S.CANCEL, S.DENY}),
    S.SETTLEMENT: frozenset({S.REFUND, S.DENY}),
    S.EXPIRE: frozenset({S.SETTLEMENT}),
    S.CANCEL: frozenset({S.SETTLEMENT}),
    S.FAILED: frozenset({S.SETTLEMENT}),
    S.DENY: frozenset(),
    S.REFUND: frozenset(),
}

# Statuses whose months are released (someone else, or a new payment, may take them).
RELEASING = frozenset({S.EXPIRE, S.CANCEL, S.DENY, S.FAILED})


class IllegalTransition(Exception):
    """The move is not in the table (or its guard refused it); nothing changed."""


@dataclass(frozen=True)
class Moved:
    payment: Payment
    from_status: str
    to_status: str


def is_allowed(payment: Payment, to_status: str) -> bool:
    if to_status not in TRANSITIONS.get(payment.status, frozenset()):
        return False
    # Only a Mandiri bill payment may flip from settled to denied.
    return not (
        payment.status == S.SETTLEMENT and to_status == S.DENY and payment.channel != Channel.MANDIRI_BILL
    )


def payment_transition(
    *,
    payment_id: int,
    to_status: str,
    source: str,
    reason: str = "",
    actor_id: int | None = None,
) -> Moved:
    """Lock the payment, check the table, move it and write a history row, in one transaction.

    Raises IllegalTransition (nothing changed) for moves outside the table, including "moves" to the
    current status. Side effects (crediting, receipts) are the caller's job inside the same transaction
    (see `services.payment_apply_status`), so they commit or roll back with the move.
    """
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        return move_locked(payment, to_status=to_status, source=source, reason=reason, actor_id=actor_id)


def move_locked(
    payment: Payment, *, to_status: str, source: str, reason: str = "", actor_id: int | None = None
) -> Moved:
    """The move itself, for a caller that already holds the row lock inside a transaction."""
    from_status = payment.status
    if not is_allowed(payment, to_status):
        raise IllegalTransition(f"{payment.order_id}: {from_status} → {to_status}")
    payment.status = to_status
    payment.save(update_fields=["status", "updated_at"])
    if to_status in RELEASING:
        payment.month_rows.filter(active=True).update(active=False)
    PaymentEvent.objects.create(
        payment=payment,
        from_status=from_status,
        to_status=to_status,
        actor_id=actor_id,
        source=source,
        reason=reason,
    )
    return Moved(payment=payment, from_status=from_status, to_status=to_status)
