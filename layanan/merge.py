"""Penggabungan saldo: a participant asks to move the JHT balances of their other KPJs into one KPJ;
branch staff approve; the money moves by ledger transfer entries (never by editing entries).

Guarantees of `merge_approve`: all or nothing (one transaction: every transfer pair, every source's
status, the request's status); balance-preserving (each source's whole balance leaves it by one
`merge_out` entry and enters the target by one `merge_in` entry of the same amount, so Σ balances of the
person is unchanged); applied once (the request row is locked and only a `submitted` request is applied;
the ledger's idempotency keys `merge:<request>:<source>:out|in` make a replay a no-op besides).
Refused (nothing changed, logged): KPJs of different NIKs, KPJs that are not the user's, a person with
a claim in progress, a second open request.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import structlog
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.models import OPEN_STATUSES, Claim
from layanan.errors import refuse
from layanan.models import APPROVE, REJECT, MergeRequest
from layanan.workflow import request_step
from participants.ledger.models import EntryKind, JhtBalance
from participants.ledger.services import ledger_post
from participants.models import MembershipStatus, Participant, StatusReason, User
from participants.selectors import participant_get_for_user

log = structlog.get_logger(__name__)


def merge_candidates(*, user: User) -> list[Participant]:
    """The user's linked KPJs that can take part in a merge (not merged away already)."""
    return list(
        Participant.objects.filter(user=user)
        .exclude(status_reason=StatusReason.MERGED)
        .select_related("jht_balance", "branch")
        .order_by("registered_on", "kpj")
    )


def merge_requests_of_user(*, user: User) -> list[MergeRequest]:
    return list(MergeRequest.objects.filter(user=user).select_related("target").prefetch_related("sources"))


def merge_request_create(
    *, user: User, target_id: uuid.UUID | str, source_ids: Sequence[uuid.UUID | str]
) -> MergeRequest:
    """File a merge of `source_ids` into `target_id` (public ids of the user's KPJs). Raises Http404 for
    a KPJ that is not the user's and ServiceRequestError ("no_sources", "different_nik",
    "already_merged", "open_request"); nothing is saved on a refusal."""
    target = participant_get_for_user(user=user, public_id=target_id)
    sources = [participant_get_for_user(user=user, public_id=s) for s in source_ids]
    sources = [s for s in sources if s.pk != target.pk]
    if not sources:
        raise refuse("merge.refused", "no_sources", _("Pilih minimal satu KPJ lain yang akan digabungkan."))
    if any(s.nik_index != target.nik_index for s in sources):
        raise refuse(
            "merge.refused",
            "different_nik",
            _("Hanya KPJ dengan NIK yang sama yang dapat digabungkan."),
            user_id=user.pk,
        )
    if any(p.status_reason == StatusReason.MERGED for p in [target, *sources]):
        raise refuse("merge.refused", "already_merged", _("Salah satu KPJ sudah digabungkan sebelumnya."))
    try:
        with transaction.atomic():
            request = MergeRequest.objects.create(
                user=user, branch_id=target.branch_id, nik_index=target.nik_index, target=target
            )
            request.sources.set(sources)
    except IntegrityError as exc:
        if "merge_one_open_per_person" in str(exc):
            raise refuse(
                "merge.refused",
                "open_request",
                _("Anda sudah punya pengajuan penggabungan yang sedang diproses."),
            ) from exc
        raise
    log.info("merge.requested", request_id=str(request.public_id), user_id=user.pk, sources=len(sources))
    return request


def _apply_merge(request: MergeRequest, actor: User) -> list[str]:
    """The approval hook of `request_step` (see the module docstring); the request row is locked."""
    today = timezone.localdate()
    source_ids = sorted(request.sources.values_list("pk", flat=True))
    # Lock every KPJ and balance row of the merge in one order (pk) so concurrent work cannot deadlock.
    people = {
        p.pk: p
        for p in Participant.objects.select_for_update()
        .filter(pk__in=[request.target_id, *source_ids])
        .order_by("pk")
    }
    if any(p.nik_index != request.nik_index for p in people.values()):
        raise refuse(
            "merge.refused", "different_nik", _("Hanya KPJ dengan NIK yang sama yang dapat digabungkan.")
        )
    if Claim.objects.filter(nik_index=request.nik_index, status__in=OPEN_STATUSES).exists():
        raise refuse(
            "merge.refused",
            "claim_in_progress",
            _("Ada klaim JHT yang sedang diproses untuk peserta ini. Gabungkan saldo setelah klaim selesai."),
        )
    balances = {
        b.account_id: b.balance_idr
        for b in JhtBalance.objects.select_for_update()
        .filter(account_id__in=source_ids)
        .order_by("account_id")
    }
    moved = 0
    for source_id in source_ids:
        amount = balances.get(source_id, 0)
        if amount > 0:
            key = f"merge:{request.public_id}:{source_id}"
            reason = f"Penggabungan saldo KPJ {people[source_id].kpj} ke KPJ {people[request.target_id].kpj}"
            for account_id, kind, signed, end in (
                (source_id, EntryKind.MERGE_OUT, -amount, "out"),
                (request.target_id, EntryKind.MERGE_IN, amount, "in"),
            ):
                ledger_post(
                    account_id=account_id,
                    kind=kind,
                    amount_idr=signed,
                    value_date=today,
                    idempotency_key=f"{key}:{end}",
                    reason=reason,
                    created_by_id=actor.pk,
                )
            moved += amount
        Participant.objects.filter(pk=source_id).update(
            status=MembershipStatus.NONAKTIF, status_reason=StatusReason.MERGED, status_since=today
        )
    request.moved_idr = moved
    log.info("merge.applied", request_id=str(request.public_id), actor_id=actor.pk, moved_idr=moved)
    return ["moved_idr"]


def merge_step(
    *, slug: str, actor: User, request_id: uuid.UUID | str, note: str = "", outcome: str = ""
) -> MergeRequest:
    """Any step of MergeRequest.STEPS through `request_step`; approval applies the merge."""
    return request_step(
        model=MergeRequest,
        slug=slug,
        actor=actor,
        request_id=request_id,
        note=note,
        apply=_apply_merge if slug == APPROVE.slug else None,
    )


def merge_approve(*, actor: User, request_id: uuid.UUID | str) -> MergeRequest:
    """Apply a submitted merge (see the module docstring). Idempotent: an approved request is returned
    unchanged. Raises ServiceRequestError ("read_only", "not_found", "wrong_status", "different_nik",
    "claim_in_progress"); nothing changes on a refusal or on any error mid-way."""
    return merge_step(slug=APPROVE.slug, actor=actor, request_id=request_id)


def merge_reject(*, actor: User, request_id: uuid.UUID | str, note: str) -> MergeRequest:
    """Reject a submitted merge with a reason for the participant. Idempotent for a rejected request."""
    return merge_step(slug=REJECT.slug, actor=actor, request_id=request_id, note=note)
