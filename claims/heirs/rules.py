"""The figures of the death benefits in force on the date of death, read from the rate table (loaded by
claims/migrations/0006_heirs_death_benefit_rates.py; sources in docs/heirs.md). No figure lives in code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from claims.heirs.facts import SchoolLevel
from participants.rates.selectors import MissingRate, RateTable, rate_table_on

SCHOLARSHIP_LEVELS: tuple[SchoolLevel, ...] = (
    SchoolLevel.TK_SD,
    SchoolLevel.SMP,
    SchoolLevel.SMA,
    SchoolLevel.PT,
)


@dataclass(frozen=True)
class JpRules:
    percent_per_year: Decimal
    survivor_min_years: int
    min_membership_months: int
    min_density_percent: int
    spouse_share: Decimal
    child_share: Decimal
    parent_share: Decimal
    # The monthly benefit's floor and ceiling; None on dates the table has no figure for.
    benefit_min_idr: int | None
    benefit_max_idr: int | None


@dataclass(frozen=True)
class DeathRules:
    on: dt.date
    jkm_lump_sum_idr: int
    jkm_periodic_monthly_idr: int
    jkm_periodic_months: int
    jkm_burial_idr: int
    scholarship_min_years: int
    scholarship_max_children: int
    scholarship_max_age: int
    # Per level: (rupiah per year, maximum number of years).
    scholarship: dict[SchoolLevel, tuple[int, int]]
    jkk_wage_multiple: int
    jkk_periodic_monthly_idr: int
    jkk_periodic_months: int
    jkk_burial_idr: int
    jp: JpRules


def _optional_rupiah(table: RateTable, component: str) -> int | None:
    value = table.values.get(("JP", "PU", component))
    return int(value) if value is not None else None


def death_rules_on(on: dt.date) -> DeathRules:
    """The figures in force on `on` (the date of death). One query. Raises MissingRate when the table has no
    figure for that date (a death before PP 82/2019 took effect: the branch decides on the old rules)."""
    table = rate_table_on(on)

    def jkm(component: str) -> int:
        return table.rupiah("JKM", "ALL", component)

    def jkk(component: str) -> int:
        return table.rupiah("JKK", "ALL", component)

    def jp(component: str) -> Decimal:
        return table.get("JP", "PU", component)

    return DeathRules(
        on=on,
        jkm_lump_sum_idr=jkm("lump_sum"),
        jkm_periodic_monthly_idr=jkm("periodic_monthly"),
        jkm_periodic_months=jkm("periodic_months"),
        jkm_burial_idr=jkm("burial"),
        scholarship_min_years=jkm("scholarship_min_years"),
        scholarship_max_children=jkm("scholarship_max_children"),
        scholarship_max_age=jkm("scholarship_max_age"),
        scholarship={
            level: (jkm(f"scholarship_{level}"), jkm(f"scholarship_{level}_years"))
            for level in SCHOLARSHIP_LEVELS
        },
        jkk_wage_multiple=jkk("death_wage_multiple"),
        jkk_periodic_monthly_idr=jkk("death_periodic_monthly"),
        jkk_periodic_months=jkk("death_periodic_months"),
        jkk_burial_idr=jkk("death_burial"),
        jp=JpRules(
            percent_per_year=jp("benefit_percent_per_year"),
            survivor_min_years=int(jp("survivor_min_years")),
            min_membership_months=int(jp("survivor_min_membership_months")),
            min_density_percent=int(jp("survivor_min_density")),
            spouse_share=jp("survivor_spouse_share"),
            child_share=jp("survivor_child_share"),
            parent_share=jp("survivor_parent_share"),
            benefit_min_idr=_optional_rupiah(table, "benefit_min"),
            benefit_max_idr=_optional_rupiah(table, "benefit_max"),
        ),
    )


__all__ = ["SCHOLARSHIP_LEVELS", "DeathRules", "JpRules", "MissingRate", "death_rules_on"]
