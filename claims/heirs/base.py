"""The result record of one benefit owed to heirs, shared by the benefit rules (docs/heirs.md)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from claims.eligibility import TaxCalculation
from claims.heirs.documents import BASE, HeirDocument
from claims.heirs.facts import DeathFacts


class BenefitOutcome(StrEnum):
    ELIGIBLE = "eligible"  # payable now through the heirs' claim
    LATER = "later"  # owed, payable later (beasiswa of a child not yet at school)
    BRANCH = "branch"  # owed, decided and paid by the branch (JKK death, a monthly JP pension)
    NOT_ELIGIBLE = "not_eligible"


@dataclass(frozen=True)
class Benefit:
    code: str  # jkm_lump_sum, jkm_periodic, jkm_burial, jkk_death, beasiswa, jht, jp
    program: str  # JKM, JKK, JHT, JP
    label: str
    outcome: BenefitOutcome
    amount_idr: int = 0  # gross payable (eligible), the estimate (branch, later), 0 when not eligible
    reason_code: str = ""  # why not, or why through the branch
    reason: str = ""  # the rule in plain language
    documents: tuple[HeirDocument, ...] = ()
    note: str = ""  # how the amount is made up
    monthly: bool = False  # amount_idr is per month (JP survivor pension)
    child: str = ""  # beasiswa: the child's name
    entitlement_left_idr: int = 0  # beasiswa: what remains for the child, every level to come included
    per_account: tuple[tuple[str, int], ...] = ()  # JHT: (KPJ, balance)
    tax: TaxCalculation | None = None  # JHT

    @property
    def tax_idr(self) -> int:
        return self.tax.tax_idr if self.tax is not None else 0

    @property
    def net_idr(self) -> int:
        return self.amount_idr - self.tax_idr


def family_documents(facts: DeathFacts) -> set[HeirDocument]:
    """What proves the family: the marriage book for a spouse, birth certificates for children."""
    documents = set(BASE)
    if facts.has_spouse:
        documents.add(HeirDocument.MARRIAGE_BOOK)
    if facts.children:
        documents.add(HeirDocument.BIRTH_CERTIFICATE)
    return documents
