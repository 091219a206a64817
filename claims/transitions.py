"""The claim state machine: a table of allowed moves (and who may make them) and the one function that
applies them.

    draft → submitted → verifying → in_review → approved → paying → paid
                                    in_review → revision_requested → resubmitted → in_review
    paying → revision_requested   (the bank refused the transfer: the claimant gives a new account)
    in_review / revision_requested / approved → rejected   (staff, with a reason code)
    draft / submitted / verifying / revision_requested / resubmitted → cancelled   (the claimant)

Guards (checked on the locked row, after the move's field updates are applied):
- in_review → approved: a required video interview has been recorded; the approver is not the claimant;
- approved → paying: a required second approval is recorded (by someone else than the first approver);
- staff never move their own claim.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from claims import effects, notices
from claims.models import Claim, ClaimHistory
from claims.models import ClaimStatus as S
from participants.models import User
from portal.effects.services import effect_schedule


class Role(StrEnum):
    CLAIMANT = "claimant"
    STAFF = "staff"
    SYSTEM = "system"  # tasks: actor is None


C, F, Y = Role.CLAIMANT, Role.STAFF, Role.SYSTEM

TRANSITIONS: dict[str, dict[str, frozenset[Role]]] = {
    S.DRAFT: {S.SUBMITTED: frozenset({C}), S.CANCELLED: frozenset({C})},
    S.SUBMITTED: {S.VERIFYING: frozenset({Y}), S.CANCELLED: frozenset({C})},
    S.VERIFYING: {S.IN_REVIEW: frozenset({Y}), S.CANCELLED: frozenset({C})},
    S.IN_REVIEW: {
        S.APPROVED: frozenset({F}),
        S.REVISION_REQUESTED: frozenset({F}),
        S.REJECTED: frozenset({F}),
    },
    S.REVISION_REQUESTED: {
        S.RESUBMITTED: frozenset({C}),
        S.CANCELLED: frozenset({C}),
        S.REJECTED: frozenset({F}),
    },
    S.RESUBMITTED: {S.IN_REVIEW: frozenset({Y}), S.CANCELLED: frozenset({C})},
    S.APPROVED: {S.PAYING: frozenset({F, Y}), S.REJECTED: frozenset({F})},
    S.PAYING: {S.PAID: frozenset({Y}), S.REVISION_REQUESTED: frozenset({Y})},
    S.PAID: {},
    S.REJECTED: {},
    S.CANCELLED: {},
}


class ClaimError(Exception):
    """A refused action; nothing changed. `code` is stable, `message` is for the user (Indonesian)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message or code


class IllegalTransition(ClaimError):
    """The move is not in the table, the actor may not make it, or a guard refused it."""


def role_of(claim: Claim, actor: User | None) -> Role | None:
    if actor is None:
        return Role.SYSTEM
    if actor.pk == claim.user_id or actor.pk == claim.participant.user_id:
        return Role.CLAIMANT  # a staff member filing their own claim acts as a claimant, never as staff
    if actor.is_staff and actor.is_active:
        return Role.STAFF
    return None


def is_allowed(from_status: str, to_status: str, role: Role | None) -> bool:
    return role is not None and role in TRANSITIONS.get(from_status, {}).get(to_status, frozenset())


def _guard(claim: Claim, to_status: str) -> None:
    if to_status == S.APPROVED:
        if claim.interview_required and claim.interview_recorded_at is None:
            raise IllegalTransition(
                "interview_required", _("Klaim di atas batas online wajib wawancara video sebelum disetujui.")
            )
        if claim.first_approved_by_id is None:
            raise IllegalTransition(
                "approver_missing", _("Persetujuan harus mencatat petugas yang menyetujui.")
            )
    if to_status == S.PAYING and claim.second_approval_required:
        if claim.second_approved_by_id is None:
            raise IllegalTransition(
                "second_approval_required", _("Klaim ini memerlukan persetujuan kedua dari petugas lain.")
            )
        if claim.second_approved_by_id == claim.first_approved_by_id:
            raise IllegalTransition(
                "same_approver", _("Persetujuan kedua harus diberikan oleh petugas yang berbeda.")
            )


def _schedule_side_effects(claim: Claim, to_status: str) -> None:
    jobs = effects.jobs()
    if to_status in (S.SUBMITTED, S.RESUBMITTED):
        effect_schedule(jobs.verify, claim.pk)
    elif to_status == S.PAYING:
        effect_schedule(jobs.pay, claim.pk)
    elif to_status in (S.PAID, S.REJECTED):
        from claims.letters import claim_letter_create

        letter = claim_letter_create(claim=claim)
        if letter is not None:
            effect_schedule(jobs.render_letter, letter.pk)
    notices.claim_status(claim=claim, to_status=to_status)


def claim_transition(
    *,
    claim_id: int,
    to: str,
    actor: User | None,
    reason: str = "",
    updates: Mapping[str, Any] | None = None,
) -> Claim:
    """Move a claim to `to`: lock the row, check the table and the actor's role, apply `updates` (fields
    that change with the move), run the guards, save, write a ClaimHistory row and schedule the side
    effects (tasks, after commit). All in one transaction.

    Raises IllegalTransition (nothing changed) for moves outside the table — including a "move" to the
    current status —, for actors without the role, and when a guard refuses. Raises IntegrityError when
    the database refuses the row (e.g. a second open claim for the person); nothing changed either.
    Not idempotent by itself: callers that must be (submit, tasks) check the status first.
    """
    with transaction.atomic():
        claim = Claim.objects.select_for_update(of=("self",)).select_related("participant").get(pk=claim_id)
        from_status = claim.status
        if not is_allowed(from_status, to, role_of(claim, actor)):
            raise IllegalTransition(
                "illegal_transition",
                _("Klaim dengan status %(status)s tidak dapat diubah ke %(to)s oleh Anda.")
                % {"status": claim.get_status_display(), "to": S(to).label if to in S.values else to},
            )
        for name, value in (updates or {}).items():
            setattr(claim, name, value)
        claim.status = to
        _guard(claim, to)
        claim.save()
        ClaimHistory.objects.create(
            claim=claim, actor=actor, from_status=from_status, to_status=to, reason=reason
        )
        _schedule_side_effects(claim, to)
    return claim
