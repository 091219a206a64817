"""Reading cards: by the signed public token (no login) or for the logged-in owner."""

from __future__ import annotations

from participants.card.models import MembershipCard
from participants.card.tokens import card_code_from_token


def card_get_by_token(*, token: str) -> MembershipCard | None:
    """The card a verification token points to, with its KPJ; None for a bad or unknown token."""
    code = card_code_from_token(token)
    if code is None:
        return None
    return MembershipCard.objects.select_related("participant").filter(verification_code=code).first()
