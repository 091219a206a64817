"""Simulasi iuran: what each segment pays, from the effective-dated rate table. Pure functions.

Rounding (docs/contributions.md#rounding): every component is computed in Decimal and rounded half up
to whole rupiah on its own (`portal.money.percent_of`), then the rounded components are added. For Jasa
Konstruksi each marginal tier of each programme is a component.

PMI: the placement package is the smallest one (6, 12 or 24 months) that covers the contract, up to
24 months; each contract month beyond 24 costs the per-month extension figure. Optional JHT is a
monthly tier (Rp50.000 to Rp600.000 in steps of Rp50.000) paid for every contract month.
"""

from __future__ import annotations

from dataclasses import dataclass

from participants.rates.calc import BpuShares, PuShares, bpu_shares, pu_shares
from participants.rates.discounts import AppliedDiscount, bpu_discount, pu_discount
from participants.rates.models import DiscountProgramme
from participants.rates.selectors import RateTable
from portal.money import Rupiah, percent_of

ALLOWED_MONTHS = (1, 3, 6, 12)
PMI_PACKAGES = (6, 12, 24)
JAKON_TIERS = 5


class SimulationError(ValueError):
    """Input outside what the rate table allows; the message is for users."""


@dataclass(frozen=True)
class BpuSimulation:
    monthly: BpuShares  # before any discount
    months: int
    discount: AppliedDiscount | None = None  # per month

    @property
    def discount_idr(self) -> int:
        return self.discount.total_idr if self.discount else 0

    @property
    def monthly_idr(self) -> int:
        """What is paid per month, the discount deducted."""
        return self.monthly.total_idr - self.discount_idr

    @property
    def total_idr(self) -> int:
        return self.monthly_idr * self.months


def simulate_bpu(
    *,
    income_idr: int,
    with_jht: bool,
    months: int,
    rates: RateTable,
    discount: DiscountProgramme | None = None,
) -> BpuSimulation:
    """`discount`: the programme the work type qualifies for in the simulated month (the caller picks it
    with `bpu_programme_for`); the simulation prices every month like the first."""
    low, high = rates.rupiah("JHT", "BPU", "income_min"), rates.rupiah("JHT", "BPU", "income_max")
    if not low <= income_idr <= high:
        raise SimulationError("income out of range")
    if months not in ALLOWED_MONTHS:
        raise SimulationError("months must be 1, 3, 6 or 12")
    monthly = bpu_shares(income_idr=income_idr, with_jht=with_jht, rates=rates)
    return BpuSimulation(monthly=monthly, months=months, discount=bpu_discount(monthly, discount))


@dataclass(frozen=True)
class PuSimulation:
    shares: PuShares  # before any discount
    jp_wage_idr: int
    jp_capped: bool
    discount: AppliedDiscount | None = None

    @property
    def discount_idr(self) -> int:
        return self.discount.total_idr if self.discount else 0

    @property
    def employer_idr(self) -> int:
        """The employer's share, the discount deducted (JKK and JKM are the employer's)."""
        s = self.shares
        return s.jht_employer_idr + s.jp_employer_idr + s.jkk_idr + s.jkm_idr - self.discount_idr

    @property
    def worker_idr(self) -> int:
        return self.shares.jht_worker_idr + self.shares.jp_worker_idr

    @property
    def total_idr(self) -> int:
        return self.employer_idr + self.worker_idr


def simulate_pu(
    *, wage_idr: int, risk_class: int, rates: RateTable, discount: DiscountProgramme | None = None
) -> PuSimulation:
    if wage_idr < 1:
        raise SimulationError("wage must be positive")
    if not 1 <= risk_class <= 5:
        raise SimulationError("risk class must be 1-5")
    cap = rates.rupiah("JP", "PU", "wage_cap")
    shares = pu_shares(wage_idr=wage_idr, risk_class=risk_class, rates=rates)
    return PuSimulation(
        shares=shares,
        jp_wage_idr=min(wage_idr, cap),
        jp_capped=wage_idr > cap,
        discount=pu_discount(shares, discount, wage_idr=wage_idr, risk_class=risk_class, rates=rates),
    )


@dataclass(frozen=True)
class PmiSimulation:
    contract_months: int
    package_months: int
    pre_departure_idr: int
    placement_idr: int
    extra_months: int
    extra_idr: int
    jht_monthly_idr: int
    jht_idr: int

    @property
    def jkk_jkm_idr(self) -> int:
        return self.pre_departure_idr + self.placement_idr + self.extra_idr

    @property
    def total_idr(self) -> int:
        return self.jkk_jkm_idr + self.jht_idr


def pmi_jht_tiers(rates: RateTable) -> list[int]:
    low, high, step = (rates.rupiah("JHT", "PMI", c) for c in ("min", "max", "step"))
    return list(range(low, high + 1, step))


def simulate_pmi(*, contract_months: int, jht_monthly_idr: int, rates: RateTable) -> PmiSimulation:
    if contract_months < 1:
        raise SimulationError("contract must be at least one month")
    if jht_monthly_idr and jht_monthly_idr not in pmi_jht_tiers(rates):
        raise SimulationError("unknown JHT tier")
    package = next((p for p in PMI_PACKAGES if contract_months <= p), PMI_PACKAGES[-1])
    extra = max(0, contract_months - PMI_PACKAGES[-1])
    return PmiSimulation(
        contract_months=contract_months,
        package_months=package,
        pre_departure_idr=rates.rupiah("JKK", "PMI", "pre_departure"),
        placement_idr=rates.rupiah("JKK", "PMI", f"placement_{package}"),
        extra_months=extra,
        extra_idr=extra * rates.rupiah("JKK", "PMI", "extra_month"),
        jht_monthly_idr=jht_monthly_idr,
        jht_idr=jht_monthly_idr * contract_months,
    )


@dataclass(frozen=True)
class Tier:
    lower_idr: int
    upper_idr: int | None  # None: no upper bound
    base_idr: int  # the part of the contract value inside this tier
    jkk_idr: Rupiah
    jkm_idr: Rupiah


@dataclass(frozen=True)
class JakonSimulation:
    contract_value_idr: int
    tiers: tuple[Tier, ...]

    @property
    def jkk_idr(self) -> int:
        return sum(t.jkk_idr for t in self.tiers)

    @property
    def jkm_idr(self) -> int:
        return sum(t.jkm_idr for t in self.tiers)

    @property
    def total_idr(self) -> int:
        return self.jkk_idr + self.jkm_idr


def simulate_jakon(*, contract_value_idr: int, rates: RateTable) -> JakonSimulation:
    """Marginal tiers: each tier's percent applies to the part of the value inside the tier only."""
    if contract_value_idr < 1:
        raise SimulationError("contract value must be positive")
    tiers: list[Tier] = []
    lower = 0
    for n in range(1, JAKON_TIERS + 1):
        upper = rates.rupiah("JKK", "JAKON", f"jkk_tier_{n}_upto") if n < JAKON_TIERS else None
        top = contract_value_idr if upper is None else min(contract_value_idr, upper)
        base = max(0, top - lower)
        tiers.append(
            Tier(
                lower_idr=lower,
                upper_idr=upper,
                base_idr=base,
                jkk_idr=percent_of(base, rates.get("JKK", "JAKON", f"jkk_tier_{n}")),
                jkm_idr=percent_of(base, rates.get("JKM", "JAKON", f"jkm_tier_{n}")),
            )
        )
        if upper is None or contract_value_idr <= upper:
            break
        lower = upper
    return JakonSimulation(contract_value_idr=contract_value_idr, tiers=tuple(tiers))
