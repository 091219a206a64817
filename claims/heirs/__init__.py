"""What the heirs of a deceased participant are owed, and who the heirs are (issue 20, docs/heirs.md).

Pure rules, no database writes: `death_benefits(facts, rules, claim_rules)` lists every benefit (JKM,
beasiswa, JKK-death recognition, JHT of every KPJ, JP) with its eligibility, amount, reason and documents;
`heir_order(family)` ranks the heirs in the legal order with what each must prove. The figures come from the
rate table through `death_rules_on(date)` (one query) and `claims.selectors.claim_rules_on` (JHT tax).
"""

from claims.heirs.base import Benefit, BenefitOutcome
from claims.heirs.benefits import DeathBenefits, death_benefits
from claims.heirs.documents import HeirDocument
from claims.heirs.facts import (
    Cause,
    Child,
    DeathFacts,
    InvalidDeathFacts,
    JhtAccount,
    JpFacts,
    SchoolLevel,
    Segment,
)
from claims.heirs.order import HeirClass, HeirFamily, heir_order
from claims.heirs.rules import DeathRules, death_rules_on

__all__ = [
    "Benefit",
    "BenefitOutcome",
    "Cause",
    "Child",
    "DeathBenefits",
    "DeathFacts",
    "DeathRules",
    "HeirClass",
    "HeirDocument",
    "HeirFamily",
    "InvalidDeathFacts",
    "JhtAccount",
    "JpFacts",
    "SchoolLevel",
    "Segment",
    "death_benefits",
    "death_rules_on",
    "heir_order",
]
