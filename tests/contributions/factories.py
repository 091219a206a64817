"""Factories and helpers for the payments tests."""

from __future__ import annotations

import json
from typing import Any

from contributions.gateway.fake import FakeGateway
from contributions.models import BpuProfile, FakeCharge, Payment
from participants.models import Category
from tests.factories import ParticipantFactory, UserFactory


def bpu_participant(
    *, user: Any = None, income_idr: int = 1_000_000, with_jht: bool = True, **kwargs: Any
) -> Any:
    participant = ParticipantFactory(category=Category.BPU, user=user or UserFactory(), **kwargs)
    BpuProfile.objects.create(participant=participant, declared_income_idr=income_idr, with_jht=with_jht)
    return participant


def notification(payment: Payment, status: str, *, gross_amount: str | None = None) -> bytes:
    """A correctly signed notification body for the payment's fake charge."""
    gateway = FakeGateway.from_settings()
    charge = FakeCharge.objects.get(order_id=payment.order_id)
    return json.dumps(gateway.notification_for(charge, status, gross_amount=gross_amount)).encode()


def gateway_says(payment: Payment, status: str) -> None:
    FakeCharge.objects.filter(order_id=payment.order_id).update(transaction_status=status)
