"""The tasks on a real Celery worker: submission → verification → review; approval → payout → paid."""

from __future__ import annotations

import time
from typing import Any

import pytest

from claims.models import Claim
from claims.models import ClaimStatus as S
from claims.services import claim_approve, claim_submit
from tests.claims.factories import ready_draft, resigned_person, staff

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("rates")]


def _wait_for(claim: Claim, status: str) -> None:
    deadline = time.monotonic() + 60
    while claim.status != status and time.monotonic() < deadline:
        time.sleep(0.2)  # polling a real worker, not waiting for time to pass
        claim.refresh_from_db()
    assert claim.status == status


def test_submitted_claim_is_verified_and_paid_by_the_worker(celery_worker: Any) -> None:
    person = resigned_person(balance_idr=10_000_000)
    claim = claim_submit(user=person.user, claim_id=ready_draft(person).public_id)
    _wait_for(claim, S.IN_REVIEW)
    assert claim.checks.filter(result="fail").count() == 0
    claim_approve(actor=staff(), claim_id=claim.public_id)
    _wait_for(claim, S.PAID)
    assert person.jht_balance.__class__.objects.get(account=person).balance_idr == 0
