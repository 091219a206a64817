"""Selectors: a claim is only ever reachable by its owner; eligibility for every reason at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404

from claims.eligibility import Outcome
from claims.models import ClaimStatus as S
from claims.selectors import claim_get_for_participant, claims_of_user, eligibility_for_user
from tests.claims.factories import claim_in, resigned_person, staff
from tests.factories import ParticipantFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_owner_gets_their_claim() -> None:
    claim = claim_in(S.SUBMITTED)
    assert claim_get_for_participant(user=claim.user, claim_id=claim.public_id) == claim
    assert claim_get_for_participant(user=claim.user, claim_id=str(claim.public_id)) == claim


@pytest.mark.parametrize("who", ["other_participant", "staff", "no_kpj"])
def test_anyone_else_gets_404(who: str) -> None:
    claim = claim_in(S.SUBMITTED)
    makers: dict[str, Callable[[], Any]] = {
        "other_participant": lambda: resigned_person().user,
        "staff": staff,
        "no_kpj": UserFactory,
    }
    user = makers[who]()
    with pytest.raises(Http404):
        claim_get_for_participant(user=user, claim_id=claim.public_id)


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "", "6f1c2a3e-0000-4000-8000-000000000001", "1"])
def test_unknown_or_malformed_ids_are_404(bad_id: str) -> None:
    claim = claim_in(S.SUBMITTED)
    with pytest.raises(Http404):
        claim_get_for_participant(user=claim.user, claim_id=bad_id)


def test_claims_of_user_covers_every_kpj_of_the_nik_and_nobody_else() -> None:
    person = resigned_person()
    sibling_kpj = ParticipantFactory(nik=person.nik, birth_date=person.birth_date)
    mine = claim_in(S.PAID, person)
    via_other_kpj = claim_in(S.CANCELLED, sibling_kpj)
    claim_in(S.SUBMITTED)  # someone else's
    assert set(claims_of_user(user=person.user)) == {mine, via_other_kpj}


def test_eligibility_for_user_answers_every_reason_in_a_bounded_number_of_queries(
    django_assert_max_num_queries: object,
) -> None:
    person = resigned_person(extra_kpj_balances=(1_000_000, 2_000_000))
    claim_in(S.PAID, person, reason="partial_10", gross_idr=1_000_000, net_idr=1_000_000)
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        result = eligibility_for_user(user=person.user)
    assert result["resign"].outcome == Outcome.ELIGIBLE
    assert result["resign"].amounts is not None
    assert result["resign"].amounts.gross_idr == 13_000_000
    assert result["phk"].code == "exit_reason_mismatch"
    assert result["partial_10"].code == "partial_already_taken"
    assert result["age_56"].outcome == Outcome.NOT_YET
    assert len(result) == 9


def test_eligibility_for_an_account_without_kpj_is_empty() -> None:
    assert eligibility_for_user(user=UserFactory()) == {}
