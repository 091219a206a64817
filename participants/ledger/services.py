"""Writing to the JHT ledger: the only code that inserts entries or changes balance rows.

Every write goes through `ledger_post_batch`: one SQL statement appends a staged set of entries (a
list, or the rows of the temp table `ledger_staging` for bulk postings) and moves the balance row of
every KPJ it touches, in one transaction, so entries and balances never disagree. `ledger_post`,
`contribution_credit_jht` and `contributions_credit_jht` are thin forms of it for callers that post
one entry or one payment's months.

Every entry has an `idempotency_key`; posting the same key twice posts once (the second is skipped,
even when both run concurrently). Balance rows move with `balance = balance + x`, so concurrent
postings to one KPJ serialise on the row and never lose an update. The database refuses a negative
balance (`InsufficientBalance`) and every entry that breaks the ledger's constraints (IntegrityError);
either way nothing of the set is posted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import structlog
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from participants.ledger.models import EntryKind, LedgerEntry

if TYPE_CHECKING:
    from participants.models import Contribution

log = structlog.get_logger(__name__)

# The columns of a staged entry, in the order of the staging table and of the list form's arrays.
_COLUMNS = (
    ("account_id", "bigint"),
    ("kind", "text"),
    ("amount_idr", "bigint"),
    ("employer_idr", "bigint"),
    ("worker_idr", "bigint"),
    ("value_date", "date"),
    ("period", "date"),
    ("year", "smallint"),
    ("idempotency_key", "text"),
    ("reason", "text"),
    ("created_by_id", "bigint"),
)
_NAMES = ", ".join(name for name, _type in _COLUMNS)

STAGING_TABLE = "ledger_staging"
_STAGING_DDL = f"""
CREATE TEMP TABLE {STAGING_TABLE} (
    account_id bigint NOT NULL, kind text NOT NULL, amount_idr bigint NOT NULL,
    employer_idr bigint NOT NULL DEFAULT 0, worker_idr bigint NOT NULL DEFAULT 0,
    value_date date NOT NULL, period date, year smallint, idempotency_key text NOT NULL,
    reason text NOT NULL DEFAULT '', created_by_id bigint
) ON COMMIT DROP
"""

# One statement: append the staged entries whose key is new, add each KPJ's sums to its balance row,
# create the rows of KPJs posted to for the first time. The balance rows are UPDATEd, not upserted
# with INSERT ... ON CONFLICT DO UPDATE: PostgreSQL checks CHECK constraints on the proposed new row
# before it detects the conflict, so a debit (a negative proposed balance) would always be refused. A
# KPJ whose first balance row another transaction created meanwhile (the INSERT meets it, skips it) is
# returned in `lost` and moved after the statement.
_POST = """
WITH staged AS ({source}),
ledger AS (
    INSERT INTO participants_ledgerentry (
        account_id, kind, amount_idr, employer_idr, worker_idr, value_date, period, year,
        idempotency_key, reason, created_by_id, created_at)
    SELECT {names}, %(now)s FROM staged
    {on_conflict}
    RETURNING id, account_id, kind, amount_idr, employer_idr, worker_idr
), moves AS (
    SELECT account_id,
           sum(amount_idr)::bigint AS balance,
           sum(CASE WHEN kind = 'contribution' THEN employer_idr ELSE 0 END)::bigint AS employer,
           sum(CASE WHEN kind = 'contribution' THEN worker_idr ELSE 0 END)::bigint AS worker,
           sum(CASE WHEN kind = 'development' THEN amount_idr ELSE 0 END)::bigint AS development,
           sum(CASE WHEN kind IN ('contribution', 'development') THEN 0 ELSE amount_idr END)::bigint
               AS other,
           count(*) AS entries
    FROM ledger GROUP BY account_id
), updated AS (
    UPDATE participants_jhtbalance b SET
        balance_idr = b.balance_idr + m.balance,
        employer_idr = b.employer_idr + m.employer,
        worker_idr = b.worker_idr + m.worker,
        development_idr = b.development_idr + m.development,
        other_idr = b.other_idr + m.other,
        entries_count = b.entries_count + m.entries,
        updated_at = %(now)s
    FROM moves m WHERE b.account_id = m.account_id
    RETURNING b.account_id
), created AS (
    INSERT INTO participants_jhtbalance (
        account_id, balance_idr, employer_idr, worker_idr, development_idr, other_idr, entries_count,
        updated_at)
    SELECT account_id, balance, employer, worker, development, other, entries, %(now)s
    FROM moves m WHERE NOT EXISTS (SELECT FROM updated u WHERE u.account_id = m.account_id)
    ON CONFLICT (account_id) DO NOTHING
    RETURNING account_id
)
SELECT s.entries, s.total, s.last_id, (SELECT count(*) FROM moves),
       (SELECT array_agg(ARRAY[account_id, balance, employer, worker, development, other, entries])
        FROM moves m
        WHERE NOT EXISTS (SELECT FROM updated u WHERE u.account_id = m.account_id)
          AND NOT EXISTS (SELECT FROM created c WHERE c.account_id = m.account_id)) AS lost
FROM (SELECT count(*) AS entries, coalesce(sum(amount_idr), 0) AS total, max(id) AS last_id
      FROM ledger) s
"""
_ARRAYS = ", ".join(f"%({name})s::{type_}[]" for name, type_ in _COLUMNS)
_FROM_LIST = f"SELECT * FROM unnest({_ARRAYS}) AS t({_NAMES})"  # noqa: S608 - our own names
_FROM_STAGING = f"SELECT {_NAMES} FROM {STAGING_TABLE}"  # noqa: S608 - our own names

_BALANCE_UPDATE = """
UPDATE participants_jhtbalance SET
    balance_idr = balance_idr + %s, employer_idr = employer_idr + %s, worker_idr = worker_idr + %s,
    development_idr = development_idr + %s, other_idr = other_idr + %s,
    entries_count = entries_count + %s, updated_at = %s
WHERE account_id = %s
"""


class InsufficientBalance(Exception):
    """The posting would make a KPJ's JHT balance negative; nothing was posted."""


@dataclass(frozen=True)
class NewEntry:
    """One entry to post (the columns of `LedgerEntry` that the caller chooses)."""

    account_id: int
    kind: str
    amount_idr: int
    value_date: dt.date
    idempotency_key: str
    employer_idr: int = 0
    worker_idr: int = 0
    period: dt.date | None = None
    year: int | None = None
    reason: str = ""
    created_by_id: int | None = None


@dataclass(frozen=True)
class LedgerStaging:
    """The temp table `ledger_staging` of this transaction (see `ledger_staging_create`)."""

    table: str = STAGING_TABLE
    columns: tuple[str, ...] = tuple(name for name, _type in _COLUMNS)


@dataclass(frozen=True)
class Posted:
    """What `ledger_post_batch` appended: entries posted (keys seen before are skipped), their sum,
    the balance rows moved, and the id of the last entry (the entry itself when one was posted)."""

    entries: int
    total_idr: int
    accounts: int
    last_id: int | None


def ledger_staging_create() -> LedgerStaging:
    """Create the empty temp table `ledger_staging` for a bulk posting in the current transaction.

    Fill it (`INSERT INTO ledger_staging (...) SELECT ...` or COPY; columns as `NewEntry`), then
    `ledger_post_batch(entries=staging)`. It is dropped at commit; a leftover of an earlier bulk posting
    in the same transaction (tests, nested imports) is dropped first.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{STAGING_TABLE}")
        cursor.execute(_STAGING_DDL)
    return LedgerStaging()


def ledger_post_batch(
    *, entries: Sequence[NewEntry] | LedgerStaging, now: dt.datetime | None = None
) -> Posted:
    """Append a staged set of entries and move the balance rows with them, atomically.

    `entries` is a list (a few entries: a payment, a payout, a correction) or the staging table filled
    by the caller (a bulk posting: the contribution import, the yearly development return). Entries
    whose idempotency key exists are skipped, so posting the same set again posts nothing.
    Raises InsufficientBalance when a balance would go below zero and IntegrityError for entries that
    break the ledger's constraints; in both cases nothing of the set is posted. `now` stamps the
    entries' `created_at` and the balance rows' `updated_at` (default: the current time).

    A staged table is first posted with a plain INSERT, in a savepoint: its entries are nearly always
    all new (the import's keys name contribution rows made in the same transaction), and ON CONFLICT's
    speculative insertion cost 1.0-1.3 s of CPU per 200,000 entries (bench/README.md). If a key exists,
    the plain INSERT fails at that entry, the savepoint undoes it, and the ON CONFLICT form posts the
    rest. A list goes straight to the ON CONFLICT form: for a few entries it costs nothing measurable,
    and a repeated payment notification or payout would pay for the failed attempt every time.
    """
    params: dict[str, Any] = {}
    accounts: set[int] | None = None
    if isinstance(entries, LedgerStaging):
        source = _FROM_STAGING
    else:
        if not entries:
            return Posted(0, 0, 0, None)
        source = _FROM_LIST
        params.update({name: [getattr(e, name) for e in entries] for name, _type in _COLUMNS})
        accounts = {e.account_id for e in entries}
    params["now"] = now or timezone.now()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            row = None
            if accounts is None:
                try:
                    with transaction.atomic():
                        cursor.execute(_post_sql(source, skip_present=False), params)
                        row = cursor.fetchone()
                except IntegrityError as exc:
                    if violated_constraint(exc) != "ledger_unique_idempotency_key":
                        raise
            if row is None:
                cursor.execute(_post_sql(source, skip_present=True), params)
                row = cursor.fetchone()
            count, total, last_id, moved, lost = row
            for account_id, *parts in lost or []:
                cursor.execute(_BALANCE_UPDATE, [*parts, params["now"], account_id])
    except IntegrityError as exc:
        if violated_constraint(exc) == "jht_balance_not_negative":
            raise InsufficientBalance(*sorted(accounts or ())) from exc
        raise
    posted = Posted(int(count), int(total), int(moved), last_id)
    if posted.entries:
        log.info(
            "ledger.posted", entries=posted.entries, accounts=posted.accounts, total_idr=posted.total_idr
        )
    return posted


def _post_sql(source: str, *, skip_present: bool) -> str:
    """The posting statement over `source`; without `skip_present` an existing key fails it."""
    on_conflict = "ON CONFLICT ON CONSTRAINT ledger_unique_idempotency_key DO NOTHING" if skip_present else ""
    return _POST.format(source=source, names=_NAMES, on_conflict=on_conflict)


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the constraint PostgreSQL reported for this IntegrityError, if it named one."""
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)


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
    """Append one entry and move the balance row with it (`ledger_post_batch` of one entry).

    Returns the new entry, or None when an entry with this idempotency key already exists (nothing
    changes). Raises InsufficientBalance when the balance would go below zero (nothing changes) and
    IntegrityError for entries that break the ledger's constraints.
    """
    entry = NewEntry(
        account_id=account_id,
        kind=kind,
        amount_idr=amount_idr,
        value_date=value_date,
        idempotency_key=idempotency_key,
        employer_idr=employer_idr,
        worker_idr=worker_idr,
        period=period,
        year=year,
        reason=reason,
        created_by_id=created_by_id,
    )
    now = timezone.now()
    posted = ledger_post_batch(entries=[entry], now=now)
    if not posted.entries:
        return None
    return LedgerEntry(id=posted.last_id, created_at=now, **vars(entry))


def contribution_credit_jht(
    *, contribution: Contribution, value_date: dt.date, reason: str = ""
) -> LedgerEntry | None:
    """Credit a contribution row's JHT shares (employer + worker) to its KPJ's ledger.

    The key is `contribution:<id>`, as in the bulk import, so each row is credited at most once.
    Returns None when there is nothing to credit (no JHT in this contribution) or it was credited before.
    """
    if contribution.jht_employer_idr + contribution.jht_worker_idr <= 0:
        return None
    return ledger_post(**vars(_contribution_entry(contribution, value_date=value_date, reason=reason)))


def contributions_credit_jht(
    *, contributions: Sequence[Contribution], value_date: dt.date, reason: str = ""
) -> int:
    """Credit the JHT shares of several contribution rows (a 12-month BPU payment) in one posting.

    Same keys as `contribution_credit_jht` (`contribution:<id>`): rows credited before, and rows without
    JHT, are skipped; posting the same rows again changes nothing. Returns the number of entries posted.
    """
    entries = [
        _contribution_entry(c, value_date=value_date, reason=reason)
        for c in contributions
        if c.jht_employer_idr + c.jht_worker_idr > 0
    ]
    return ledger_post_batch(entries=entries).entries


def _contribution_entry(contribution: Contribution, *, value_date: dt.date, reason: str) -> NewEntry:
    return NewEntry(
        account_id=contribution.participant_id,
        kind=EntryKind.CONTRIBUTION,
        amount_idr=contribution.jht_employer_idr + contribution.jht_worker_idr,
        employer_idr=contribution.jht_employer_idr,
        worker_idr=contribution.jht_worker_idr,
        value_date=value_date,
        period=contribution.period,
        idempotency_key=f"contribution:{contribution.pk}",
        reason=reason,
    )


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
