"""Requesting and rendering the Rincian Saldo JHT (RSJHT, docs/balance.md#statement-rincian-saldo-jht).

A request only writes a `Statement` row and enqueues `participants.tasks.render_statement` after commit.
The task builds the snapshot (it sums the ledger, which a request must never do), renders the PDF once
and stores it in the private storage. Balances follow the month of the iuran: a contribution counts in
the year of its `period` whatever its posting date, development in the year it is for, other movements
(payouts, corrections, merges) on their value date. So one year's closing balance is the next year's
opening balance.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import structlog
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Case, DateField, F, Func, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from participants import notices
from participants.ledger.models import EntryKind, LedgerEntry
from participants.models import Contribution, Participant, User
from participants.overview.alerts import months_between
from participants.rates.models import DevelopmentRate
from participants.statements.models import IN_PROGRESS, DocumentStatus, Statement
from portal.effects.services import effect_resend_if_stuck, effect_schedule
from portal.masking import mask_nik
from portal.pdf import render_pdf

log = structlog.get_logger(__name__)

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


def _document_number(year: int) -> str:
    code = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"RSJHT/{year}/{code[:4]}-{code[4:]}"


def statement_request(*, participant: Participant, year: int, requested_by: User) -> tuple[Statement, bool]:
    """Ask for the statement of `participant` for `year`; returns (statement, created).

    Idempotent while one is in progress: a second request for the same KPJ/year returns the statement
    already requested or rendering (a partial unique constraint guards against concurrent requests),
    and sends its render task again if that is past its deadline (lost in a broker outage, its worker
    died). The render is recorded as an effect with the statement and sent after commit.
    """
    from participants.tasks import render_statement

    for _attempt in range(5):
        existing = Statement.objects.filter(
            participant=participant, year=year, status__in=IN_PROGRESS
        ).first()
        if existing is not None:
            effect_resend_if_stuck(render_statement, existing.pk)
            return existing, False
        try:
            with transaction.atomic():
                statement = Statement.objects.create(
                    participant=participant,
                    year=year,
                    document_number=_document_number(year),
                    requested_by=requested_by,
                )
                effect_schedule(render_statement, statement.pk)
        except IntegrityError:
            continue  # a concurrent request won, or (very rarely) the document number was taken
        log.info("statement.requested", statement_id=statement.pk, year=year)
        return statement, True
    raise RuntimeError("could not create a statement")


def _ledger_year(account_id: int, year: int) -> dict[str, int]:
    """Opening balance and the year's movements from the ledger, in one query (task only)."""
    jan_1 = dt.date(year, 1, 1)
    entries = LedgerEntry.objects.filter(account_id=account_id).annotate(
        counts_on=Case(
            When(kind=EntryKind.CONTRIBUTION, then=Coalesce(F("period"), F("value_date"))),
            When(
                kind=EntryKind.DEVELOPMENT,
                then=Func(F("year"), Value(12), Value(31), function="make_date", output_field=DateField()),
            ),
            default=F("value_date"),
            output_field=DateField(),
        )
    )
    in_year = Q(counts_on__year=year)
    totals = entries.aggregate(
        opening=Coalesce(Sum("amount_idr", filter=Q(counts_on__lt=jan_1)), 0),
        contributions=Coalesce(Sum("amount_idr", filter=in_year & Q(kind=EntryKind.CONTRIBUTION)), 0),
        development=Coalesce(Sum("amount_idr", filter=in_year & Q(kind=EntryKind.DEVELOPMENT)), 0),
        other=Coalesce(
            Sum("amount_idr", filter=in_year & ~Q(kind__in=[EntryKind.CONTRIBUTION, EntryKind.DEVELOPMENT])),
            0,
        ),
    )
    return {k: int(v) for k, v in totals.items()}


def statement_build_data(*, participant: Participant, year: int, today: dt.date) -> dict[str, Any]:
    """The snapshot written into a statement: JSON only (dates as ISO strings)."""
    ledger = _ledger_year(participant.pk, year)
    contributions = list(
        Contribution.objects.filter(participant=participant, period__year=year)
        .select_related("employer")
        .order_by("period", "posted_at")
    )
    by_month: dict[dt.date, list[Contribution]] = {}
    for c in contributions:
        by_month.setdefault(c.period, []).append(c)
    first = max(dt.date(year, 1, 1), participant.registered_on.replace(day=1))
    last = min(dt.date(year, 12, 1), today.replace(day=1))
    rows: list[dict[str, Any]] = []
    for month in months_between(first, last):
        for c in by_month.get(month, []):
            rows.append(
                {
                    "month": month.isoformat(),
                    "posted_on": timezone.localdate(c.posted_at).isoformat(),
                    "employer": c.employer.name if c.employer else "",
                    "wage_idr": c.wage_idr,
                    "jht_employer_idr": c.jht_employer_idr,
                    "jht_worker_idr": c.jht_worker_idr,
                    "jp_employer_idr": c.jp_employer_idr,
                    "jp_worker_idr": c.jp_worker_idr,
                    "missing": False,
                }
            )
        if month not in by_month and month < today.replace(day=1):
            rows.append({"month": month.isoformat(), "missing": True})
    rate = DevelopmentRate.objects.filter(year=year).first()
    closing = ledger["opening"] + ledger["contributions"] + ledger["development"] + ledger["other"]
    return {
        "kpj": participant.kpj,
        "full_name": participant.full_name,
        "nik_masked": mask_nik(participant.nik),
        "category": participant.get_category_display(),
        "branch": participant.branch.name,
        "year": year,
        "as_of": min(today, dt.date(year, 12, 31)).isoformat(),
        "opening_balance_idr": ledger["opening"],
        "rows": rows,
        "contributions_idr": ledger["contributions"],
        "development_idr": ledger["development"],
        "development_rate": str(rate.rate_percent) if rate else None,
        "development_rate_assumed": bool(rate and rate.assumed),
        "other_idr": ledger["other"],
        "closing_balance_idr": closing,
    }


def _dates(value: Any) -> Any:
    """ISO date strings in the snapshot back to dates, for the `tanggal` filter."""
    if isinstance(value, dict):
        return {k: _dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates(v) for v in value]
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def statement_pdf_context(statement: Statement) -> dict[str, Any]:
    data = _dates(statement.data)
    return {
        "document_number": statement.document_number,
        "issued_at": statement.rendered_at or timezone.now(),
        "s": data,
        "totals": {
            key: sum(r.get(key, 0) for r in data["rows"])
            for key in ("wage_idr", "jht_employer_idr", "jht_worker_idr", "jp_employer_idr", "jp_worker_idr")
        },
    }


def statement_render(*, statement_id: int) -> Statement | None:
    """Build the snapshot (once) and render the PDF of a requested statement.

    Safe to run twice: the row is locked for the run, and a statement already `ready` is left alone.
    On failure the statement is marked `failed` (the participant can request again) and the error is
    re-raised for the worker's logs.
    """
    try:
        with transaction.atomic():
            statement = (
                Statement.objects.select_for_update()
                .select_related("participant__branch")
                .filter(pk=statement_id)
                .first()
            )
            if statement is None or statement.status == DocumentStatus.READY:
                return statement
            statement.status = DocumentStatus.RENDERING
            if not statement.data:
                statement.data = statement_build_data(
                    participant=statement.participant, year=statement.year, today=timezone.localdate()
                )
            statement.rendered_at = timezone.now()
            pdf = render_pdf("participants/pdf/statement.html", statement_pdf_context(statement))
            statement.file.save(f"{statement.public_id}.pdf", ContentFile(pdf), save=False)
            statement.status = DocumentStatus.READY
            statement.save()
            notices.statement_ready(statement=statement)
    except Exception:
        Statement.objects.filter(pk=statement_id).exclude(status=DocumentStatus.READY).update(
            status=DocumentStatus.FAILED, updated_at=timezone.now()
        )
        log.exception("statement.render_failed", statement_id=statement_id)
        raise
    log.info("statement.rendered", statement_id=statement_id, bytes=len(pdf))
    return statement
