"""Every move of the table, allowed and refused; refused moves change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Claim, ClaimHistory
from claims.models import ClaimStatus as S
from claims.transitions import TRANSITIONS, IllegalTransition, Role, claim_transition
from tests.claims.factories import claim_in, staff
from tests.effects import recorded_effects

ALLOWED = [
    (f, t, role) for f, moves in TRANSITIONS.items() for t, roles in moves.items() for role in sorted(roles)
]
REFUSED = [(f, t) for f in S.values for t in S.values if t not in TRANSITIONS[f]]
WRONG_ROLE = [
    (f, t, role)
    for f, moves in TRANSITIONS.items()
    for t, roles in moves.items()
    for role in Role
    if role not in roles
]


def _actor(role: str, claim: Claim) -> Any:
    return {Role.CLAIMANT: claim.user, Role.STAFF: staff(), Role.SYSTEM: None}[Role(role)]


def _updates(to: str) -> dict[str, Any]:
    return {"first_approved_by": staff()} if to == S.APPROVED else {}


def _state(claim: Claim) -> tuple[Any, ...]:
    claim.refresh_from_db()
    return claim.status, claim.updated_at, ClaimHistory.objects.filter(claim=claim).count()


def test_the_table_covers_every_status() -> None:
    assert set(TRANSITIONS) == set(S.values)
    assert all(set(moves) <= set(S.values) for moves in TRANSITIONS.values())


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status", "role"), ALLOWED)
def test_allowed_move(from_status: str, to_status: str, role: str) -> None:
    claim = claim_in(from_status)
    actor = _actor(role, claim)
    moved = claim_transition(
        claim_id=claim.pk, to=to_status, actor=actor, reason="uji", updates=_updates(to_status)
    )
    claim.refresh_from_db()
    assert claim.status == moved.status == to_status
    history = list(
        ClaimHistory.objects.filter(claim=claim).values_list("actor", "from_status", "to_status", "reason")
    )
    assert history == [(actor.pk if actor else None, from_status, to_status, "uji")]


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), REFUSED)
def test_move_outside_the_table_is_refused_for_everyone(from_status: str, to_status: str) -> None:
    claim = claim_in(from_status)
    before = _state(claim)
    for role in Role:
        with pytest.raises(IllegalTransition):
            claim_transition(
                claim_id=claim.pk, to=to_status, actor=_actor(role, claim), updates=_updates(to_status)
            )
    assert _state(claim) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status", "role"), WRONG_ROLE)
def test_move_by_the_wrong_role_is_refused(from_status: str, to_status: str, role: str) -> None:
    claim = claim_in(from_status)
    before = _state(claim)
    with pytest.raises(IllegalTransition):
        claim_transition(
            claim_id=claim.pk, to=to_status, actor=_actor(role, claim), updates=_updates(to_status)
        )
    assert _state(claim) == before


@pytest.mark.django_db
def test_staff_cannot_move_their_own_claim_as_staff() -> None:
    officer = staff()
    claim = claim_in(S.IN_REVIEW)
    Claim.objects.filter(pk=claim.pk).update(user=officer)
    before = _state(claim)
    with pytest.raises(IllegalTransition):
        claim_transition(
            claim_id=claim.pk, to=S.APPROVED, actor=officer, updates={"first_approved_by": officer}
        )
    assert _state(claim) == before


@pytest.mark.django_db
def test_an_inactive_staff_account_cannot_act() -> None:
    claim = claim_in(S.IN_REVIEW)
    with pytest.raises(IllegalTransition):
        claim_transition(claim_id=claim.pk, to=S.REJECTED, actor=staff(is_active=False))


@pytest.mark.django_db
def test_approval_above_the_online_limit_needs_the_recorded_interview() -> None:
    claim = claim_in(S.IN_REVIEW, interview_required=True)
    before = _state(claim)
    with pytest.raises(IllegalTransition) as refused:
        claim_transition(
            claim_id=claim.pk, to=S.APPROVED, actor=staff(), updates={"first_approved_by": staff()}
        )
    assert refused.value.code == "interview_required"
    assert _state(claim) == before


@pytest.mark.django_db
def test_paying_above_the_second_threshold_needs_a_second_different_approver() -> None:
    first = staff()
    claim = claim_in(S.APPROVED, second_approval_required=True, first_approved_by=first)
    before = _state(claim)
    with pytest.raises(IllegalTransition) as refused:
        claim_transition(claim_id=claim.pk, to=S.PAYING, actor=staff())
    assert refused.value.code == "second_approval_required"
    with pytest.raises(IllegalTransition) as same:
        claim_transition(claim_id=claim.pk, to=S.PAYING, actor=first, updates={"second_approved_by": first})
    assert same.value.code == "same_approver"
    assert _state(claim) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("from_status", "to_status", "task"),
    [
        (S.DRAFT, S.SUBMITTED, "claims.tasks.verify_claim"),
        (S.REVISION_REQUESTED, S.RESUBMITTED, "claims.tasks.verify_claim"),
        (S.APPROVED, S.PAYING, "claims.tasks.pay_claim"),
    ],
)
def test_side_effects_are_recorded_as_effects(from_status: str, to_status: str, task: str) -> None:
    claim = claim_in(from_status)
    actor = None if task.endswith("pay_claim") else claim.user
    claim_transition(claim_id=claim.pk, to=to_status, actor=actor)
    assert recorded_effects() == [(task, [claim.pk])]


@pytest.mark.django_db
def test_a_refused_move_records_no_effect() -> None:
    claim = claim_in(S.PAID)
    with pytest.raises(IllegalTransition):
        claim_transition(claim_id=claim.pk, to=S.PAYING, actor=None)
    assert recorded_effects() == []


@pytest.mark.django_db
def test_a_move_whose_jobs_are_not_registered_fails_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The state machine finds its tasks in claims.effects (registered by ClaimsConfig.ready), never by
    importing them; without them a move refuses rather than commit without its verification."""
    from claims import effects

    claim = claim_in(S.DRAFT)
    before = _state(claim)
    monkeypatch.setattr(effects, "_jobs", None)
    with pytest.raises(RuntimeError, match="no jobs registered"):
        claim_transition(claim_id=claim.pk, to=S.SUBMITTED, actor=claim.user)
    assert _state(claim) == before
