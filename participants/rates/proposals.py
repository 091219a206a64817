"""Changing a figure under maker-checker: one staff member proposes, a different one approves.

Every figure table (rates, including the JP wage cap and the claim thresholds; JHT development rates;
discount programmes) changes only through `figure_proposal_approve`; the admin pages of those tables are
read-only (backoffice/admin/rates.py). The kinds of change and their rules: participants/rates/changes.py.

- Proposing needs `participants.add_figureproposal`, deciding `participants.approve_figureproposal`
  (both held by the administrator group, backoffice/migrations/0004), each for an active staff member.
- The proposer never decides their own proposal (also a database check on the proposal).
- Approving re-checks the change against today's table, writes it and marks the proposal approved in one
  transaction, with the proposal row locked: of two approvals at once one wins, the other is told the
  proposal is already decided. A change that would overlap another rate row (the exclusion constraint,
  also between two proposals approved at the same moment) is refused with nothing written.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.rates.changes import Change, ProposalError, change_of, overlap_message
from participants.rates.models import FigureChange, FigureProposal, ProposalStatus

PROPOSE_PERMISSION = "participants.add_figureproposal"
APPROVE_PERMISSION = "participants.approve_figureproposal"

__all__ = [
    "APPROVE_PERMISSION",
    "PROPOSE_PERMISSION",
    "ProposalError",
    "can_decide",
    "can_propose",
    "figure_proposal_approve",
    "figure_proposal_create",
    "figure_proposal_reject",
]


def _active_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def can_propose(user: Any) -> bool:
    return _active_staff(user) and bool(user.has_perm(PROPOSE_PERMISSION))


def can_decide(user: Any) -> bool:
    return _active_staff(user) and bool(user.has_perm(APPROVE_PERMISSION))


def figure_proposal_create(*, actor: Any, change: Change, source: str, reason: str) -> FigureProposal:
    """Propose `change` with the source of the new figure and the reason (maker). Nothing in the figure
    tables changes until another staff member approves. Raises ProposalError ("not_allowed",
    "source_required", "reason_required", or the change's own rule); nothing is stored on a refusal."""
    if not can_propose(actor):
        raise ProposalError("not_allowed", _("Anda tidak berwenang mengusulkan perubahan angka."))
    source, reason = source.strip(), reason.strip()
    if not source:
        raise ProposalError(
            "source_required", _("Tuliskan sumber angka (peraturan, surat, atau halaman resmi).")
        )
    if len(source) > 255:
        raise ProposalError("source_too_long", _("Sumber paling banyak 255 karakter."))
    if not reason:
        raise ProposalError("reason_required", _("Tuliskan alasan perubahan."))
    change.check(timezone.localdate())
    return FigureProposal.objects.create(
        kind=change.kind,
        payload=change.payload(),
        summary=change.describe()[:255],
        target_id=change.target_id,
        source=source,
        reason=reason,
        proposed_by=actor,
    )


def _pending_for(*, actor: Any, proposal_id: uuid.UUID | str) -> FigureProposal:
    """The proposal, locked, after the checks every decision shares. Call inside a transaction."""
    if not can_decide(actor):
        raise ProposalError("not_allowed", _("Anda tidak berwenang memutuskan usulan perubahan angka."))
    try:
        proposal = FigureProposal.objects.select_for_update().filter(public_id=proposal_id).first()
    except (ValueError, TypeError):
        proposal = None
    if proposal is None:
        raise ProposalError("not_found", _("Usulan ini tidak ditemukan."))
    if proposal.status != ProposalStatus.PENDING:
        raise ProposalError("already_decided", _("Usulan ini sudah diputuskan."))
    if proposal.proposed_by_id == actor.pk:
        raise ProposalError(
            "same_person", _("Usulan harus diputuskan oleh petugas lain, bukan yang mengusulkannya.")
        )
    return proposal


def figure_proposal_approve(*, actor: Any, proposal_id: uuid.UUID | str, note: str = "") -> FigureProposal:
    """Approve a pending proposal (checker) and write the figure, in one transaction: the change is
    checked again against today's table, applied, and the rows before and after are kept on the
    proposal. Raises ProposalError ("not_allowed", "not_found", "already_decided", "same_person",
    "overlap", "conflict", or the change's own rule); nothing changes on a refusal."""
    with transaction.atomic():
        proposal = _pending_for(actor=actor, proposal_id=proposal_id)
        change = change_of(proposal)
        change.check(timezone.localdate())
        try:
            with transaction.atomic():
                applied = change.apply(actor=actor, proposal=proposal)
        except IntegrityError:
            # Another row committed since the check (a proposal approved at the same moment): the
            # exclusion or unique constraint refused this one.
            if proposal.kind in (FigureChange.RATE_ADD, FigureChange.RATE_END):
                raise ProposalError("overlap", overlap_message()) from None
            raise ProposalError(
                "conflict", _("Angka ini baru saja diubah oleh usulan lain; periksa lalu usulkan lagi.")
            ) from None
        proposal.status = ProposalStatus.APPROVED
        proposal.decided_by = actor
        proposal.decided_at = timezone.now()
        proposal.decision_note = note.strip()
        proposal.before = applied.before
        proposal.after = applied.after
        proposal.target_id = applied.target_id
        proposal.save()
    return proposal


def figure_proposal_reject(*, actor: Any, proposal_id: uuid.UUID | str, note: str) -> FigureProposal:
    """Refuse a pending proposal (checker), with a note for the proposer. The figure tables are not
    touched. Raises ProposalError ("reason_required" and the decision checks above)."""
    if not note.strip():
        raise ProposalError("reason_required", _("Tuliskan alasan penolakan."))
    with transaction.atomic():
        proposal = _pending_for(actor=actor, proposal_id=proposal_id)
        proposal.status = ProposalStatus.REJECTED
        proposal.decided_by = actor
        proposal.decided_at = timezone.now()
        proposal.decision_note = note.strip()
        proposal.save()
    return proposal
