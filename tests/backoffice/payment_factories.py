"""Helpers of the payments back-office tests: staff with a role, payments with given facts, flags."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.auth.models import Group

from accounts.roles import StaffRole
from contributions.models import FakeCharge, FlagKind, Payment, PaymentFlag, PaymentStatus
from participants.models import Branch, Category
from tests.factories import ParticipantFactory, StaffFactory

WIB = dt.timezone(dt.timedelta(hours=7))
_orders = itertools.count(1)


def staff(role: StaffRole | None, branch: Branch | None = None, **kwargs: Any) -> Any:
    """An active staff member holding `role` (a group of that name), in `branch`."""
    user = StaffFactory(branch=branch, **kwargs)
    if role is not None:
        group, _ = Group.objects.get_or_create(name=role.value)
        user.groups.add(group)
    return user


def make_payment(
    *,
    branch: Branch,
    status: str = PaymentStatus.SETTLEMENT,
    channel: str = "bca_va",
    amount_idr: int = 36_800,
    created_at: dt.datetime,
    paid_at: dt.datetime | None = None,
    gateway: str = "fake",
    participant: Any = None,
    charge_status: str | None = None,
    charge_amount: str | None = None,
) -> Payment:
    """A payment row with exactly these facts (and its fake-gateway charge unless `charge_status` is
    "none"). `created_at` is set after insert (the field is auto_now_add)."""
    participant = participant or ParticipantFactory(branch=branch, category=Category.BPU)
    n = next(_orders)
    payment = Payment.objects.create(
        order_id=f"IU-TEST-{n:06d}",
        participant=participant,
        gateway=gateway,
        channel=channel,
        first_period=dt.date(2026, 3, 1),
        months=1,
        amount_idr=amount_idr,
        status=status,
        expires_at=created_at + dt.timedelta(hours=24),
        paid_at=paid_at,
        gateway_transaction_id=f"tx-{n}",
    )
    Payment.objects.filter(pk=payment.pk).update(created_at=created_at)
    payment.refresh_from_db()
    if gateway == "fake" and charge_status != "none":
        FakeCharge.objects.create(
            order_id=payment.order_id,
            transaction_id=f"tx-{n}",
            payment_type="bank_transfer",
            gross_amount=charge_amount or f"{amount_idr}.00",
            transaction_status=charge_status or status,
        )
    return payment


def flag(
    payment: Payment, kind: str = FlagKind.AMOUNT_MISMATCH, detail: str = "Jumlah berbeda."
) -> PaymentFlag:
    Payment.objects.filter(pk=payment.pk).update(needs_review=True, review_reason=detail)
    return PaymentFlag.objects.create(payment=payment, kind=kind, detail=detail)
