"""A partner's daily settlement file (CSV), matched against the payments it reported that day.

Columns (header row required, any order, extra columns ignored):
`payment_request_id,customer_no,amount,reference_no` with `amount` like `37800.00` (IDR).
Differences become the existing payment flags for staff (contributions.models.PaymentFlag):
- a line whose amount differs from what the partner reported → `amount_mismatch` on the payment;
- a payment the partner reported that day but missing from the file → `status_mismatch` on the payment;
- a line we have no payment for (money we were never told about) → an `unknown_order` notification
  flagged for review, as an unknown gateway order is, so it shows in the daily reconciliation too.
The whole file is checked first: a malformed file is refused with its line numbers and nothing stored.
One file per partner per day (a second import of the day is refused).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

import structlog
from django.db import IntegrityError, transaction

from contributions.models import FlagKind, GatewayNotification, NotificationOutcome, PaymentFlag
from contributions.reconciliation import wib_day_bounds
from contributions.services import raise_flag
from participants.models import User
from partners.models import LineOutcome, Partner, PartnerPayment, SettlementImport, SettlementLine

log = structlog.get_logger(__name__)

REQUIRED = ("payment_request_id", "customer_no", "amount", "reference_no")
MAX_LINES = 200_000
_AMOUNT = re.compile(r"^[0-9]{1,16}\.00$")


class SettlementError(ValueError):
    """The file was refused; `str(exc)` says why (for staff). Nothing was stored."""


@dataclass(frozen=True)
class Line:
    line_no: int
    payment_request_id: str
    customer_no: str
    amount_idr: int
    reference_no: str


def parse_settlement(text: Iterable[str]) -> list[Line]:
    reader = csv.DictReader(text)
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise SettlementError(f"Kolom wajib tidak ada: {', '.join(missing)}.")
    lines: list[Line] = []
    problems: list[str] = []
    for row in reader:
        n = reader.line_num
        if len(lines) >= MAX_LINES:
            raise SettlementError(f"Terlalu banyak baris (paling banyak {MAX_LINES}).")
        request_id = (row.get("payment_request_id") or "").strip()
        amount = (row.get("amount") or "").strip()
        if not request_id or len(request_id) > 128:
            problems.append(f"baris {n}: payment_request_id kosong atau terlalu panjang")
            continue
        if not _AMOUNT.match(amount):
            problems.append(f"baris {n}: amount harus seperti 37800.00")
            continue
        lines.append(
            Line(
                n,
                request_id,
                (row.get("customer_no") or "").strip()[:20],
                int(amount[:-3]),
                (row.get("reference_no") or "").strip()[:64],
            )
        )
    if problems:
        raise SettlementError("; ".join(problems[:20]))
    return lines


def _unknown_line(partner: Partner, day: dt.date, line: Line) -> None:
    raw = f"{line.payment_request_id},{line.customer_no},{line.amount_idr}.00,{line.reference_no}"
    note = GatewayNotification.objects.create(
        provider=f"mitra:{partner.client_id}"[:20],
        event_key=hashlib.sha256(f"{partner.pk}|{day}|{line.line_no}|{raw}".encode()).hexdigest(),
        order_id=line.payment_request_id[:100],
        transaction_status="settlement",
        raw_body=raw,
        outcome=NotificationOutcome.UNKNOWN_ORDER,
        needs_review=True,
    )
    PaymentFlag.objects.create(
        notification=note,
        kind=FlagKind.UNKNOWN_ORDER,
        detail=f"Settlement {partner.name} {day}: {line.amount_idr} untuk permintaan yang tidak dikenal "
        f"({line.payment_request_id[:60]}).",
    )


def settlement_import(
    *, partner: Partner, day: dt.date, text: str, file_name: str, actor: User | None = None
) -> SettlementImport:
    """Import and match one day's file in one transaction. Raises SettlementError (nothing stored) for
    a malformed file or a day already imported."""
    lines = parse_settlement(io.StringIO(text))
    start, end = wib_day_bounds(day)
    with transaction.atomic():
        try:
            with transaction.atomic():
                run = SettlementImport.objects.create(
                    partner=partner,
                    day=day,
                    file_name=file_name[:200],
                    imported_by=actor,
                    line_count=len(lines),
                )
        except IntegrityError:
            raise SettlementError(f"Settlement {partner.name} tanggal {day} sudah diimpor.") from None
        reported = {
            p.payment_request_id: p
            for p in PartnerPayment.objects.select_related("payment").filter(
                partner=partner, payment_request_id__in=[line.payment_request_id for line in lines]
            )
        }
        seen: set[str] = set()
        rows: list[SettlementLine] = []
        for line in lines:
            ours = reported.get(line.payment_request_id)
            if ours is None or line.payment_request_id in seen:
                outcome = LineOutcome.UNKNOWN
                _unknown_line(partner, day, line)
            elif ours.paid_amount_idr != line.amount_idr:
                outcome = LineOutcome.AMOUNT_MISMATCH
                raise_flag(
                    ours.payment,
                    kind=FlagKind.AMOUNT_MISMATCH,
                    reason=f"Settlement {partner.name} {day}: {line.amount_idr}, "
                    f"dilaporkan {ours.paid_amount_idr}.",
                )
                ours.payment.save(update_fields=["needs_review", "review_reason", "updated_at"])
            else:
                outcome = LineOutcome.MATCHED
                PartnerPayment.objects.filter(pk=ours.pk).update(settled_on=day)
            seen.add(line.payment_request_id)
            rows.append(
                SettlementLine(
                    settlement=run,
                    line_no=line.line_no,
                    payment_request_id=line.payment_request_id,
                    customer_no=line.customer_no,
                    amount_idr=line.amount_idr,
                    reference_no=line.reference_no,
                    outcome=outcome,
                    partner_payment=ours if outcome != LineOutcome.UNKNOWN else None,
                )
            )
        missing = (
            PartnerPayment.objects.select_related("payment")
            .filter(partner=partner, paid_at__gte=start, paid_at__lt=end)
            .exclude(payment_request_id__in=seen)
        )
        for ours in missing:
            raise_flag(
                ours.payment,
                kind=FlagKind.STATUS_MISMATCH,
                reason=f"Tidak ada di settlement {partner.name} {day}: uang mungkin belum diterima.",
            )
            ours.payment.save(update_fields=["needs_review", "review_reason", "updated_at"])
            rows.append(
                SettlementLine(
                    settlement=run,
                    line_no=0,
                    payment_request_id=ours.payment_request_id,
                    amount_idr=ours.paid_amount_idr,
                    outcome=LineOutcome.MISSING,
                    partner_payment=ours,
                )
            )
        SettlementLine.objects.bulk_create(rows)
        run.matched_count = sum(1 for r in rows if r.outcome == LineOutcome.MATCHED)
        run.difference_count = len(rows) - run.matched_count
        run.save(update_fields=["matched_count", "difference_count"])
    log.info(
        "snap.settlement_imported",
        client_id=partner.client_id,
        day=str(day),
        lines=len(lines),
        differences=run.difference_count,
    )
    return run
