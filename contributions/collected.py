"""Money a payment partner already collected (a bank, e-wallet or minimarket on SNAP, partners app):
record the payment and settle it at once, through the same crediting as a gateway settlement
(`services.payment_apply_status`: contributions, JHT ledger, protected-until and status, receipt and
its notice, all in one transaction).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contributions.billing import Bill
from contributions.models import PARTNER_GATEWAY, Channel, Payment, PaymentEvent
from contributions.models import PaymentStatus as S
from contributions.services import (
    APPLIED,
    OpenPaymentExists,
    _open_payment,
    new_order_id,
    payment_apply_status,
    payment_months_record,
)
from participants.models import Participant


class NotCredited(Exception):
    """The settlement move was refused; the caller's transaction must roll back."""


def payment_record_collected(*, participant: Participant, bill: Bill, source: str, reason: str) -> Payment:
    """Create a payment for `bill` (channel and gateway "mitra") and settle it, crediting every month.
    Returns the payment as created (its id, order id and amount; re-read it for the settled fields).

    Must run inside the caller's transaction (it opens a savepoint only), so the caller's own record of
    the partner payment commits with the credit or not at all. Raises OpenPaymentExists when the
    participant has a payment open on the web (its months are held: paying both would double-bill),
    and IntegrityError when a concurrent payment took one of the months (PaymentMonth is held once).
    """
    existing = _open_payment(participant.pk)
    if existing is not None:
        raise OpenPaymentExists(existing)
    now = timezone.now()
    with transaction.atomic():
        payment = Payment.objects.create(
            order_id=new_order_id(),
            participant=participant,
            created_by=None,
            gateway=PARTNER_GATEWAY,
            channel=Channel.PARTNER,
            first_period=bill.first_period,
            months=len(bill.months),
            amount_idr=bill.total_idr,
            expires_at=now + dt.timedelta(hours=settings.PAYMENT_EXPIRY_HOURS),
        )
        payment_months_record(payment=payment, participant=participant, bill=bill)
        PaymentEvent.objects.create(payment=payment, from_status="", to_status=S.NEW, source=source)
        outcome = payment_apply_status(
            payment_id=payment.pk, to_status=S.SETTLEMENT, source=source, reason=reason
        )
        if outcome != APPLIED:
            raise NotCredited(f"{payment.order_id}: {outcome}")
    return payment
