"""The admin index: today's work of the staff member's branch (auditors and administrators: all).

Small selectors, each one aggregate query over an indexed column, scoped by `branch_scope_q`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.http import HttpRequest
from django.utils import timezone

from accounts.roles import branch_scope_q, staff_roles
from backoffice.admin.figure_proposals import propose_url
from claims.models import OPEN_STATUSES, Claim, ClaimPayout, ClaimStatus, PayoutOutcome
from contributions.models import Channel, Payment, PaymentStatus
from participants.models import User
from participants.rates.models import FigureChange
from participants.rates.proposals import can_decide, can_propose
from participants.rates.warnings import FigureWarning, figure_warnings

FAILED_PAYOUTS = [o for o in PayoutOutcome.values if o not in (PayoutOutcome.PENDING, PayoutOutcome.SUCCESS)]


@dataclass(frozen=True)
class ClaimFigures:
    by_status: list[tuple[str, str, int]]  # (status, label, count)
    due_today: int
    breached: int
    avg_days_to_payment: float | None
    failed_transfers: int


@dataclass(frozen=True)
class PaymentFigures:
    today_by_channel: list[tuple[str, int, int]]  # (channel label, count, sum)
    flagged: int


def claim_figures(*, user: User, today: dt.date | None = None) -> ClaimFigures:
    """Claims by status, due today / breached (open claims only), the average days from submission to
    payment over the last 30 days and failed transfers of the last 30 days. Four queries."""
    today = today or timezone.localdate()
    claims = Claim.objects.filter(branch_scope_q(user, "branch"))
    open_statuses = sorted(OPEN_STATUSES)
    counts = dict(claims.values_list("status").annotate(n=Count("*")).order_by())
    by_status = [
        (s.value, str(s.label), counts.get(s.value, 0)) for s in ClaimStatus if s != ClaimStatus.DRAFT
    ]
    due = claims.filter(status__in=open_statuses).aggregate(
        due_today=Count("pk", filter=Q(due_date=today)), breached=Count("pk", filter=Q(due_date__lt=today))
    )
    since = timezone.now() - dt.timedelta(days=30)
    avg = (
        claims.filter(status=ClaimStatus.PAID, paid_at__gte=since, submitted_at__isnull=False)
        .annotate(took=ExpressionWrapper(F("paid_at") - F("submitted_at"), output_field=DurationField()))
        .aggregate(avg=Avg("took"))["avg"]
    )
    failed = ClaimPayout.objects.filter(
        branch_scope_q(user, "claim__branch"), outcome__in=FAILED_PAYOUTS, created_at__gte=since
    ).count()
    return ClaimFigures(
        by_status=by_status,
        due_today=due["due_today"],
        breached=due["breached"],
        avg_days_to_payment=round(avg.total_seconds() / 86400, 1) if avg is not None else None,
        failed_transfers=failed,
    )


def payment_figures(*, user: User, today: dt.date | None = None) -> PaymentFigures:
    """Settled payments today per channel (count, sum) and open review flags. Two queries."""
    today = today or timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    payments = Payment.objects.filter(branch_scope_q(user, "participant__branch"))
    rows = (
        payments.filter(
            status=PaymentStatus.SETTLEMENT, paid_at__gte=start, paid_at__lt=start + dt.timedelta(days=1)
        )
        .values_list("channel")
        .annotate(n=Count("pk"), total=Sum("amount_idr"))
        .order_by("channel")
    )
    labels = dict(Channel.choices)
    return PaymentFigures(
        today_by_channel=[(str(labels.get(c, c)), n, total or 0) for c, n, total in rows],
        flagged=payments.filter(needs_review=True).count(),
    )


@dataclass(frozen=True)
class FigureAlert:
    message: str
    propose_url: str | None  # None: the staff member may not propose


def _propose_link(warning: FigureWarning) -> str:
    if warning.kind == "rate_ending" and warning.name is not None and warning.ends_on is not None:
        program, segment, component = warning.name
        return propose_url(
            FigureChange.RATE_ADD,
            program=program,
            segment=segment,
            component=component,
            unit=warning.unit,
            effective_from=(warning.ends_on + dt.timedelta(days=1)).isoformat(),
        )
    if warning.kind == "rate_missing" and warning.name is not None:
        program, segment, component = warning.name
        return propose_url(FigureChange.RATE_ADD, program=program, segment=segment, component=component)
    if warning.kind == "discount_ending":
        return propose_url(FigureChange.DISCOUNT_END, baris=warning.row_id)
    return propose_url(FigureChange.DEVELOPMENT_SET, year=warning.year)


def figure_alerts(*, user: User, today: dt.date | None = None) -> list[FigureAlert] | None:
    """Figures running out (participants/rates/warnings.py), for the staff who change figures (None for
    everyone else: figures are national, a branch cannot act on them). Four queries."""
    if not (can_propose(user) or can_decide(user)):
        return None
    proposes = can_propose(user)
    return [
        FigureAlert(message=w.message, propose_url=_propose_link(w) if proposes else None)
        for w in figure_warnings(today=today or timezone.localdate())
    ]


def dashboard_callback(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    """UNFOLD["DASHBOARD_CALLBACK"]: the figures for templates/admin/index.html."""
    user = request.user
    if not staff_roles(user):
        return context
    branch = getattr(user, "branch", None)
    context.update(
        {
            "claims_figures": claim_figures(user=user),  # type: ignore[arg-type]
            "payment_figures": payment_figures(user=user),  # type: ignore[arg-type]
            "figure_alerts": figure_alerts(user=user),  # type: ignore[arg-type]
            "scope_label": str(branch) if branch is not None and not user.is_superuser else None,
        }
    )
    return context
