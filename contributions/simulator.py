"""The simulator service: one entry point for the HTML page and `GET /simulasi.json`.

Picks the rate table and the discount programmes in force on the chosen date, runs the pure functions of
`contributions.simulation` and answers per-month lines in whole rupiah. Reads only; stores nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from contributions import simulation
from participants.rates.discounts import AppliedDiscount, bpu_programme_for, pu_programme_for
from participants.rates.selectors import MissingRate, RateTable, discounts_between, rate_table_on


def simulation_run(
    *, segment: str, params: dict[str, Any], on: dt.date, rates: RateTable | None = None
) -> tuple[RateTable, Any]:
    """`segment`: bpu, pu, pmi or jakon; `params`: a simulation form's cleaned data; `rates`: the table
    on `on` when the caller already has it. Raises `simulation.SimulationError` when the input or the
    date is outside the rate table."""
    rates = rates if rates is not None else rate_table_on(on)
    period = on.replace(day=1)
    try:
        if segment == "bpu":
            programme = bpu_programme_for(
                discounts_between("BPU", period, period), period=period, work_type=params.get("work_type", "")
            )
            return rates, simulation.simulate_bpu(
                income_idr=params["income_idr"],
                with_jht=params["with_jht"],
                months=params["months"],
                rates=rates,
                discount=programme,
            )
        if segment == "pu":
            programme = (
                pu_programme_for(
                    discounts_between("PU", period, period), period=period, labour_intensive=True
                )
                if params.get("labour_intensive")
                else None
            )
            return rates, simulation.simulate_pu(
                wage_idr=params["wage_idr"], risk_class=params["risk_class"], rates=rates, discount=programme
            )
        if segment == "pmi":
            return rates, simulation.simulate_pmi(
                contract_months=params["contract_months"],
                jht_monthly_idr=params["jht_monthly_idr"],
                rates=rates,
            )
        return rates, simulation.simulate_jakon(contract_value_idr=params["contract_value_idr"], rates=rates)
    except MissingRate as exc:
        raise simulation.SimulationError("no rate table on that date") from exc


def _discount_line(discount: AppliedDiscount | None) -> list[dict[str, Any]]:
    if discount is None:
        return []
    return [
        {
            "code": discount.code,
            "label": discount.label,
            "percent": str(discount.percent),
            "jkk_idr": discount.jkk_idr,
            "jkm_idr": discount.jkm_idr,
            "total_idr": discount.total_idr,
            "source": discount.source,
        }
    ]


def simulation_as_dict(segment: str, result: Any) -> dict[str, Any]:
    """The JSON answer: every component, each discount and the total per month, whole rupiah."""
    if isinstance(result, simulation.BpuSimulation):
        m = result.monthly
        return {
            "components": {"JKK": m.jkk_idr, "JKM": m.jkm_idr, "JHT": m.jht_idr},
            "discounts": _discount_line(result.discount),
            "monthly_total_idr": result.monthly_idr,
            "months": result.months,
            "total_idr": result.total_idr,
        }
    if isinstance(result, simulation.PuSimulation):
        s = result.shares
        return {
            "components": {
                "JHT_employer": s.jht_employer_idr,
                "JHT_worker": s.jht_worker_idr,
                "JP_employer": s.jp_employer_idr,
                "JP_worker": s.jp_worker_idr,
                "JKK": s.jkk_idr,
                "JKM": s.jkm_idr,
                "JKP": 0,
            },
            "jp_wage_idr": result.jp_wage_idr,
            "jp_capped": result.jp_capped,
            "discounts": _discount_line(result.discount),
            "employer_idr": result.employer_idr,
            "worker_idr": result.worker_idr,
            "monthly_total_idr": result.total_idr,
        }
    if isinstance(result, simulation.PmiSimulation):
        return {
            "components": {
                "pre_departure": result.pre_departure_idr,
                "placement": result.placement_idr,
                "extension": result.extra_idr,
                "JHT": result.jht_idr,
            },
            "package_months": result.package_months,
            "discounts": [],
            "total_idr": result.total_idr,
        }
    return {
        "components": {"JKK": result.jkk_idr, "JKM": result.jkm_idr},
        "discounts": [],
        "total_idr": result.total_idr,
    }
