"""Every (from, to) pair of the payment state machine: allowed moves move and write history; refused
moves raise and change nothing."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from contributions.models import Channel, Payment, PaymentEvent, PaymentMonth
from contributions.models import PaymentStatus as S
from contributions.transitions import RELEASING, TRANSITIONS, IllegalTransition, payment_transition

ALL = [s.value for s in S]
PAIRS = list(itertools.product(ALL, ALL))


def _allowed(frm: str, to: str, channel: str) -> bool:
    if frm == S.SETTLEMENT and to == S.DENY:
        return channel == Channel.MANDIRI_BILL
    return to in TRANSITIONS[frm]


def _set_status(payment: Payment, status: str) -> Payment:
    Payment.objects.filter(pk=payment.pk).update(status=status)
    payment.refresh_from_db()
    return payment


@pytest.mark.parametrize("channel", [Channel.BCA_VA, Channel.MANDIRI_BILL])
@pytest.mark.parametrize(("frm", "to"), PAIRS)
def test_transition_table(payment: Any, frm: str, to: str, channel: str) -> None:
    Payment.objects.filter(pk=payment.pk).update(channel=channel)
    payment = _set_status(payment, frm)
    events_before = PaymentEvent.objects.filter(payment=payment).count()
    active_before = PaymentMonth.objects.filter(payment=payment, active=True).count()
    if _allowed(frm, to, channel):
        moved = payment_transition(payment_id=payment.pk, to_status=to, source="test", reason="t")
        assert moved.from_status == frm
        assert Payment.objects.get(pk=payment.pk).status == to
        event = PaymentEvent.objects.filter(payment=payment).latest("pk")
        assert (event.from_status, event.to_status, event.source, event.reason) == (frm, to, "test", "t")
        if to in RELEASING:
            assert PaymentMonth.objects.filter(payment=payment, active=True).count() == 0
    else:
        snapshot = Payment.objects.filter(pk=payment.pk).values().get()
        with pytest.raises(IllegalTransition):
            payment_transition(payment_id=payment.pk, to_status=to, source="test")
        assert Payment.objects.filter(pk=payment.pk).values().get() == snapshot
        assert PaymentEvent.objects.filter(payment=payment).count() == events_before
        assert PaymentMonth.objects.filter(payment=payment, active=True).count() == active_before


def test_table_covers_every_status() -> None:
    assert set(TRANSITIONS) == set(ALL)
    assert TRANSITIONS[S.PENDING] == {S.SETTLEMENT, S.EXPIRE, S.CANCEL, S.DENY}
    assert TRANSITIONS[S.DENY] == frozenset()
    assert TRANSITIONS[S.REFUND] == frozenset()
