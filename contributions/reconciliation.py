"""Daily reconciliation of payments: totals per channel and status, differences from the gateway, and
the settlement export.

A "day" is a calendar day in WIB (Asia/Jakarta). The day's payments are those created that day or paid
that day; its settlements are the payments whose money arrived (`paid_at`) that day, whatever their
status now (a later refund shows as `refund`).

Totals are counted live in SQL (two grouped queries). Comparing with the gateway needs one status call
per payment, so it runs in a Celery task (`contributions.tasks.reconcile_day`, nightly for yesterday,
or on demand from the admin page) and its result is stored in `DailyReconciliation`.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from accounts.roles import branch_scope_q, sees_all_branches
from contributions.gateway import get_gateway
from contributions.gateway.protocol import GatewayError, PaymentGateway, StatusResult, gross_amount_matches
from contributions.models import (
    PARTNER_GATEWAY,
    Channel,
    DailyReconciliation,
    GatewayNotification,
    NotificationOutcome,
    Payment,
)
from contributions.models import PaymentStatus as S

log = structlog.get_logger(__name__)

WIB = ZoneInfo("Asia/Jakarta")
# Parallel status calls to a gateway without a batch status call (Midtrans): bounded, I/O bound.
GATEWAY_CONCURRENCY = 8
CSV_HEADER = (
    "order_id",
    "gateway",
    "gateway_transaction_id",
    "paid_at_wib",
    "channel",
    "amount_idr",
    "status",
    "kpj",
    "branch",
    "months",
    "first_period",
    "receipt_number",
)


def wib_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of `day` in WIB as aware datetimes."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=WIB)
    return start, start + dt.timedelta(days=1)


def _scoped(actor: Any | None) -> QuerySet[Payment]:
    payments = Payment.objects.all()
    return payments if actor is None else payments.filter(branch_scope_q(actor, "participant__branch"))


# --- Settlement export ---------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def settlements_export_csv(*, day: dt.date, actor: Any) -> Iterator[str]:
    """CSV lines (header first) of the settlements of `day` that `actor` may see, ordered by paid time.

    A generator: rows are read from the database in chunks as the caller consumes it (stream it with a
    `StreamingHttpResponse`), so memory stays flat however many payments the day had. Amounts are whole
    rupiah; times are WIB (`YYYY-MM-DD HH:MM:SS`). No NIK and no names: order, KPJ and branch identify
    the payment. Read-only; callers log the export.
    """
    start, end = wib_day_bounds(day)
    rows = (
        _scoped(actor)
        .filter(paid_at__gte=start, paid_at__lt=end)
        .order_by("paid_at", "pk")
        .values_list(
            "order_id",
            "gateway",
            "gateway_transaction_id",
            "paid_at",
            "channel",
            "amount_idr",
            "status",
            "participant__kpj",
            "participant__branch__code",
            "months",
            "first_period",
            "receipt__number",
        )
    )
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(CSV_HEADER)
    for row in rows.iterator(chunk_size=2000):
        values: list[Any] = list(row)
        values[3] = values[3].astimezone(WIB).strftime("%Y-%m-%d %H:%M:%S")
        values[10] = values[10].isoformat()
        values[11] = values[11] or ""
        yield writer.writerow(values)


# --- Totals --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TotalRow:
    channel: str
    status: str
    count: int
    amount_idr: int

    @property
    def channel_label(self) -> str:
        return str(dict(Channel.choices).get(self.channel, self.channel))

    @property
    def status_label(self) -> str:
        return str(dict(S.choices).get(self.status, self.status))


@dataclass(frozen=True)
class Totals:
    day: dt.date
    created: tuple[TotalRow, ...]  # payments created that day, per channel and current status
    settled: tuple[TotalRow, ...]  # money received that day, per channel (status: current status)

    @property
    def created_count(self) -> int:
        return sum(r.count for r in self.created)

    @property
    def created_amount_idr(self) -> int:
        return sum(r.amount_idr for r in self.created)

    @property
    def settled_count(self) -> int:
        return sum(r.count for r in self.settled)

    @property
    def settled_amount_idr(self) -> int:
        return sum(r.amount_idr for r in self.settled)


def _grouped(queryset: QuerySet[Payment]) -> tuple[TotalRow, ...]:
    rows = (
        queryset.order_by()
        .values("channel", "status")
        .annotate(n=Count("pk"), total=Sum("amount_idr"))
        .order_by("channel", "status")
    )
    return tuple(TotalRow(r["channel"], r["status"], r["n"], int(r["total"] or 0)) for r in rows)


def reconciliation_totals(*, day: dt.date, actor: Any | None = None) -> Totals:
    """Count and sum (whole rupiah) per channel and status of `day`'s payments: those created that day,
    and those whose money arrived that day. `actor` limits to their branch scope (None: all). Two
    queries; read-only."""
    start, end = wib_day_bounds(day)
    payments = _scoped(actor)
    return Totals(
        day=day,
        created=_grouped(payments.filter(created_at__gte=start, created_at__lt=end)),
        settled=_grouped(payments.filter(paid_at__gte=start, paid_at__lt=end)),
    )


# --- Comparing with the gateway ------------------------------------------------------------------

# Status classes that matter for money: a difference inside a class (we expired an unpaid charge, the
# gateway calls it cancelled after our cancel call) is not a difference.
_OPEN, _PAID, _UNPAID, _REFUNDED = "open", "paid", "unpaid", "refunded"
_OUR_CLASS: dict[str, str] = {
    S.NEW: _OPEN,
    S.PENDING: _OPEN,
    S.SETTLEMENT: _PAID,
    S.EXPIRE: _UNPAID,
    S.CANCEL: _UNPAID,
    S.DENY: _UNPAID,
    S.FAILED: _UNPAID,
    S.REFUND: _REFUNDED,
}


def _gateway_class(status: StatusResult) -> str:
    from contributions.services import target_status

    target = target_status(status.transaction_status, status.fraud_status)
    return _OPEN if target is None else _OUR_CLASS[target]


def compare_with_gateway(*, status: str, amount_idr: int, gateway: StatusResult | None) -> str | None:
    """The kind of difference between our payment and the gateway's view of it, or None when they agree.

    "unknown_at_gateway": we have a charge the gateway does not know (a payment that never got a charge,
    `new` or `failed`, is fine); "status": different money classes (open / paid / unpaid / refunded);
    "amount": the gateway's amount for a paid charge differs from ours.
    """
    if gateway is None:
        return None if status in (S.NEW, S.FAILED) else "unknown_at_gateway"
    theirs = _gateway_class(gateway)
    if _OUR_CLASS[status] != theirs:
        return "status"
    if theirs in (_PAID, _REFUNDED) and not gross_amount_matches(gateway.gross_amount, amount_idr):
        return "amount"
    return None


def _statuses(gateway: PaymentGateway, order_ids: list[str]) -> tuple[dict[str, StatusResult | None], int]:
    """The gateway's status of each order (None: unknown there) and how many could not be asked."""
    batch: Callable[[list[str]], dict[str, StatusResult | None]] | None = getattr(
        gateway, "get_statuses", None
    )
    if batch is not None:
        return batch(order_ids), 0
    found: dict[str, StatusResult | None] = {}
    failed = 0

    def ask(order_id: str) -> tuple[str, StatusResult | None, bool]:
        try:
            return order_id, gateway.get_status(order_id), True
        except GatewayError:  # GatewayUnavailable included
            return order_id, None, False

    with ThreadPoolExecutor(max_workers=GATEWAY_CONCURRENCY) as pool:
        for order_id, result, ok in pool.map(ask, order_ids):
            if ok:
                found[order_id] = result
            else:
                failed += 1
    return found, failed


@dataclass
class _RunState:
    checked: int = 0
    unchecked: int = 0
    differences: list[dict[str, Any]] = field(default_factory=list)
    difference_count: int = 0


def reconciliation_run(
    *, day: dt.date, gateway_for: Callable[[str], PaymentGateway] = get_gateway
) -> DailyReconciliation:
    """Compare every payment of `day` with its gateway and store the result (replacing an earlier run
    of the same day). Idempotent; changes no payment (applying the gateway's status is the re-check's
    job). Gateway failures count as unchecked payments, they do not stop the run. Unknown-order
    notifications received that day are listed as differences of kind "unknown_order"."""
    started = timezone.now()
    start, end = wib_day_bounds(day)
    day_q = Q(created_at__gte=start, created_at__lt=end) | Q(paid_at__gte=start, paid_at__lt=end)
    rows = list(
        Payment.objects.filter(day_q)
        .order_by("pk")
        .values(
            "pk",
            "order_id",
            "gateway",
            "status",
            "amount_idr",
            "channel",
            branch_id=F("participant__branch_id"),
        )
    )
    state = _RunState()
    by_gateway: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_gateway.setdefault(row["gateway"], []).append(dict(row))
    for name, payments in by_gateway.items():
        if name == PARTNER_GATEWAY:
            continue  # no gateway to ask: partners' settlement files check these (partners.settlement)
        found, failed = _statuses(gateway_for(name), [p["order_id"] for p in payments])
        state.unchecked += failed
        for p in payments:
            if p["order_id"] not in found:
                continue
            state.checked += 1
            theirs = found[p["order_id"]]
            kind = compare_with_gateway(status=p["status"], amount_idr=p["amount_idr"], gateway=theirs)
            if kind is None:
                continue
            state.difference_count += 1
            if len(state.differences) < DailyReconciliation.MAX_STORED_DIFFERENCES:
                state.differences.append(
                    {
                        "kind": kind,
                        "payment_id": p["pk"],
                        "order_id": p["order_id"],
                        "branch_id": p["branch_id"],
                        "channel": p["channel"],
                        "our_status": p["status"],
                        "gateway_status": theirs.transaction_status if theirs else "",
                        "our_amount_idr": p["amount_idr"],
                        "gateway_amount": theirs.gross_amount if theirs else "",
                    }
                )
    unknown = GatewayNotification.objects.filter(
        outcome=NotificationOutcome.UNKNOWN_ORDER, received_at__gte=start, received_at__lt=end
    ).values_list("order_id", "transaction_status", "provider")
    for order_id, transaction_status, provider in unknown.order_by("received_at", "pk"):
        state.difference_count += 1
        if len(state.differences) < DailyReconciliation.MAX_STORED_DIFFERENCES:
            state.differences.append(
                {
                    "kind": "unknown_order",
                    "payment_id": None,
                    "order_id": order_id,
                    "branch_id": None,
                    "channel": provider,
                    "our_status": "",
                    "gateway_status": transaction_status,
                    "our_amount_idr": None,
                    "gateway_amount": "",
                }
            )
    totals = reconciliation_totals(day=day)
    run, _created = DailyReconciliation.objects.update_or_create(
        day=day,
        defaults={
            "started_at": started,
            "finished_at": timezone.now(),
            "payment_count": len(rows),
            "checked_count": state.checked,
            "unchecked_count": state.unchecked,
            "difference_count": state.difference_count,
            "totals": [r.__dict__ for r in totals.created],
            "differences": state.differences,
        },
    )
    log.info(
        "reconciliation.run",
        day=day.isoformat(),
        payments=len(rows),
        checked=state.checked,
        unchecked=state.unchecked,
        differences=state.difference_count,
    )
    return run


# --- What the admin page shows -------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    day: dt.date
    totals: Totals
    run: DailyReconciliation | None
    differences: tuple[dict[str, Any], ...]  # of the stored run, limited to the actor's scope


def reconciliation_summary(*, day: dt.date, actor: Any) -> Summary:
    """Live totals of `day` within the actor's scope plus the differences of the day's last gateway run
    that concern the actor's branch (every difference, unknown orders included, for national roles)."""
    totals = reconciliation_totals(day=day, actor=actor)
    run = DailyReconciliation.objects.filter(day=day).first()
    differences: tuple[dict[str, Any], ...] = ()
    if run is not None:
        if sees_all_branches(actor):
            differences = tuple(run.differences)
        elif actor.branch_id is not None:
            differences = tuple(d for d in run.differences if d.get("branch_id") == actor.branch_id)
    return Summary(day=day, totals=totals, run=run, differences=differences)
