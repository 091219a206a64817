"""Claims and participants of a given branch, for the back-office tests."""

from __future__ import annotations

from typing import Any

from claims.models import Claim, ClaimCheck
from participants.models import Participant
from tests.claims.factories import claim_in, resigned_person


def person_in(branch: Any, **kwargs: Any) -> Participant:
    person = resigned_person(**kwargs)
    Participant.objects.filter(pk=person.pk).update(branch=branch)
    person.refresh_from_db()
    return person


def claim_of(branch: Any, status: str = "in_review", **fields: Any) -> Claim:
    claim = claim_in(status, person_in(branch), **fields)
    ClaimCheck.objects.create(claim=claim, code="name_match", result="pass", message="Nama cocok.")
    return claim


def snapshot(claim: Claim) -> tuple[Any, ...]:
    claim.refresh_from_db()
    return (
        claim.status,
        claim.first_approved_by_id,
        claim.second_approved_by_id,
        claim.rejection_code,
        claim.revision_note,
        claim.interview_scheduled_at,
        claim.history.count(),
    )
