"""Figure changes under maker-checker (participants/rates/proposals.py): propose, approve, reject, who may,
what is written and kept, and what is refused with nothing changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Permission

from accounts.roles import StaffRole
from participants.ledger.models import EntryKind, LedgerEntry
from participants.rates.changes import DevelopmentSet, DiscountAdd, DiscountEnd, RateAdd, RateEnd
from participants.rates.models import (
    DevelopmentRate,
    DiscountProgramme,
    FigureChange,
    FigureProposal,
    ProposalStatus,
    Rate,
)
from participants.rates.proposals import (
    ProposalError,
    figure_proposal_approve,
    figure_proposal_create,
    figure_proposal_reject,
)
from participants.rates.selectors import rate_table_on
from tests.backoffice.payment_factories import staff
from tests.concurrency import race
from tests.factories import BranchFactory, ParticipantFactory

NOW = dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
CAP_2026 = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def maker(db: None) -> Any:
    return staff(StaffRole.ADMINISTRATOR)


@pytest.fixture
def checker(db: None) -> Any:
    return staff(StaffRole.ADMINISTRATOR)


def cap_2027(**changes: Any) -> RateAdd:
    values: dict[str, Any] = {
        "program": "JP",
        "segment": "PU",
        "component": "wage_cap",
        "unit": "rupiah",
        "value": Decimal("11646300"),
        "effective_from": dt.date(2027, 3, 1),
        "effective_to": None,
        "confidence": "firm",
    }
    values.update(changes)
    return RateAdd(**values)


def propose(actor: Any, change: Any, source: str = "Surat BPJS TK B/999/022027") -> FigureProposal:
    return figure_proposal_create(actor=actor, change=change, source=source, reason="Penyesuaian tahunan")


def wage_caps() -> list[tuple[Decimal, dt.date, dt.date | None]]:
    return list(
        Rate.objects.filter(program="JP", component="wage_cap")
        .order_by("effective_from")
        .values_list("value", "effective_from", "effective_to")
    )


def table_state() -> list[tuple[Any, ...]]:
    """Every figure row, to assert that a refusal changed nothing."""
    return [
        *Rate.objects.order_by("pk").values_list("pk", "value", "effective_from", "effective_to", "source"),
        *DevelopmentRate.objects.order_by("pk").values_list("pk", "year", "rate_percent", "source"),
        *DiscountProgramme.objects.order_by("pk").values_list("pk", "code", "last_period"),
    ]


# --- Propose, approve, reject -----------------------------------------------------------------------


def test_a_proposal_changes_nothing_until_approved(maker: Any) -> None:
    before = table_state()
    proposal = propose(maker, cap_2027())
    assert (proposal.kind, proposal.status, proposal.proposed_by_id) == ("rate_add", "pending", maker.pk)
    assert proposal.payload == {
        "program": "JP",
        "segment": "PU",
        "component": "wage_cap",
        "unit": "rupiah",
        "value": "11646300",
        "effective_from": "2027-03-01",
        "effective_to": None,
        "confidence": "firm",
    }
    assert (proposal.source, proposal.reason, proposal.target_id) == (
        "Surat BPJS TK B/999/022027",
        "Penyesuaian tahunan",
        None,
    )
    assert proposal.summary == "JP/PU/wage_cap = 11646300 rupiah, berlaku 01/03/2027 s.d. —"
    assert (proposal.before, proposal.after, proposal.decided_by_id, proposal.decided_at) == (
        [],
        [],
        None,
        None,
    )
    assert table_state() == before


def test_approval_writes_the_figure_and_keeps_before_and_after(maker: Any, checker: Any) -> None:
    cap_2026 = Rate.objects.get(program="JP", component="wage_cap", effective_from=CAP_2026)
    proposal = propose(maker, cap_2027())
    approved = figure_proposal_approve(
        actor=checker, proposal_id=proposal.public_id, note="cocok dengan surat"
    )
    assert wage_caps()[-2:] == [
        (Decimal("11086300"), CAP_2026, dt.date(2027, 2, 28)),
        (Decimal("11646300"), dt.date(2027, 3, 1), None),
    ]
    assert rate_table_on(dt.date(2027, 3, 1)).rupiah("JP", "PU", "wage_cap") == 11_646_300
    assert rate_table_on(dt.date(2027, 2, 28)).rupiah("JP", "PU", "wage_cap") == 11_086_300
    new = Rate.objects.get(program="JP", component="wage_cap", effective_from=dt.date(2027, 3, 1))
    assert (new.source, new.confidence) == ("Surat BPJS TK B/999/022027", "firm")

    approved.refresh_from_db()
    assert (approved.status, approved.decided_by_id, approved.decision_note) == (
        "approved",
        checker.pk,
        "cocok dengan surat",
    )
    assert approved.decided_at == NOW
    assert approved.target_id == new.pk
    common = {
        "program": "JP",
        "segment": "PU",
        "component": "wage_cap",
        "unit": "rupiah",
        "confidence": "likely",
    }
    old_fields = {
        **common,
        "value": "11086300.0000",
        "effective_from": "2026-03-01",
        "source": cap_2026.source,
    }
    assert approved.before == [
        {"table": "rate", "id": cap_2026.pk, "fields": {**old_fields, "effective_to": None}},
    ]
    assert approved.after == [
        {"table": "rate", "id": cap_2026.pk, "fields": {**old_fields, "effective_to": "2027-02-28"}},
        {
            "table": "rate",
            "id": new.pk,
            "fields": {
                **common,
                "confidence": "firm",
                "value": "11646300",
                "effective_from": "2027-03-01",
                "effective_to": None,
                "source": "Surat BPJS TK B/999/022027",
            },
        },
    ]
    # Each row's own history names the approver and the proposal.
    closed, added = cap_2026.history.latest(), new.history.latest()
    assert (closed.history_type, closed.history_user_id, closed.history_change_reason) == (
        "~",
        checker.pk,
        f"usulan #{proposal.pk}",
    )
    assert (added.history_type, added.history_user_id, added.history_change_reason) == (
        "+",
        checker.pk,
        f"usulan #{proposal.pk}",
    )


def test_rejection_keeps_the_table_and_records_the_decision(maker: Any, checker: Any) -> None:
    before = table_state()
    proposal = propose(maker, cap_2027())
    with pytest.raises(ProposalError) as missing_note:
        figure_proposal_reject(actor=checker, proposal_id=proposal.public_id, note="  ")
    assert missing_note.value.code == "reason_required"
    figure_proposal_reject(actor=checker, proposal_id=proposal.public_id, note="Surat belum terbit")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by_id, proposal.decided_at, proposal.decision_note) == (
        "rejected",
        checker.pk,
        NOW,
        "Surat belum terbit",
    )
    assert (proposal.before, proposal.after) == ([], [])
    assert table_state() == before
    with pytest.raises(ProposalError) as again:
        figure_proposal_approve(actor=checker, proposal_id=proposal.public_id)
    assert again.value.code == "already_decided"
    assert table_state() == before


# --- Who may ----------------------------------------------------------------------------------------


def test_the_proposer_cannot_approve_or_reject_their_own_proposal(maker: Any) -> None:
    before = table_state()
    proposal = propose(maker, cap_2027())
    for decide in (
        partial(figure_proposal_approve, actor=maker, proposal_id=proposal.public_id),
        partial(figure_proposal_reject, actor=maker, proposal_id=proposal.public_id, note="x"),
    ):
        with pytest.raises(ProposalError) as refused:
            decide()
        assert refused.value.code == "same_person"
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by_id) == ("pending", None)
    assert table_state() == before


@pytest.mark.parametrize("role", [StaffRole.REVIEWER, StaffRole.SUPERVISOR, StaffRole.AUDITOR, None])
def test_staff_without_the_permissions_neither_propose_nor_decide(maker: Any, role: StaffRole | None) -> None:
    other = staff(role, BranchFactory())
    before = table_state()
    with pytest.raises(ProposalError) as refused:
        propose(other, cap_2027())
    assert refused.value.code == "not_allowed"
    proposal = propose(maker, cap_2027())
    with pytest.raises(ProposalError) as refused:
        figure_proposal_approve(actor=other, proposal_id=proposal.public_id)
    assert refused.value.code == "not_allowed"
    with pytest.raises(ProposalError) as refused:
        figure_proposal_reject(actor=other, proposal_id=proposal.public_id, note="x")
    assert refused.value.code == "not_allowed"
    assert FigureProposal.objects.get().status == "pending"
    assert table_state() == before


def test_proposing_and_approving_are_separate_permissions(checker: Any) -> None:
    proposer_only = staff(StaffRole.REVIEWER, BranchFactory())
    proposer_only.user_permissions.add(Permission.objects.get(codename="add_figureproposal"))
    proposal = propose(proposer_only, cap_2027())
    colleague = staff(StaffRole.REVIEWER, BranchFactory())
    colleague.user_permissions.add(Permission.objects.get(codename="add_figureproposal"))
    with pytest.raises(ProposalError) as refused:
        figure_proposal_approve(actor=colleague, proposal_id=proposal.public_id)
    assert refused.value.code == "not_allowed"
    figure_proposal_approve(actor=checker, proposal_id=proposal.public_id)
    assert wage_caps()[-1] == (Decimal("11646300"), dt.date(2027, 3, 1), None)


def test_an_inactive_administrator_cannot_decide(maker: Any, checker: Any) -> None:
    proposal = propose(maker, cap_2027())
    checker.is_active = False
    checker.save()
    with pytest.raises(ProposalError) as refused:
        figure_proposal_approve(actor=checker, proposal_id=proposal.public_id)
    assert refused.value.code == "not_allowed"


# --- Refused changes: clear error, nothing stored or written ----------------------------------------


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (cap_2027(effective_from=dt.date(2026, 12, 8)), "not_future"),
        (cap_2027(effective_from=dt.date(2025, 1, 1)), "not_future"),
        (cap_2027(effective_to=dt.date(2027, 2, 1)), "ends_before_start"),
        (cap_2027(value=Decimal("-1")), "invalid_value"),
        (cap_2027(value=Decimal("1.00001")), "invalid_value"),
        (cap_2027(unit="percent"), "unit_mismatch"),
        (cap_2027(program="XX"), "invalid"),
        (cap_2027(component=""), "invalid"),
    ],
)
def test_a_bad_rate_proposal_is_refused_and_not_stored(maker: Any, change: RateAdd, code: str) -> None:
    with pytest.raises(ProposalError) as refused:
        propose(maker, change)
    assert refused.value.code == code
    assert not FigureProposal.objects.exists()


@pytest.mark.parametrize(
    ("source", "reason", "code"), [(" ", "x", "source_required"), ("x", "", "reason_required")]
)
def test_source_and_reason_are_required(maker: Any, source: str, reason: str, code: str) -> None:
    with pytest.raises(ProposalError) as refused:
        figure_proposal_create(actor=maker, change=cap_2027(), source=source, reason=reason)
    assert refused.value.code == code
    assert not FigureProposal.objects.exists()


def test_approving_a_rate_that_would_overlap_is_refused_with_nothing_written(
    maker: Any, checker: Any
) -> None:
    # Two proposals both valid when made: a closed 2027 cap, and a later one inside it.
    first = propose(maker, cap_2027(effective_to=dt.date(2027, 12, 31)))
    second = propose(maker, cap_2027(value=Decimal("11700000"), effective_from=dt.date(2027, 6, 1)))
    figure_proposal_approve(actor=checker, proposal_id=first.public_id)
    before = table_state()
    with pytest.raises(ProposalError) as refused:
        figure_proposal_approve(actor=checker, proposal_id=second.public_id)
    assert refused.value.code == "overlap"
    assert "sudah ada tarif lain dengan nama yang sama" in refused.value.message
    assert table_state() == before
    second.refresh_from_db()
    assert (second.status, second.after) == ("pending", [])


def test_the_exclusion_constraint_refuses_what_the_check_missed(
    maker: Any, checker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = propose(maker, cap_2027(effective_to=dt.date(2027, 12, 31)))
    second = propose(maker, cap_2027(value=Decimal("11700000"), effective_from=dt.date(2027, 6, 1)))
    figure_proposal_approve(actor=checker, proposal_id=first.public_id)
    before = table_state()
    monkeypatch.setattr(RateAdd, "check", lambda self, today: None)
    with pytest.raises(ProposalError) as refused:
        figure_proposal_approve(actor=checker, proposal_id=second.public_id)
    assert refused.value.code == "overlap"
    assert table_state() == before
    assert FigureProposal.objects.get(pk=second.pk).status == "pending"


def test_approval_checks_again_a_date_that_has_passed(maker: Any, checker: Any) -> None:
    proposal = propose(maker, cap_2027(effective_from=dt.date(2026, 12, 20)))
    before = table_state()
    later = dt.datetime(2026, 12, 21, 9, 0, tzinfo=NOW.tzinfo)
    with time_machine.travel(later, tick=False), pytest.raises(ProposalError) as refused:
        figure_proposal_approve(actor=checker, proposal_id=proposal.public_id)
    assert refused.value.code == "not_future"
    assert table_state() == before


# --- End dates ------------------------------------------------------------------------------------------


def online_limit() -> Rate:
    return Rate.objects.get(program="KLAIM", component="online_limit", effective_to__isnull=True)


def test_an_end_date_is_proposed_and_approved(maker: Any, checker: Any) -> None:
    row = online_limit()
    proposal = propose(maker, RateEnd(rate_id=row.pk, effective_to=dt.date(2027, 6, 30)))
    assert (proposal.target_id, proposal.payload) == (
        row.pk,
        {"rate_id": row.pk, "effective_to": "2027-06-30"},
    )
    figure_proposal_approve(actor=checker, proposal_id=proposal.public_id)
    row.refresh_from_db()
    assert row.effective_to == dt.date(2027, 6, 30)
    proposal.refresh_from_db()
    assert [s["fields"]["effective_to"] for s in proposal.before + proposal.after] == [None, "2027-06-30"]


@pytest.mark.parametrize(
    ("component", "from_", "end", "code"),
    [
        ("online_limit", dt.date(2025, 5, 1), dt.date(2026, 12, 7), "end_in_past"),
        ("online_limit", dt.date(2024, 1, 1), dt.date(2027, 1, 1), "already_ended"),
        ("pension_age", dt.date(2025, 1, 1), dt.date(2027, 6, 30), "gap"),  # age 60 starts 1 Jan 2028
        ("pension_age", dt.date(2025, 1, 1), dt.date(2028, 6, 30), "overlap"),
        ("pension_age", dt.date(2025, 1, 1), dt.date(2027, 12, 31), "unchanged"),
    ],
)
def test_a_bad_end_date_is_refused(
    maker: Any, component: str, from_: dt.date, end: dt.date, code: str
) -> None:
    row = Rate.objects.get(component=component, effective_from=from_)
    with pytest.raises(ProposalError) as refused:
        propose(maker, RateEnd(rate_id=row.pk, effective_to=end))
    assert refused.value.code == code
    assert not FigureProposal.objects.exists()


# --- Development rate, discount programmes -------------------------------------------------------------


def test_a_development_rate_is_proposed_and_approved(maker: Any, checker: Any) -> None:
    proposal = propose(maker, DevelopmentSet(year=2026, rate_percent=Decimal("5.750")))
    assert not DevelopmentRate.objects.filter(year=2026).exists()
    figure_proposal_approve(actor=checker, proposal_id=proposal.public_id)
    row = DevelopmentRate.objects.get(year=2026)
    assert (row.rate_percent, row.source, row.assumed) == (
        Decimal("5.750"),
        "Surat BPJS TK B/999/022027",
        False,
    )
    proposal.refresh_from_db()
    assert (proposal.before, proposal.target_id) == ([], row.pk)
    assert proposal.after == [
        {
            "table": "developmentrate",
            "id": row.pk,
            "fields": {
                "year": "2026",
                "rate_percent": "5.750",
                "source": "Surat BPJS TK B/999/022027",
                "assumed": "False",
            },
        }
    ]


def test_the_development_rate_of_an_ended_or_credited_year_is_refused(maker: Any) -> None:
    DevelopmentRate.objects.create(year=2025, rate_percent=Decimal("6.000"), source="x")
    with pytest.raises(ProposalError) as ended:
        propose(maker, DevelopmentSet(year=2025, rate_percent=Decimal("7.000")))
    assert ended.value.code == "ended_year"
    LedgerEntry.objects.create(
        account=ParticipantFactory(),
        kind=EntryKind.DEVELOPMENT,
        amount_idr=1,
        value_date=dt.date(2025, 12, 31),
        year=2024,
        idempotency_key="dev:2024:test",
    )
    with pytest.raises(ProposalError) as credited:
        propose(maker, DevelopmentSet(year=2024, rate_percent=Decimal("7.000")))
    assert credited.value.code == "credited"
    assert DevelopmentRate.objects.get(year=2025).rate_percent == Decimal("6.000")
    assert not FigureProposal.objects.exists()


def new_programme(**changes: Any) -> DiscountAdd:
    values: dict[str, Any] = {
        "code": "bpu-nelayan-2027",
        "label": "Diskon iuran JKK-JKM 50 % untuk nelayan, Jan 2027 - Des 2027",
        "segment": "BPU",
        "components": ("JKK", "JKM"),
        "percent": Decimal("50"),
        "first_period": dt.date(2027, 1, 1),
        "last_period": dt.date(2027, 12, 1),
        "work_types": ("fisher",),
        "labour_intensive_only": False,
        "min_workers": None,
        "excludes_state_paid": True,
        "confidence": "likely",
    }
    values.update(changes)
    return DiscountAdd(**values)


def test_a_discount_programme_is_proposed_and_approved(maker: Any, checker: Any) -> None:
    proposal = propose(maker, new_programme(), source="Permenaker 99/2026")
    assert proposal.payload["components"] == ["JKK", "JKM"]
    assert not DiscountProgramme.objects.filter(code="bpu-nelayan-2027").exists()
    figure_proposal_approve(actor=checker, proposal_id=proposal.public_id)
    row = DiscountProgramme.objects.get(code="bpu-nelayan-2027")
    assert (row.components, row.work_types, row.percent, row.first_period, row.last_period, row.source) == (
        ["JKK", "JKM"],
        ["fisher"],
        Decimal("50.00"),
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 1),
        "Permenaker 99/2026",
    )


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"first_period": dt.date(2026, 12, 1)}, "not_future"),
        ({"last_period": dt.date(2026, 12, 1)}, "invalid_months"),
        ({"first_period": dt.date(2027, 1, 15)}, "invalid_months"),
        ({"work_types": ()}, "work_types_required"),
        ({"components": ("JHT",)}, "invalid"),
        ({"percent": Decimal("0")}, "invalid_value"),
        ({"code": "bpu-transportasi-2026"}, "code_taken"),
        ({"code": "Bukan Slug"}, "invalid"),
    ],
)
def test_a_bad_discount_programme_is_refused(maker: Any, changes: dict[str, Any], code: str) -> None:
    with pytest.raises(ProposalError) as refused:
        propose(maker, new_programme(**changes))
    assert refused.value.code == code
    assert not FigureProposal.objects.exists()


def test_a_programme_is_extended(maker: Any, checker: Any) -> None:
    programme = DiscountProgramme.objects.get(code="bpu-transportasi-2026")
    proposal = propose(maker, DiscountEnd(programme_id=programme.pk, last_period=dt.date(2027, 12, 1)))
    figure_proposal_approve(actor=checker, proposal_id=proposal.public_id)
    programme.refresh_from_db()
    assert programme.last_period == dt.date(2027, 12, 1)
    proposal.refresh_from_db()
    assert [s["fields"]["last_period"] for s in proposal.before + proposal.after] == [
        "2027-03-01",
        "2027-12-01",
    ]


def test_an_ended_programme_is_not_extended(maker: Any) -> None:
    ended = DiscountProgramme.objects.get(code="pu-padat-karya-2025")  # last month January 2026
    with pytest.raises(ProposalError) as refused:
        propose(maker, DiscountEnd(programme_id=ended.pk, last_period=dt.date(2027, 12, 1)))
    assert refused.value.code == "already_ended"


# --- Concurrency --------------------------------------------------------------------------------------


@pytest.mark.usefixtures("transactional_db")
def test_two_approvals_of_one_proposal_at_once_write_one_row() -> None:
    maker, first, second = (staff(StaffRole.ADMINISTRATOR) for _ in range(3))
    rows_before = Rate.objects.count()
    for round_ in range(3):
        proposal = propose(maker, cap_2027(effective_from=dt.date(2027, 3, 1 + round_)))
        results = race(
            partial(figure_proposal_approve, actor=first, proposal_id=proposal.public_id),
            partial(figure_proposal_approve, actor=second, proposal_id=proposal.public_id),
        )
        approved = [r for r in results if isinstance(r, FigureProposal)]
        refused = [r for r in results if isinstance(r, ProposalError)]
        assert len(approved) == 1, results
        assert [r.code for r in refused] == ["already_decided"]
        proposal.refresh_from_db()
        assert (proposal.status, proposal.decided_by_id) == ("approved", approved[0].decided_by_id)
    assert Rate.objects.count() == rows_before + 3
    assert [c[1] for c in wage_caps()[-3:]] == [dt.date(2027, 3, d) for d in (1, 2, 3)]


@pytest.mark.usefixtures("transactional_db")
def test_two_overlapping_proposals_approved_at_once_write_one_row() -> None:
    maker, checker = staff(StaffRole.ADMINISTRATOR), staff(StaffRole.ADMINISTRATOR)
    rows_before = Rate.objects.count()
    one = propose(maker, cap_2027())
    other = propose(maker, cap_2027(value=Decimal("11700000")))
    results = race(
        partial(figure_proposal_approve, actor=checker, proposal_id=one.public_id),
        partial(figure_proposal_approve, actor=checker, proposal_id=other.public_id),
    )
    assert sorted(type(r).__name__ for r in results) == ["FigureProposal", "ProposalError"], results
    assert [r.code for r in results if isinstance(r, ProposalError)] == ["overlap"]
    assert Rate.objects.count() == rows_before + 1
    assert sorted(FigureProposal.objects.values_list("status", flat=True)) == ["approved", "pending"]
    assert FigureProposal.objects.get(status=ProposalStatus.APPROVED).kind == FigureChange.RATE_ADD
