"""Daily reconciliation: exact totals per channel and status, gateway differences, settlement CSV."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
import respx
import time_machine

from accounts.roles import StaffRole
from contributions.gateway.midtrans import MidtransGateway
from contributions.gateway.protocol import StatusResult
from contributions.models import DailyReconciliation, GatewayNotification
from contributions.models import PaymentStatus as S
from contributions.reconciliation import (
    TotalRow,
    compare_with_gateway,
    reconciliation_run,
    reconciliation_summary,
    reconciliation_totals,
    settlements_export_csv,
)
from tests.backoffice.payment_factories import WIB, make_payment, staff
from tests.factories import BranchFactory, ParticipantFactory

DAY = dt.date(2026, 3, 10)
MIDTRANS = "https://api.sandbox.midtrans.com"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _payments_settings(settings: Any) -> None:
    settings.PAYMENT_GATEWAY = "fake"
    settings.MIDTRANS_SERVER_KEY = "SB-Mid-server-test-key-123"
    settings.MIDTRANS_BASE_URL = MIDTRANS


def at(hour: int, minute: int = 0, second: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=WIB)


@pytest.fixture
def branches() -> tuple[Any, Any]:
    return BranchFactory(code="JKT01"), BranchFactory(code="BDG01")


@pytest.fixture
def day_of_payments(branches: tuple[Any, Any]) -> dict[str, Any]:
    jkt, bdg = branches
    p = {
        # created and paid on DAY
        "bca1": make_payment(
            branch=jkt, channel="bca_va", amount_idr=36_800, created_at=at(0, 0), paid_at=at(0, 5)
        ),
        "bca2": make_payment(
            branch=bdg, channel="bca_va", amount_idr=110_400, created_at=at(9), paid_at=at(10)
        ),
        "qris": make_payment(
            branch=jkt, channel="qris", amount_idr=16_800, created_at=at(12), paid_at=at(23, 59, 59)
        ),
        # created on DAY, not paid
        "pending": make_payment(
            branch=jkt, status=S.PENDING, channel="bca_va", amount_idr=50_400, created_at=at(13)
        ),
        "expired": make_payment(
            branch=bdg, status=S.EXPIRE, channel="indomaret", amount_idr=16_800, created_at=at(1)
        ),
        # created the day before, paid on DAY (counts in settlements, not in created)
        "late": make_payment(
            branch=jkt,
            channel="gopay",
            amount_idr=73_600,
            created_at=at(23, 30, day=DAY - dt.timedelta(days=1)),
            paid_at=at(0, 10),
        ),
        # created on DAY, paid the next day at 00:00:00 WIB (a settlement of the next day)
        "next": make_payment(
            branch=jkt,
            channel="qris",
            amount_idr=36_800,
            created_at=at(22),
            paid_at=at(0, 0, day=DAY + dt.timedelta(days=1)),
        ),
        # another day altogether
        "other_day": make_payment(
            branch=jkt, channel="bca_va", amount_idr=99_000, created_at=at(9, day=DAY - dt.timedelta(days=2))
        ),
    }
    return p


def test_totals_are_exact_per_channel_and_status(day_of_payments: dict[str, Any]) -> None:
    totals = reconciliation_totals(day=DAY)
    assert totals.created == (
        TotalRow("bca_va", "pending", 1, 50_400),
        TotalRow("bca_va", "settlement", 2, 147_200),
        TotalRow("indomaret", "expire", 1, 16_800),
        TotalRow("qris", "settlement", 2, 53_600),
    )
    assert totals.settled == (
        TotalRow("bca_va", "settlement", 2, 147_200),
        TotalRow("gopay", "settlement", 1, 73_600),
        TotalRow("qris", "settlement", 1, 16_800),
    )
    assert (totals.created_count, totals.created_amount_idr) == (6, 268_000)
    assert (totals.settled_count, totals.settled_amount_idr) == (4, 237_600)


def test_totals_follow_the_branch_scope(day_of_payments: dict[str, Any], branches: tuple[Any, Any]) -> None:
    jkt, bdg = branches
    reviewer = staff(StaffRole.REVIEWER, bdg)
    totals = reconciliation_totals(day=DAY, actor=reviewer)
    assert totals.created == (
        TotalRow("bca_va", "settlement", 1, 110_400),
        TotalRow("indomaret", "expire", 1, 16_800),
    )
    assert totals.settled == (TotalRow("bca_va", "settlement", 1, 110_400),)
    assert reconciliation_totals(day=DAY, actor=staff(None, jkt)).created == ()


def test_settlement_csv_is_exact(day_of_payments: dict[str, Any]) -> None:
    auditor = staff(StaffRole.AUDITOR)
    p = day_of_payments
    participant = p["bca1"].participant
    lines = list(settlements_export_csv(day=DAY, actor=auditor))
    assert lines[0] == (
        "order_id,gateway,gateway_transaction_id,paid_at_wib,channel,amount_idr,status,kpj,branch,months,"
        "first_period,receipt_number\r\n"
    )
    assert lines[1] == (
        f"{p['bca1'].order_id},fake,{p['bca1'].gateway_transaction_id},2026-03-10 00:05:00,bca_va,36800,"
        f"settlement,{participant.kpj},JKT01,1,2026-03-01,\r\n"
    )
    assert [line.split(",")[0] for line in lines[1:]] == [
        p["bca1"].order_id,
        p["late"].order_id,
        p["bca2"].order_id,
        p["qris"].order_id,
    ]
    assert lines[4].split(",")[3] == "2026-03-10 23:59:59"
    # Nothing of the NIK or the name in the file.
    assert participant.full_name not in "".join(lines)
    assert participant.nik not in "".join(lines)


def test_settlement_csv_for_branch_staff_and_no_role(
    day_of_payments: dict[str, Any], branches: tuple[Any, Any]
) -> None:
    jkt, bdg = branches
    lines = list(settlements_export_csv(day=DAY, actor=staff(StaffRole.REVIEWER, bdg)))
    assert [line.split(",")[0] for line in lines[1:]] == [day_of_payments["bca2"].order_id]
    assert len(list(settlements_export_csv(day=DAY, actor=staff(None, jkt)))) == 1  # header only


def _status(transaction_status: str, amount: str = "36800.00", fraud: str = "accept") -> StatusResult:
    return StatusResult(
        order_id="x", transaction_status=transaction_status, gross_amount=amount, fraud_status=fraud
    )


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"),
    [
        (S.SETTLEMENT, _status("settlement"), None),
        (S.SETTLEMENT, _status("capture"), None),
        (S.PENDING, _status("pending"), None),
        (S.NEW, _status("pending"), None),
        (S.PENDING, _status("capture", fraud="challenge"), None),
        (S.EXPIRE, _status("cancel"), None),  # we expired it, then cancelled it at the gateway
        (S.FAILED, None, None),
        (S.NEW, None, None),
        (S.REFUND, _status("refund"), None),
        (S.PENDING, _status("settlement"), "status"),  # money the notification never told us about
        (S.EXPIRE, _status("settlement"), "status"),
        (S.SETTLEMENT, _status("expire"), "status"),
        (S.SETTLEMENT, _status("refund"), "status"),
        (S.SETTLEMENT, _status("settlement", amount="36000.00"), "amount"),
        (S.SETTLEMENT, _status("settlement", amount="oops"), "amount"),
        (S.PENDING, None, "unknown_at_gateway"),
        (S.SETTLEMENT, None, "unknown_at_gateway"),
    ],
)
def test_compare_with_gateway(ours: str, theirs: StatusResult | None, expected: str | None) -> None:
    assert compare_with_gateway(status=ours, amount_idr=36_800, gateway=theirs) == expected


def test_run_with_the_fake_gateway_stores_the_differences(branches: tuple[Any, Any]) -> None:
    jkt, bdg = branches
    agree = make_payment(branch=jkt, created_at=at(9), paid_at=at(9, 5))
    missed = make_payment(branch=jkt, status=S.PENDING, created_at=at(10), charge_status="settlement")
    wrong_amount = make_payment(branch=bdg, created_at=at(11), paid_at=at(11), charge_amount="30000.00")
    no_charge = make_payment(branch=bdg, status=S.PENDING, created_at=at(12), charge_status="none")
    make_payment(
        branch=jkt, created_at=at(9, day=DAY + dt.timedelta(days=1)), charge_status="expire"
    )  # not DAY
    GatewayNotification.objects.create(
        provider="midtrans",
        event_key="u1",
        order_id="IU-SOMEONE-ELSE",
        transaction_status="settlement",
        raw_body="{}",
        outcome="unknown_order",
        needs_review=True,
        received_at=at(15),
    )
    run = reconciliation_run(day=DAY)
    assert (run.payment_count, run.checked_count, run.unchecked_count, run.difference_count) == (4, 4, 0, 4)
    assert [(d["kind"], d["order_id"]) for d in run.differences] == [
        ("status", missed.order_id),
        ("amount", wrong_amount.order_id),
        ("unknown_at_gateway", no_charge.order_id),
        ("unknown_order", "IU-SOMEONE-ELSE"),
    ]
    assert run.differences[0] == {
        "kind": "status",
        "payment_id": missed.pk,
        "order_id": missed.order_id,
        "branch_id": jkt.pk,
        "channel": "bca_va",
        "our_status": "pending",
        "gateway_status": "settlement",
        "our_amount_idr": 36_800,
        "gateway_amount": "36800.00",
    }
    # Nothing about the payments changed: reconciliation reports, the re-check applies.
    missed.refresh_from_db()
    assert missed.status == S.PENDING
    assert agree.order_id not in {d["order_id"] for d in run.differences}
    # A second run replaces the first.
    assert reconciliation_run(day=DAY).pk == run.pk
    assert DailyReconciliation.objects.count() == 1
    # Branch staff see their branch's differences; national roles see all, unknown orders included.
    summary = reconciliation_summary(day=DAY, actor=staff(StaffRole.REVIEWER, bdg))
    assert [d["order_id"] for d in summary.differences] == [wrong_amount.order_id, no_charge.order_id]
    assert len(reconciliation_summary(day=DAY, actor=staff(StaffRole.AUDITOR)).differences) == 4


@respx.mock
def test_run_through_midtrans_counts_unanswered_payments(branches: tuple[Any, Any], settings: Any) -> None:
    jkt, _ = branches
    fine = make_payment(branch=jkt, created_at=at(9), paid_at=at(9), gateway="midtrans")
    down = make_payment(branch=jkt, created_at=at(10), paid_at=at(10), gateway="midtrans")
    unknown = make_payment(branch=jkt, status=S.PENDING, created_at=at(11), gateway="midtrans")
    respx.get(f"{MIDTRANS}/v2/{fine.order_id}/status").respond(
        200, json={"status_code": "200", "transaction_status": "settlement", "gross_amount": "36800.00"}
    )
    respx.get(f"{MIDTRANS}/v2/{down.order_id}/status").mock(side_effect=httpx.ConnectError("down"))
    respx.get(f"{MIDTRANS}/v2/{unknown.order_id}/status").respond(
        200, json={"status_code": "404", "status_message": "Transaction doesn't exist."}
    )
    run = reconciliation_run(
        day=DAY, gateway_for=lambda name: MidtransGateway(server_key="SB-Mid-server-x", base_url=MIDTRANS)
    )
    assert (run.payment_count, run.checked_count, run.unchecked_count, run.difference_count) == (3, 2, 1, 1)
    assert [(d["kind"], d["order_id"]) for d in run.differences] == [("unknown_at_gateway", unknown.order_id)]


def test_task_reconciles_yesterday_and_is_scheduled(branches: tuple[Any, Any], settings: Any) -> None:
    from contributions.tasks import reconcile_day

    jkt, _ = branches
    make_payment(branch=jkt, status=S.PENDING, created_at=at(10), charge_status="settlement")
    with time_machine.travel(at(0, 45, day=DAY + dt.timedelta(days=1)), tick=False):
        assert reconcile_day.run() == 1
    assert DailyReconciliation.objects.get().day == DAY
    assert reconcile_day.run("2026-03-11") == 0
    entry = settings.CELERY_BEAT_SCHEDULE["payments-reconcile-daily"]
    assert entry["task"] == "contributions.tasks.reconcile_day"


def test_day_bounds_use_wib(branches: tuple[Any, Any]) -> None:
    jkt, _ = branches
    participant = ParticipantFactory(branch=jkt)
    # 16:59:59 UTC on 10 March is 23:59:59 WIB on 10 March; 17:00 UTC is 11 March in WIB.
    make_payment(
        branch=jkt, participant=participant, created_at=dt.datetime(2026, 3, 10, 16, 59, 59, tzinfo=dt.UTC)
    )
    make_payment(
        branch=jkt, participant=participant, created_at=dt.datetime(2026, 3, 10, 17, 0, tzinfo=dt.UTC)
    )
    assert reconciliation_totals(day=DAY).created_count == 1
    assert reconciliation_totals(day=DAY + dt.timedelta(days=1)).created_count == 1
