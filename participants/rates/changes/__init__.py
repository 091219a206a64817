"""The kinds of figure change a staff member can propose (participants/rates/proposals.py).

Each kind is a frozen dataclass of the proposed values with three duties:
- `check(today)`: the rules a change must meet, run when it is proposed and again when it is approved
  (dates pass and rows change while a proposal waits); raises ProposalError, reads only;
- `apply(actor=, proposal=)`: writes the figure tables (inside the approval's transaction) and returns
  the affected rows as they were before and after;
- `describe()`: one line for the staff lists.

Rules shared by every kind: a change works forward. A new rate starts after today; an end date is today
or later; a discount programme's months start after this month; a development rate of an ended year that
may already be credited is not changed (the same rules the admin forms applied before maker-checker).
The database stays the backstop: rows of a rate never overlap (exclusion constraint, migration 0010).
"""

from __future__ import annotations

from participants.rates.changes.base import Applied, Change, ProposalError
from participants.rates.changes.development import DevelopmentSet
from participants.rates.changes.discounts import (
    DISCOUNT_COMPONENTS,
    DISCOUNT_SEGMENTS,
    DiscountAdd,
    DiscountEnd,
)
from participants.rates.changes.rates import RateAdd, RateEnd, overlap_message
from participants.rates.models import FigureProposal

__all__ = [
    "CHANGES",
    "DISCOUNT_COMPONENTS",
    "DISCOUNT_SEGMENTS",
    "Applied",
    "Change",
    "DevelopmentSet",
    "DiscountAdd",
    "DiscountEnd",
    "ProposalError",
    "RateAdd",
    "RateEnd",
    "change_of",
    "overlap_message",
]

CHANGES: dict[str, type[Change]] = {
    cls.kind: cls for cls in (RateAdd, RateEnd, DevelopmentSet, DiscountAdd, DiscountEnd)
}


def change_of(proposal: FigureProposal) -> Change:
    """The proposal's change, read back from its payload."""
    return CHANGES[proposal.kind].from_payload(proposal.payload)
