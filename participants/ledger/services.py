"""Writing to the JHT ledger. The only code that inserts entries or changes balance rows.

Every entry has an `idempotency_key`; posting the same key twice posts once. The balance row is upserted
in the same transaction with an atomic `balance = balance + x`, so concurrent postings to one KPJ
serialise on the row and never lose an update. The database refuses a negative balance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import structlog
from django.db import IntegrityError, connection, transaction

from participants.ledger.models import EntryKind, LedgerEntry

if TYPE_CHECKING:
    from participants.models import Contribution

log = structlog.get_logger(__name__)

# The balance row moves with `UPDATE ... SET x = x + delta` (the row lock serialises concurrent
# postings). Only the first posting of a KPJ inserts the row. An INSERT ... ON CONFLICT DO UPDATE cannot
# be used for every posting: PostgreSQL checks CHECK constraints on the proposed new row before it
# detects the conflict, so any debit (a negative proposed balance) would be refused.
_BALANCE_UPDATE = """
UPDATE participants_jhtbalance SET
    balance_idr = balance_idr + %s,
    employer_idr = employer_idr + %s,
    worker_idr = worker_idr + %s,
    development_idr = development_idr + %s,
    other_idr = other_idr + %s,
    entries_count = entries_count + %s,
    updated_at = now()
WHERE account_id = %s
"""
_BALANCE_INSERT = """
INSERT INTO participants_jhtbalance
    (account_id, balance_idr, employer_idr, worker_idr, development_idr, other_idr, entries_count, updated_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, now())
ON CONFLICT (account_id) DO NOTHING
"""
# Several contribution entries of one KPJ in one statement; rows whose key exists are skipped and only
# the inserted ones come back (their sums move the balance).
_CONTRIBUTIONS_INSERT = """
INSERT INTO participants_ledgerentry (
    account_id, kind, amount_idr, employer_idr, worker_idr, value_date, period, year,
    idempotency_key, reason, created_at)
SELECT %(account)s, 'contribution', e + w, e, w, %(value_date)s, period, NULL, key, %(reason)s, now()
FROM unnest(%(employer)s::bigint[], %(worker)s::bigint[], %(period)s::date[], %(key)s::text[])
    AS t(e, w, period, key)
ON CONFLICT ON CONSTRAINT ledger_unique_idempotency_key DO NOTHING
RETURNING amount_idr, employer_idr, worker_idr
"""


class InsufficientBalance(Exception):
    """The entry would make the KPJ's JHT balance negative; nothing was posted."""


def _balance_parts(entry: LedgerEntry) -> tuple[int, int, int, int]:
    if entry.kind == EntryKind.CONTRIBUTION:
        return entry.employer_idr, entry.worker_idr, 0, 0
    if entry.kind == EntryKind.DEVELOPMENT:
        return 0, 0, entry.amount_idr, 0
    return 0, 0, 0, entry.amount_idr


def ledger_post(
    *,
    account_id: int,
    kind: str,
    amount_idr: int,
    value_date: dt.date,
    idempotency_key: str,
    employer_idr: int = 0,
    worker_idr: int = 0,
    period: dt.date | None = None,
    year: int | None = None,
    reason: str = "",
    created_by_id: int | None = None,
) -> LedgerEntry | None:
    """Append one entry and move the balance row with it, atomically.

    Returns the new entry, or None when an entry with this idempotency key already exists (nothing
    changes). Raises InsufficientBalance when the balance would go below zero (nothing changes) and
    IntegrityError for entries that break the ledger's constraints.
    """
    entry = LedgerEntry(
        account_id=account_id,
        kind=kind,
        amount_idr=amount_idr,
        employer_idr=employer_idr,
        worker_idr=worker_idr,
        value_date=value_date,
        period=period,
        year=year,
        idempotency_key=idempotency_key,
        reason=reason,
        created_by_id=created_by_id,
    )
    with transaction.atomic():
        if LedgerEntry.objects.filter(idempotency_key=idempotency_key).exists():
            return None
        try:
            with transaction.atomic():
                entry.save(force_insert=True)
        except IntegrityError as exc:
            if LedgerEntry.objects.filter(idempotency_key=idempotency_key).exists():
                return None  # a concurrent caller posted the same key first
            raise exc
        _balance_move(account_id, [amount_idr, *_balance_parts(entry), 1])
    log.info("ledger.posted", account_id=account_id, kind=kind, amount_idr=amount_idr)
    return entry


def _balance_move(account_id: int, parts: list[int]) -> None:
    """Add (balance, employer, worker, development, other, entries) to the KPJ's balance row."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_BALANCE_UPDATE, [*parts, account_id])
            if cursor.rowcount == 0:
                cursor.execute(_BALANCE_INSERT, [account_id, *parts])
                if cursor.rowcount == 0:  # a concurrent first posting created the row meanwhile
                    cursor.execute(_BALANCE_UPDATE, [*parts, account_id])
    except IntegrityError as exc:
        if "jht_balance_not_negative" in str(exc):
            raise InsufficientBalance(account_id) from exc
        raise


def contribution_credit_jht(
    *, contribution: Contribution, value_date: dt.date, reason: str = ""
) -> LedgerEntry | None:
    """Credit a contribution row's JHT shares (employer + worker) to its KPJ's ledger.

    The one way a single contribution reaches the ledger (payments, demo data, tests); the bulk import
    does the same set-based with the same key `contribution:<id>`, so each row is credited at most once.
    Returns None when there is nothing to credit (no JHT in this contribution) or it was credited before.
    """
    amount = contribution.jht_employer_idr + contribution.jht_worker_idr
    if amount <= 0:
        return None
    return ledger_post(
        account_id=contribution.participant_id,
        kind=EntryKind.CONTRIBUTION,
        amount_idr=amount,
        employer_idr=contribution.jht_employer_idr,
        worker_idr=contribution.jht_worker_idr,
        value_date=value_date,
        period=contribution.period,
        idempotency_key=f"contribution:{contribution.pk}",
        reason=reason,
    )


def contributions_credit_jht(
    *, contributions: Sequence[Contribution], value_date: dt.date, reason: str = ""
) -> int:
    """Credit the JHT shares of several contribution rows of ONE KPJ: one INSERT for the entries and one
    balance update (a 12-month BPU payment: 2 statements instead of ~7 per month).

    Same keys as `contribution_credit_jht` (`contribution:<id>`): rows credited before, and rows without
    JHT, are skipped; posting the same rows again changes nothing. Returns the number of entries posted.
    """
    rows = [c for c in contributions if c.jht_employer_idr + c.jht_worker_idr > 0]
    if not rows:
        return 0
    accounts = {c.participant_id for c in rows}
    if len(accounts) != 1:
        raise ValueError("contributions_credit_jht posts for one KPJ at a time")
    account_id = accounts.pop()
    params: dict[str, Any] = {
        "account": account_id,
        "value_date": value_date,
        "reason": reason,
        "employer": [c.jht_employer_idr for c in rows],
        "worker": [c.jht_worker_idr for c in rows],
        "period": [c.period for c in rows],
        "key": [f"contribution:{c.pk}" for c in rows],
    }
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_CONTRIBUTIONS_INSERT, params)
            inserted = cursor.fetchall()
        if not inserted:
            return 0
        employer = sum(r[1] for r in inserted)
        worker = sum(r[2] for r in inserted)
        _balance_move(account_id, [employer + worker, employer, worker, 0, 0, len(inserted)])
    log.info("ledger.posted", account_id=account_id, kind=EntryKind.CONTRIBUTION, entries=len(inserted))
    return len(inserted)


@dataclass(frozen=True)
class Mismatch:
    account_id: int
    kpj: str
    balance_idr: int | None
    ledger_sum_idr: int


_RECONCILE = """
WITH sums AS (
    SELECT account_id, SUM(amount_idr) AS total,
           SUM(CASE WHEN kind = 'contribution' THEN employer_idr ELSE 0 END) AS employer,
           SUM(CASE WHEN kind = 'contribution' THEN worker_idr ELSE 0 END) AS worker,
           SUM(CASE WHEN kind = 'development' THEN amount_idr ELSE 0 END) AS development,
           COUNT(*) AS n
    FROM participants_ledgerentry GROUP BY account_id
)
SELECT COALESCE(s.account_id, b.account_id), p.kpj, b.balance_idr, COALESCE(s.total, 0)
FROM sums s
FULL OUTER JOIN participants_jhtbalance b ON b.account_id = s.account_id
JOIN participants_participant p ON p.id = COALESCE(s.account_id, b.account_id)
WHERE b.account_id IS NULL
   OR s.account_id IS NULL AND (b.balance_idr <> 0 OR b.entries_count <> 0)
   OR b.balance_idr <> s.total OR b.employer_idr <> s.employer OR b.worker_idr <> s.worker
   OR b.development_idr <> s.development OR b.entries_count <> s.n
ORDER BY 1
"""


def ledger_reconcile() -> list[Mismatch]:
    """Prove balance = Σ entries (and each component) for every KPJ; return the accounts that differ.

    Read-only. One SQL statement, so it sees one snapshot: postings during the run cannot cause false
    alarms.
    """
    with connection.cursor() as cursor:
        cursor.execute(_RECONCILE)
        mismatches = [Mismatch(a, k, b, s) for a, k, b, s in cursor.fetchall()]
    for m in mismatches:
        log.error(
            "ledger.mismatch",
            account_id=m.account_id,
            balance_idr=m.balance_idr,
            ledger_sum_idr=m.ledger_sum_idr,
        )
    return mismatches
