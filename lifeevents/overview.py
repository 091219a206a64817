"""What the PHK and pension pages show: the rules (lifeevents.rules) applied to the person's facts
(lifeevents.selectors) with the figures in force (lifeevents.figures). Reads only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from claims.eligibility import Eligibility, TaxCalculation, evaluate, tax_calculation
from claims.models import ClaimReason
from claims.selectors import claim_facts_for_person
from lifeevents.figures import jkp_figures_on, jp_figures_on, pension_age_schedule
from lifeevents.rules import (
    JkpAssessment,
    JpEstimate,
    JpFigures,
    JpYear,
    PensionDate,
    jht_opens_on,
    jkp_assess,
    jp_estimate,
    jp_projection,
    pension_date,
    validate_exit,
)
from lifeevents.selectors import JpHistory, Person, contribution_months, jp_history
from participants.rates.selectors import MissingRate
from portal.dates import add_months, month_start

# The claim reason the JHT engine knows for each stated exit type.
CLAIM_REASON_FOR = {
    "phk": ClaimReason.PHK,
    "contract_early": ClaimReason.PHK,
    "resign": ClaimReason.RESIGN,
    "contract_end": ClaimReason.CONTRACT_END,
}


@dataclass(frozen=True)
class JhtAfterExit:
    opens_on: dt.date
    balance_idr: int
    tax: TaxCalculation
    net_idr: int
    claim_reason: str  # "" when the exit type has no JHT claim reason of its own
    engine: Eligibility | None  # the claims engine's answer today (exit as the employer reported it)

    @property
    def can_start(self) -> bool:
        return self.engine is not None and self.engine.eligible


@dataclass(frozen=True)
class JpPosition:
    history: JpHistory
    figures: JpFigures
    pension: PensionDate
    estimate: JpEstimate  # on the record so far, no further contributions


@dataclass(frozen=True)
class PhkOverview:
    jkp: JkpAssessment | None  # None when the rate table has no JKP rules for the PHK date
    jht: JhtAfterExit
    jp: JpPosition


def _jht_after_exit(*, person: Person, phk_date: dt.date, exit_type: str, today: dt.date) -> JhtAfterExit:
    facts = claim_facts_for_person(nik_index=person.nik_index, today=today)
    opens_on = jht_opens_on(
        exit_date=phk_date, exit_type=exit_type, waiting_months=facts.rules.waiting_months
    )
    balance = sum(a.balance_idr for a in facts.accounts)
    # Taxed as if paid on the day the claim opens (or today, when it is already open).
    tax = tax_calculation(
        gross_idr=balance,
        payment_date=max(opens_on, today),
        earlier_payments=facts.earlier_payments,
        rules=facts.rules,
    )
    reason = CLAIM_REASON_FOR.get(exit_type, "")
    engine = evaluate(facts, reason) if reason else None
    return JhtAfterExit(
        opens_on=opens_on,
        balance_idr=balance,
        tax=tax,
        net_idr=balance - tax.tax_idr,
        claim_reason=reason,
        engine=engine,
    )


def jp_position(*, person: Person, today: dt.date) -> JpPosition:
    history = jp_history(person=person, today=today)
    pension = pension_date(birth_date=person.birth_date, schedule=pension_age_schedule())
    figures = jp_figures_on(today)
    estimate = jp_estimate(
        months=history.months,
        average_wage_idr=history.average_wage_idr,
        contributions_idr=history.contributions_idr,
        figures=figures,
    )
    return JpPosition(history=history, figures=figures, pension=pension, estimate=estimate)


def phk_overview(
    *, person: Person, phk_date: dt.date, exit_type: str, employment_start: dt.date | None, today: dt.date
) -> PhkOverview:
    """Everything the PHK page shows. Raises lifeevents.rules.InvalidFacts for impossible facts."""
    jkp = None
    try:
        figures = jkp_figures_on(phk_date)
    except MissingRate:
        figures = None
    if figures is not None:
        months = contribution_months(
            person=person,
            first=add_months(month_start(phk_date), -(figures.window_months - 1)),
            last=month_start(phk_date),
        )
        jkp = jkp_assess(
            phk_date=phk_date,
            exit_type=exit_type,
            employment_start=employment_start,
            months=months,
            today=today,
            figures=figures,
        )
    else:  # still refuse impossible dates without JKP rules for them
        validate_exit(phk_date=phk_date, employment_start=employment_start, today=today)
    return PhkOverview(
        jkp=jkp,
        jht=_jht_after_exit(person=person, phk_date=phk_date, exit_type=exit_type, today=today),
        jp=jp_position(person=person, today=today),
    )


@dataclass(frozen=True)
class PensionOverview:
    jp: JpPosition
    projection: list[JpYear]
    at_pension: JpEstimate  # keeps contributing until the pension date
    jht_balance_idr: int
    jht_net_idr: int
    jht_tax: TaxCalculation
    working: bool


def pension_overview(*, person: Person, today: dt.date) -> PensionOverview:
    position = jp_position(person=person, today=today)
    figures = position.figures
    h = position.history
    projection = (
        jp_projection(
            months_so_far=h.months,
            average_wage_idr=h.average_wage_idr,
            contributions_so_far_idr=h.contributions_idr,
            monthly_wage_idr=h.last_wage_idr,
            jp_percent=h.jp_percent,
            today=today,
            pension=position.pension,
            figures=figures,
            last_period=h.last_period,
        )
        if person.working and position.pension.date > today
        else []
    )
    facts = claim_facts_for_person(nik_index=person.nik_index, today=today)
    balance = sum(a.balance_idr for a in facts.accounts)
    tax = tax_calculation(
        gross_idr=balance,
        payment_date=max(position.pension.date, today),
        earlier_payments=facts.earlier_payments,
        rules=facts.rules,
    )
    return PensionOverview(
        jp=position,
        projection=projection,
        at_pension=projection[-1].estimate if projection else position.estimate,
        jht_balance_idr=balance,
        jht_net_idr=balance - tax.tax_idr,
        jht_tax=tax,
        working=person.working,
    )
