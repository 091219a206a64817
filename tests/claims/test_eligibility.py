"""The eligibility engine is pure: these tests build facts by hand and touch no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from claims.eligibility import (
    AccountFacts,
    ClaimRules,
    EmploymentFacts,
    Outcome,
    PersonFacts,
    evaluate,
    evaluate_all,
    tax_on,
)
from claims.models import ClaimReason
from portal.dates import add_months

R = ClaimReason
END = dt.date(2026, 1, 15)


def account(
    *,
    pid: int = 1,
    balance: int = 10_000_000,
    status: str = "nonaktif",
    category: str = "PU",
    registered_on: dt.date = dt.date(2015, 1, 1),
) -> AccountFacts:
    return AccountFacts(
        participant_id=pid,
        kpj=f"{pid:011d}",
        category=category,
        status=status,
        registered_on=registered_on,
        balance_idr=balance,
    )


def exited(*, end: dt.date = END, reason: str = "resign", reported: bool = True) -> EmploymentFacts:
    return EmploymentFacts(
        participant_id=1,
        start_date=dt.date(2015, 1, 1),
        end_date=end,
        exit_reported_on=end if reported else None,
        exit_reason=reason if reported else "",
    )


def facts(
    today: dt.date = dt.date(2026, 3, 2),
    *,
    accounts: tuple[AccountFacts, ...] | None = None,
    employments: tuple[EmploymentFacts, ...] | None = None,
    **kw: object,
) -> PersonFacts:
    return PersonFacts(
        today=today,
        birth_date=dt.date(1990, 5, 17),
        accounts=accounts if accounts is not None else (account(),),
        employments=employments if employments is not None else (exited(),),
        **kw,
    )


# --- Waiting period (resignation, PHK) and contract end -----------------------------------------


@pytest.mark.parametrize(("reason", "exit_reason"), [(R.RESIGN, "resign"), (R.PHK, "phk")])
def test_waiting_period_day_before_is_not_yet_with_the_date(reason: str, exit_reason: str) -> None:
    result = evaluate(facts(dt.date(2026, 2, 14), employments=(exited(reason=exit_reason),)), reason)
    assert result.outcome == Outcome.NOT_YET
    assert result.code == "waiting_period"
    assert result.available_on == dt.date(2026, 2, 15)
    assert result.message == "Klaim dengan sebab ini baru dapat diajukan mulai 15-02-2026."


@pytest.mark.parametrize(("reason", "exit_reason"), [(R.RESIGN, "resign"), (R.PHK, "phk")])
def test_waiting_period_on_the_day_is_eligible(reason: str, exit_reason: str) -> None:
    result = evaluate(facts(dt.date(2026, 2, 15), employments=(exited(reason=exit_reason),)), reason)
    assert result.outcome == Outcome.ELIGIBLE
    assert result.code == ""
    assert result.amounts is not None
    assert (result.amounts.gross_idr, result.amounts.tax_idr, result.amounts.net_idr) == (
        10_000_000,
        0,
        10_000_000,
    )


def test_waiting_period_from_the_31st_ends_on_the_last_day_of_a_short_month() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2027, 12, 31), 2) == dt.date(2028, 2, 29)
    result = evaluate(facts(dt.date(2026, 2, 27), employments=(exited(end=dt.date(2026, 1, 31)),)), R.RESIGN)
    assert result.available_on == dt.date(2026, 2, 28)


def test_waiting_months_is_data() -> None:
    rules = replace(ClaimRules(), waiting_months=3)
    result = evaluate(facts(dt.date(2026, 3, 2), rules=rules), R.RESIGN)
    assert result.outcome == Outcome.NOT_YET
    assert result.available_on == dt.date(2026, 4, 15)


def test_contract_end_is_claimable_at_the_contract_end() -> None:
    employment = (exited(end=dt.date(2026, 3, 2), reason="contract_end"),)
    assert (
        evaluate(facts(dt.date(2026, 3, 1), employments=employment), R.CONTRACT_END).outcome
        == Outcome.NOT_YET
    )
    assert (
        evaluate(facts(dt.date(2026, 3, 2), employments=employment), R.CONTRACT_END).outcome
        == Outcome.ELIGIBLE
    )


@pytest.mark.parametrize("reason", [R.RESIGN, R.PHK, R.CONTRACT_END])
def test_exit_not_reported_says_what_to_do(reason: str) -> None:
    result = evaluate(facts(employments=(exited(reported=False),)), reason)
    assert result.outcome == Outcome.NOT_ELIGIBLE
    assert result.code == "exit_not_reported"
    assert result.message == "Pemberi kerja Anda belum melaporkan bahwa Anda sudah berhenti bekerja."
    assert result.fix.startswith("Hubungi bagian HRD pemberi kerja Anda")


@pytest.mark.parametrize("reason", [R.RESIGN, R.PHK, R.CONTRACT_END])
def test_no_employment_at_all_means_exit_not_reported(reason: str) -> None:
    assert evaluate(facts(employments=()), reason).code == "exit_not_reported"


@pytest.mark.parametrize("reason", [R.RESIGN, R.PHK, R.CONTRACT_END])
def test_still_working_somewhere_is_refused(reason: str) -> None:
    current = EmploymentFacts(1, dt.date(2026, 2, 1), None, None, "")
    result = evaluate(facts(employments=(exited(reason=reason), current)), reason)
    assert (result.outcome, result.code) == (Outcome.NOT_ELIGIBLE, "membership_active")


def test_membership_must_be_nonaktif_on_every_kpj() -> None:
    accounts = (account(pid=1), account(pid=2, status="aktif"))
    assert evaluate(facts(accounts=accounts), R.RESIGN).code == "membership_active"


def test_exit_reason_must_match_the_claim_reason() -> None:
    result = evaluate(facts(employments=(exited(reason="resign"),)), R.PHK)
    assert (result.outcome, result.code) == (Outcome.NOT_ELIGIBLE, "exit_reason_mismatch")


def test_the_latest_exit_counts() -> None:
    older = EmploymentFacts(1, dt.date(2010, 1, 1), dt.date(2014, 12, 31), dt.date(2015, 1, 5), "phk")
    result = evaluate(facts(dt.date(2026, 2, 14), employments=(older, exited())), R.RESIGN)
    assert (result.outcome, result.available_on) == (Outcome.NOT_YET, dt.date(2026, 2, 15))


# --- Age 56, BPU, leaving Indonesia, disability ---------------------------------------------------


def test_age_56_day_before_and_on_the_birthday() -> None:
    born = dt.date(1970, 3, 2)
    before = evaluate(replace(facts(dt.date(2026, 3, 1)), birth_date=born), R.AGE_56)
    on = evaluate(replace(facts(dt.date(2026, 3, 2)), birth_date=born), R.AGE_56)
    assert (before.outcome, before.available_on) == (Outcome.NOT_YET, dt.date(2026, 3, 2))
    assert on.outcome == Outcome.ELIGIBLE
    assert on.documents == ("ktp",)


def test_age_56_does_not_need_the_exit_or_nonaktif() -> None:
    person = replace(
        facts(accounts=(account(status="aktif"),), employments=()), birth_date=dt.date(1960, 1, 1)
    )
    assert evaluate(person, R.AGE_56).outcome == Outcome.ELIGIBLE


def test_bpu_stopped() -> None:
    bpu = (account(category="BPU"),)
    assert evaluate(facts(accounts=bpu, employments=()), R.BPU_STOPPED).outcome == Outcome.ELIGIBLE
    assert evaluate(facts(employments=()), R.BPU_STOPPED).code == "not_bpu"
    active = (account(category="BPU", status="aktif"),)
    assert evaluate(facts(accounts=active, employments=()), R.BPU_STOPPED).code == "membership_active"


@pytest.mark.parametrize(
    ("reason", "document"), [(R.LEAVING_INDONESIA, "passport"), (R.DISABILITY, "medical")]
)
def test_leaving_and_disability_are_decided_on_documents(reason: str, document: str) -> None:
    result = evaluate(facts(accounts=(account(status="aktif"),), employments=()), reason)
    assert result.outcome == Outcome.ELIGIBLE
    assert document in result.documents


# --- Partial 10 % / 30 % --------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [R.PARTIAL_10, R.PARTIAL_30])
def test_partial_ten_years_minus_one_day_is_not_yet(reason: str) -> None:
    person = facts(
        dt.date(2026, 3, 1), accounts=(account(status="aktif", registered_on=dt.date(2016, 3, 2)),)
    )
    result = evaluate(person, reason)
    assert (result.outcome, result.available_on) == (Outcome.NOT_YET, dt.date(2026, 3, 2))


@pytest.mark.parametrize(("reason", "gross"), [(R.PARTIAL_10, 1_000_001), (R.PARTIAL_30, 3_000_002)])
def test_partial_at_ten_years_pays_the_share_of_every_kpj(reason: str, gross: int) -> None:
    # 10 % of 5.000.005 = 500.000,5 → 500.001 (half up, per KPJ); 30 % → 1.500.001,5 → 1.500.002.
    accounts = (
        account(pid=1, status="aktif", balance=5_000_005, registered_on=dt.date(2016, 3, 2)),
        account(pid=2, status="nonaktif", balance=5_000_000, registered_on=dt.date(2018, 1, 1)),
    )
    result = evaluate(facts(dt.date(2026, 3, 2), accounts=accounts), reason)
    assert result.outcome == Outcome.ELIGIBLE
    assert result.amounts is not None
    assert result.amounts.gross_idr == gross
    assert sum(a for _, a in result.amounts.per_account) == gross


def test_partial_counts_membership_from_the_first_kpj() -> None:
    accounts = (
        account(pid=1, status="aktif", registered_on=dt.date(2020, 1, 1)),
        account(pid=2, registered_on=dt.date(2016, 3, 2)),
    )
    assert evaluate(facts(dt.date(2026, 3, 2), accounts=accounts), R.PARTIAL_10).outcome == Outcome.ELIGIBLE


@pytest.mark.parametrize("reason", [R.PARTIAL_10, R.PARTIAL_30])
def test_partial_only_once_either_of_the_two(reason: str) -> None:
    person = facts(accounts=(account(status="aktif"),), has_partial_claim=True)
    result = evaluate(person, reason)
    assert (result.outcome, result.code) == (Outcome.NOT_ELIGIBLE, "partial_already_taken")


def test_partial_needs_to_still_be_working() -> None:
    assert evaluate(facts(), R.PARTIAL_10).code == "not_working"


def test_partial_30_needs_housing_documents() -> None:
    result = evaluate(facts(accounts=(account(status="aktif"),)), R.PARTIAL_30)
    assert result.documents == ("ktp", "kk", "housing")


# --- Common rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", list(R))
def test_another_open_claim_refuses_every_reason(reason: str) -> None:
    result = evaluate(facts(has_other_open_claim=True), reason)
    assert (result.outcome, result.code) == (Outcome.NOT_ELIGIBLE, "open_claim_exists")
    assert result.message == "Anda masih memiliki klaim JHT yang sedang diproses."


@pytest.mark.parametrize("reason", list(R))
def test_empty_balance_refuses_every_reason(reason: str) -> None:
    result = evaluate(facts(accounts=(account(balance=0),)), reason)
    assert (result.outcome, result.code) == (Outcome.NOT_ELIGIBLE, "no_balance")


def test_every_kpj_of_the_nik_is_claimed_together() -> None:
    accounts = (
        account(pid=1, balance=7_000_000),
        account(pid=2, balance=3_000_000),
        account(pid=3, balance=0),
    )
    result = evaluate(facts(accounts=accounts), R.RESIGN)
    assert result.amounts is not None
    assert result.amounts.gross_idr == 10_000_000
    assert result.amounts.per_account == ((1, 7_000_000), (2, 3_000_000), (3, 0))


def test_evaluate_all_answers_every_reason() -> None:
    assert set(evaluate_all(facts())) == set(R.values)


def test_unknown_reason_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown claim reason"):
        evaluate(facts(), "death")


# --- NPWP, tax, interview, second approval thresholds ------------------------------------------------


def test_exactly_50_million_needs_no_npwp_and_pays_no_tax() -> None:
    result = evaluate(facts(accounts=(account(balance=50_000_000),)), R.RESIGN)
    assert result.amounts is not None
    assert (result.amounts.gross_idr, result.amounts.tax_idr, result.amounts.net_idr) == (
        50_000_000,
        0,
        50_000_000,
    )
    assert result.npwp_required is False
    assert "npwp" not in result.documents
    assert result.second_approval_required is False
    assert result.interview_required is True


def test_one_rupiah_above_50_million_needs_npwp_and_a_second_approval() -> None:
    result = evaluate(facts(accounts=(account(balance=50_000_001),)), R.RESIGN)
    assert result.amounts is not None
    # 5 % of 1 rupiah = 0,05 → 0 (half up).
    assert (result.amounts.tax_idr, result.amounts.net_idr) == (0, 50_000_001)
    assert result.npwp_required is True
    assert result.documents[-1] == "npwp"
    assert result.second_approval_required is True


def test_tax_is_five_percent_of_the_part_above_50_million() -> None:
    result = evaluate(facts(accounts=(account(balance=60_000_000),)), R.RESIGN)
    assert result.amounts is not None
    assert (result.amounts.gross_idr, result.amounts.tax_idr, result.amounts.net_idr) == (
        60_000_000,
        500_000,
        59_500_000,
    )


@pytest.mark.parametrize(
    ("paid_before", "gross", "tax"),
    [
        (0, 50_000_000, 0),
        (0, 50_000_010, 1),  # 5 % of 10 = 0,5 → 1 (half up)
        (40_000_000, 20_000_000, 500_000),  # a partial payout used 40 jt of the free amount
        (60_000_000, 10_000_000, 500_000),  # the free amount is used up: all of it is taxed
        (50_000_000, 1, 0),
    ],
)
def test_tax_counts_the_cumulative_amount_paid_to_the_person(paid_before: int, gross: int, tax: int) -> None:
    assert tax_on(gross_idr=gross, paid_before_idr=paid_before, rules=ClaimRules()) == tax


def test_online_limit_boundary_for_the_interview() -> None:
    at = evaluate(facts(accounts=(account(balance=15_000_000),)), R.RESIGN)
    above = evaluate(facts(accounts=(account(balance=15_000_001),)), R.RESIGN)
    assert (at.interview_required, above.interview_required) == (False, True)


def test_thresholds_are_data() -> None:
    rules = ClaimRules(
        online_limit_idr=20_000_000, tax_rate_percent=Decimal("10"), tax_free_upto_idr=10_000_000
    )
    result = evaluate(facts(accounts=(account(balance=18_000_000),), rules=rules), R.RESIGN)
    assert result.amounts is not None
    assert result.interview_required is False
    assert result.amounts.tax_idr == 800_000


@pytest.mark.parametrize(
    ("reason", "documents"),
    [
        (R.RESIGN, ("ktp", "kk", "paklaring", "bank_book")),
        (R.PHK, ("ktp", "kk", "paklaring", "bank_book", "phk_proof")),
        (R.CONTRACT_END, ("ktp", "kk", "paklaring", "bank_book", "contract")),
    ],
)
def test_documents_required(reason: str, documents: tuple[str, ...]) -> None:
    employment = exited(reason={"resign": "resign", "phk": "phk", "contract_end": "contract_end"}[reason])
    assert evaluate(facts(employments=(employment,)), reason).documents == documents
