"""Reading claims on behalf of a user, and gathering the facts the eligibility engine needs."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet
from django.db.models.functions import JSONObject
from django.http import Http404
from django.utils import timezone

from claims.eligibility import (
    AccountFacts,
    ClaimRules,
    Eligibility,
    EmploymentFacts,
    PersonFacts,
    evaluate_all,
)
from claims.models import OPEN_STATUSES, PARTIAL_REASONS, Claim, ClaimStatus
from participants.models import Employment, Participant, User
from participants.rates.selectors import rate_table_on

# Second approval has no figure in the regulation: it is our internal control, loaded by
# claims/migrations/0002 into the rate table like the other claim figures.
_RULE_COMPONENTS = {
    "npwp_threshold_idr": "npwp_threshold",
    "tax_free_upto_idr": "tax_free_upto",
    "online_limit_idr": "online_limit",
    "partial_min_years": "partial_min_years",
    "waiting_months": "waiting_months",
    "second_approval_threshold_idr": "second_approval_threshold",
}


def claim_rules_on(on: dt.date) -> ClaimRules:
    """The claim figures in force on `on` (rate table, program KLAIM, segment ALL). One query."""
    table = rate_table_on(on)
    values: dict[str, int] = {field: table.rupiah("KLAIM", "ALL", c) for field, c in _RULE_COMPONENTS.items()}
    # Pasal 17 brackets: pit_rate_n for each bracket, pit_bracket_n_upto for all but the last.
    brackets: list[tuple[int | None, Decimal]] = []
    for n in range(1, 10):
        rate = table.values.get(("KLAIM", "ALL", f"pit_rate_{n}"))
        if rate is None:
            break
        upper = table.values.get(("KLAIM", "ALL", f"pit_bracket_{n}_upto"))
        brackets.append((int(upper) if upper is not None else None, Decimal(rate)))
    if brackets:
        brackets[-1] = (None, brackets[-1][1])  # the last bracket has no upper bound
    return ClaimRules(
        tax_rate_percent=Decimal(table.get("KLAIM", "ALL", "tax_rate")),
        final_tax_years=table.rupiah("KLAIM", "ALL", "final_tax_years"),
        pit_brackets=tuple(brackets),
        **values,
    )


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def claim_facts_for_person(
    *, nik_index: str, today: dt.date | None = None, exclude_claim_id: int | None = None
) -> PersonFacts:
    """Everything eligibility needs about the person (every KPJ of the NIK). Three queries, whatever the
    number of KPJs, employments or past claims. `exclude_claim_id`: the claim being checked itself."""
    today = today or timezone.localdate()
    # The employments come along as a JSON array per KPJ (one round trip instead of two).
    employment_rows = ArraySubquery(
        Employment.objects.filter(participant_id=OuterRef("pk")).values(
            row=JSONObject(
                start_date="start_date",
                end_date="end_date",
                exit_reported_on="exit_reported_on",
                exit_reason="exit_reason",
            )
        )
    )
    rows = list(
        Participant.objects.filter(nik_index=nik_index)
        .order_by("registered_on", "kpj")
        .annotate(employment_rows=employment_rows)
        .values(
            "id",
            "kpj",
            "category",
            "status",
            "registered_on",
            "birth_date",
            "jht_balance__balance_idr",
            "employment_rows",
        )
    )
    if not rows:
        raise Participant.DoesNotExist
    accounts = tuple(
        AccountFacts(
            participant_id=r["id"],
            kpj=r["kpj"],
            category=r["category"],
            status=r["status"],
            registered_on=r["registered_on"],
            balance_idr=r["jht_balance__balance_idr"] or 0,
        )
        for r in rows
    )
    employments = tuple(
        EmploymentFacts(
            participant_id=r["id"],
            start_date=dt.date.fromisoformat(e["start_date"]),
            end_date=_date(e["end_date"]),
            exit_reported_on=_date(e["exit_reported_on"]),
            exit_reason=e["exit_reason"],
        )
        for r in rows
        for e in r["employment_rows"]
    )
    claims = Claim.objects.filter(nik_index=nik_index)
    if exclude_claim_id is not None:
        claims = claims.exclude(pk=exclude_claim_id)
    claim_rows = list(claims.values_list("reason", "status", "gross_idr", "paid_at"))
    counted = OPEN_STATUSES | {ClaimStatus.PAID}
    return PersonFacts(
        today=today,
        birth_date=rows[0]["birth_date"],
        accounts=accounts,
        employments=employments,
        has_other_open_claim=any(status in OPEN_STATUSES for _, status, _, _ in claim_rows),
        has_partial_claim=any(
            reason in PARTIAL_REASONS and status in counted for reason, status, _, _ in claim_rows
        ),
        paid_before_idr=sum(gross for _, status, gross, _ in claim_rows if status == ClaimStatus.PAID),
        earlier_payments=tuple(
            (timezone.localtime(paid_at).date() if paid_at else today, gross)
            for _, status, gross, paid_at in claim_rows
            if status == ClaimStatus.PAID
        ),
        rules=claim_rules_on(today),
    )


def eligibility_for_user(*, user: User, today: dt.date | None = None) -> dict[str, Eligibility]:
    """Eligibility for every claim reason at once for the person behind the account; {} without a KPJ."""
    first = Participant.objects.filter(user=user).order_by("registered_on", "kpj").values("nik_index").first()
    if first is None:
        return {}
    return evaluate_all(claim_facts_for_person(nik_index=first["nik_index"], today=today))


def claims_of_user(*, user: User) -> QuerySet[Claim]:
    """Every claim of the person(s) behind the account's KPJs, newest first."""
    own = Participant.objects.filter(user=user).values("nik_index")
    return Claim.objects.filter(nik_index__in=own).select_related("participant").order_by("-created_at")


def open_claim_of_user(*, user: User) -> Claim | None:
    """The claim in progress (submitted, not yet paid, rejected or cancelled) of the person behind the
    account, if any: a person has at most one (database-enforced), so a new claim is blocked at the start."""
    own = Participant.objects.filter(user=user).values("nik_index")
    return Claim.objects.filter(nik_index__in=own, status__in=OPEN_STATUSES).order_by("-created_at").first()


def claim_get_for_participant(*, user: User, claim_id: uuid.UUID | str) -> Claim:
    """One of the user's claims by its public id; 404 for anything else (another person's claim too)."""
    try:
        return claims_of_user(user=user).get(public_id=claim_id)
    except (Claim.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404 from None
