"""Published worked examples (tests/data/worked_examples.json) reproduced to the rupiah by the portal's
own services: the simulator service for contributions, discounts and the JP cap (the same one behind
`/simulasi/` and `/simulasi.json`, which billing shares through `participants.rates`), and the
claim engine's `tax_calculation` for JHT tax."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from claims.eligibility import ClaimRules, tax_calculation
from claims.selectors import claim_rules_on
from contributions.simulator import simulation_as_dict, simulation_run
from participants.rates.selectors import MissingRate, rate_table_on

pytestmark = pytest.mark.django_db

DATA = json.loads((Path(__file__).parent.parent / "data" / "worked_examples.json").read_text("utf-8"))
EXAMPLES = DATA["examples"]
# The heirs' benefits (kind "heirs") are reproduced by tests/claims/test_heirs_benefits.py.
SIMULATED = [e for e in EXAMPLES if e["kind"] != "heirs"]


def _dig(answer: dict[str, Any], dotted: str) -> Any:
    value: Any = answer
    for key in dotted.split("."):
        value = value[int(key)] if isinstance(value, list) else value[key]
    return value


def _simulate(kind: str, inputs: dict[str, Any], on: dt.date) -> dict[str, Any]:
    if kind == "pu":
        params = {
            "wage_idr": inputs["wage_idr"],
            "risk_class": inputs["risk_class"],
            "labour_intensive": inputs.get("labour_intensive", False),
        }
    else:
        params = {
            "income_idr": inputs["income_idr"],
            "with_jht": inputs["with_jht"],
            "work_type": inputs["work_type"],
            "months": 1,
        }
    _rates, result = simulation_run(segment=kind, params=params, on=on)
    answer = simulation_as_dict(kind, result)
    answer["components_total"] = sum(answer["components"].values())
    if kind == "pu" and answer["discounts"]:
        charged = answer["components"]["JKK"] - answer["discounts"][0]["jkk_idr"]
        answer["jkk_percent_after_discount"] = str((Decimal(charged) * 100 / inputs["wage_idr"]).normalize())
    return answer


def _rules_on(on: dt.date) -> ClaimRules:
    """The claim figures in force on `on`. Before the JMO online limit existed (2024) the table has no
    complete claim-rule set, but the tax figures (PP 68/2009, from 2009) are there: use those."""
    try:
        return claim_rules_on(on)
    except MissingRate:
        table = rate_table_on(on)
        return ClaimRules(
            tax_free_upto_idr=table.rupiah("KLAIM", "ALL", "tax_free_upto"),
            tax_rate_percent=table.get("KLAIM", "ALL", "tax_rate"),
            final_tax_years=table.rupiah("KLAIM", "ALL", "final_tax_years"),
        )


def test_at_least_fifteen_examples_each_with_its_source() -> None:
    assert len(EXAMPLES) >= 15
    assert len({e["id"] for e in EXAMPLES}) == len(EXAMPLES)
    for example in EXAMPLES:
        assert example["source_url"].startswith(("http://", "https://"))
        assert example["title"]
        assert example["outlet"]
        assert "date_published" in example
        assert example["confidence"] in ("firm", "likely")
        assert example["expected"]


@pytest.mark.parametrize("example", SIMULATED, ids=[e["id"] for e in SIMULATED])
def test_portal_reproduces_published_example(example: dict[str, Any]) -> None:
    kind, inputs, expected = example["kind"], example["inputs"], example["expected"]
    if kind == "tax":
        payment_date = dt.date.fromisoformat(inputs["payment_date"])
        tax = tax_calculation(
            gross_idr=inputs["gross_idr"],
            payment_date=payment_date,
            earlier_payments=tuple(
                (dt.date.fromisoformat(d), amount) for d, amount in inputs["earlier_payments"]
            ),
            rules=_rules_on(payment_date),
        )
        got = {"tax_idr": tax.tax_idr, "net_idr": inputs["gross_idr"] - tax.tax_idr}
        assert {key: got[key] for key in expected} == expected
        return
    on = dt.date.fromisoformat(inputs["on"])
    answer = _simulate(kind, inputs, on)
    assert {key: _dig(answer, key) for key in expected} == expected
    if "expected_day_before" in example:
        before = _simulate(kind, inputs, on - dt.timedelta(days=1))
        assert {key: _dig(before, key) for key in example["expected_day_before"]} == example[
            "expected_day_before"
        ]
    if "expected_month_after" in example:
        after = _simulate(kind, inputs, (on.replace(day=1) + dt.timedelta(days=31)).replace(day=15))
        assert {key: _dig(after, key) for key in example["expected_month_after"]} == example[
            "expected_month_after"
        ]
