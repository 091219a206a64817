"""The notice of the claims area (portal.notices): every move of a claim, published by the state
machine (claims/transitions.py) in the move's transaction."""

from __future__ import annotations

from django.urls import reverse

from claims.models import Claim, ClaimHistory, ClaimStatus
from portal.notices import Notice, absolute_url, publish


def claim_status(*, claim: Claim, to_status: str) -> list[int]:
    """The claim's new status for the claimant; the newest history row identifies this move (a claim
    can return to a status it had before, e.g. after a revision)."""
    history_id = ClaimHistory.objects.filter(claim=claim).order_by("-pk").values_list("pk", flat=True).first()
    participant = claim.participant
    context = {
        "name": participant.full_name,
        "kpj": participant.kpj,
        "status": ClaimStatus(to_status).label,
        "status_code": to_status,
        "url": absolute_url(reverse("claims:list")),
    }
    return publish(
        Notice(
            event="claim_status",
            key=f"claim:{claim.pk}:{history_id}",
            context=context,
            participant=participant,
            user=claim.user if claim.user_id else None,
        )
    )
