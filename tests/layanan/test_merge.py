"""Penggabungan saldo: requests through the user only; approval is all-or-nothing, balance-preserving
and applied once (also when two staff approve at the same moment)."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse

from layanan.errors import ServiceRequestError
from layanan.merge import merge_approve, merge_reject, merge_request_create
from layanan.models import MergeRequest, RequestStatus
from participants.ledger.models import EntryKind, JhtBalance, LedgerEntry
from participants.ledger.services import ledger_reconcile
from participants.models import MembershipStatus, Participant, StatusReason
from tests.concurrency import failures, race
from tests.factories import BranchFactory, ParticipantFactory, UserFactory
from tests.layanan.conftest import logged_in, person_with_two_kpjs, staff_with_role

pytestmark = pytest.mark.django_db


def _balances(kpjs: list[Participant]) -> dict[int, int]:
    return dict(JhtBalance.objects.filter(account__in=kpjs).values_list("account_id", "balance_idr"))


def _snapshot(kpjs: list[Participant]) -> tuple[Any, ...]:
    return (
        _balances(kpjs),
        LedgerEntry.objects.count(),
        list(Participant.objects.filter(pk__in=[p.pk for p in kpjs]).values_list("status", "status_reason")),
        list(MergeRequest.objects.values_list("status", "moved_idr")),
    )


def test_participant_requests_and_staff_approve_the_merge() -> None:
    old, new = person_with_two_kpjs()
    before = _balances([old, new])
    request = merge_request_create(user=new.user, target_id=new.public_id, source_ids=[old.public_id])
    reviewer = staff_with_role("reviewer", new.branch)
    done = merge_approve(actor=reviewer, request_id=request.public_id)
    after = _balances([old, new])
    assert sum(after.values()) == sum(before.values())
    assert after == {old.pk: 0, new.pk: before[old.pk] + before[new.pk]}
    assert (done.status, done.moved_idr, done.decided_by_id) == (
        RequestStatus.APPROVED,
        before[old.pk],
        reviewer.pk,
    )
    old.refresh_from_db()
    assert (old.status, old.status_reason) == (MembershipStatus.NONAKTIF, StatusReason.MERGED)
    kinds = list(
        LedgerEntry.objects.filter(kind__in=[EntryKind.MERGE_OUT, EntryKind.MERGE_IN]).values_list(
            "account_id", "kind", "amount_idr"
        )
    )
    assert sorted(kinds) == sorted(
        [(old.pk, "merge_out", -before[old.pk]), (new.pk, "merge_in", before[old.pk])]
    )
    # History of both stays: the old KPJ keeps its contribution entries.
    assert LedgerEntry.objects.filter(account=old, kind=EntryKind.CONTRIBUTION).count() == 3
    assert ledger_reconcile() == []


def test_approving_twice_applies_once() -> None:
    old, new = person_with_two_kpjs()
    request = merge_request_create(user=new.user, target_id=new.public_id, source_ids=[old.public_id])
    reviewer = staff_with_role("reviewer", new.branch)
    merge_approve(actor=reviewer, request_id=request.public_id)
    snapshot = _snapshot([old, new])
    merge_approve(actor=reviewer, request_id=request.public_id)
    assert _snapshot([old, new]) == snapshot


def test_failure_mid_way_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three KPJs: the second transfer fails after the first succeeded; everything rolls back."""
    old, new = person_with_two_kpjs()
    third: Any = ParticipantFactory(user=new.user, nik=new.nik, branch=new.branch)
    import datetime as dt

    from tests.factories import post_contribution

    post_contribution(third, period=dt.date(2024, 9, 1), wage_idr=4_000_000)
    request = merge_request_create(
        user=new.user, target_id=new.public_id, source_ids=[old.public_id, third.public_id]
    )
    before = _snapshot([old, new, third])
    from layanan import merge as merge_module

    real = merge_module.ledger_post
    calls = {"n": 0}

    def flaky(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:  # first pair posted, second pair's first leg fails
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(merge_module, "ledger_post", flaky)
    with pytest.raises(RuntimeError):
        merge_approve(actor=staff_with_role("reviewer", new.branch), request_id=request.public_id)
    assert _snapshot([old, new, third]) == before
    assert calls["n"] == 3


def test_kpjs_of_different_niks_are_refused() -> None:
    _old, new = person_with_two_kpjs()
    stranger: Any = ParticipantFactory(user=new.user, branch=new.branch)  # another NIK linked to the account
    with pytest.raises(ServiceRequestError) as exc:
        merge_request_create(user=new.user, target_id=new.public_id, source_ids=[stranger.public_id])
    assert exc.value.code == "different_nik"
    assert not MergeRequest.objects.exists()


def test_someone_elses_kpj_is_404_and_nothing_saved() -> None:
    old, new = person_with_two_kpjs()
    with pytest.raises(Http404):
        merge_request_create(user=UserFactory(), target_id=new.public_id, source_ids=[old.public_id])
    with pytest.raises(ServiceRequestError) as exc:
        merge_request_create(user=new.user, target_id=new.public_id, source_ids=[new.public_id])
    assert exc.value.code == "no_sources"
    assert not MergeRequest.objects.exists()


def test_second_open_request_is_refused() -> None:
    old, new = person_with_two_kpjs()
    merge_request_create(user=new.user, target_id=new.public_id, source_ids=[old.public_id])
    with pytest.raises(ServiceRequestError) as exc:
        merge_request_create(user=new.user, target_id=old.public_id, source_ids=[new.public_id])
    assert exc.value.code == "open_request"
    assert MergeRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "same_branch", "code"), [("reviewer", False, "not_found"), ("auditor", None, "read_only")]
)
def test_other_branch_and_auditor_cannot_approve(role: str, same_branch: bool | None, code: str) -> None:
    old, new = person_with_two_kpjs()
    request = merge_request_create(user=new.user, target_id=new.public_id, source_ids=[old.public_id])
    before = _snapshot([old, new])
    actor = staff_with_role(role, BranchFactory(code="BDG01") if same_branch is False else None)
    for action in (
        lambda: merge_approve(actor=actor, request_id=request.public_id),
        lambda: merge_reject(actor=actor, request_id=request.public_id, note="x"),
    ):
        with pytest.raises(ServiceRequestError) as exc:
            action()
        assert exc.value.code == code
    assert _snapshot([old, new]) == before


def test_reject_needs_a_reason_and_blocks_approval() -> None:
    old, new = person_with_two_kpjs()
    request = merge_request_create(user=new.user, target_id=new.public_id, source_ids=[old.public_id])
    reviewer = staff_with_role("reviewer", new.branch)
    with pytest.raises(ServiceRequestError):
        merge_reject(actor=reviewer, request_id=request.public_id, note="  ")
    merge_reject(actor=reviewer, request_id=request.public_id, note="Data KPJ lama perlu dicek di kantor.")
    with pytest.raises(ServiceRequestError) as exc:
        merge_approve(actor=reviewer, request_id=request.public_id)
    assert exc.value.code == "wrong_status"
    assert LedgerEntry.objects.filter(kind=EntryKind.MERGE_IN).count() == 0


def test_merge_page_request_and_status() -> None:
    old, new = person_with_two_kpjs()
    client = logged_in(new.user)
    page = client.get(reverse("layanan:merge"))
    assert page.status_code == 200
    assert old.kpj in page.content.decode()
    bad = client.post(reverse("layanan:merge"), {"tujuan": str(new.public_id), "asal": ["not-a-kpj"]})
    assert bad.status_code == 400
    assert not MergeRequest.objects.exists()
    ok = client.post(reverse("layanan:merge"), {"tujuan": str(new.public_id), "asal": [str(old.public_id)]})
    assert ok.status_code == 302
    request = MergeRequest.objects.get()
    assert request.target_id == new.pk
    assert list(request.sources.all()) == [old]
    assert "Diajukan" in client.get(reverse("layanan:merge")).content.decode()
    other = logged_in(UserFactory()).post(
        reverse("layanan:merge"), {"tujuan": str(new.public_id), "asal": [str(old.public_id)]}
    )
    assert other.status_code == 400
    assert MergeRequest.objects.count() == 1


def test_admin_approve_step(client: Any) -> None:
    old, new = person_with_two_kpjs()
    request = merge_request_create(user=new.user, target_id=new.public_id, source_ids=[old.public_id])
    url = reverse("admin:layanan_mergerequest_step", args=[request.pk, "setujui"])
    auditor = logged_in(staff_with_role("auditor", None))
    assert (
        request.target.kpj in auditor.get(reverse("admin:layanan_mergerequest_changelist")).content.decode()
    )
    assert (
        url
        not in auditor.get(reverse("admin:layanan_mergerequest_change", args=[request.pk])).content.decode()
    )
    assert auditor.post(url, {"note": ""}).status_code == 403
    assert MergeRequest.objects.get().status == RequestStatus.SUBMITTED
    reviewer = logged_in(staff_with_role("reviewer", new.branch))
    assert (
        url in reviewer.get(reverse("admin:layanan_mergerequest_change", args=[request.pk])).content.decode()
    )
    assert reviewer.post(url, {"note": ""}).status_code == 302
    assert MergeRequest.objects.get().status == RequestStatus.APPROVED


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_concurrent_approvals_apply_once(round_: int) -> None:
    old, new = person_with_two_kpjs()
    total = sum(_balances([old, new]).values())
    request = merge_request_create(user=new.user, target_id=new.public_id, source_ids=[old.public_id])
    actors = [staff_with_role("reviewer", new.branch), staff_with_role("supervisor", new.branch)]
    results = race(*[partial(merge_approve, actor=actor, request_id=request.public_id) for actor in actors])
    assert failures(results) == []
    assert LedgerEntry.objects.filter(kind=EntryKind.MERGE_OUT).count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.MERGE_IN).count() == 1
    assert _balances([old, new]) == {old.pk: 0, new.pk: total}


def test_merge_is_refused_while_a_claim_is_in_progress() -> None:
    from claims.models import Claim, ClaimStatus

    old, new = person_with_two_kpjs()
    request = merge_request_create(user=new.user, target_id=new.public_id, source_ids=[old.public_id])
    Claim.objects.create(
        participant=new, nik_index=new.nik_index, reason="resign", status=ClaimStatus.IN_REVIEW
    )
    before = _snapshot([old, new])
    with pytest.raises(ServiceRequestError) as exc:
        merge_approve(actor=staff_with_role("reviewer", new.branch), request_id=request.public_id)
    assert exc.value.code == "claim_in_progress"
    assert _snapshot([old, new]) == before


def test_admin_change_page_shows_the_merge_read_only() -> None:
    old, new = person_with_two_kpjs()
    request = merge_request_create(user=new.user, target_id=new.public_id, source_ids=[old.public_id])
    client = logged_in(staff_with_role("supervisor", new.branch))
    page = client.get(reverse("admin:layanan_mergerequest_change", args=[request.pk]))
    assert page.status_code == 200
    assert old.kpj in page.content.decode()
    assert new.nik_index not in page.content.decode()
