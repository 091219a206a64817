"""Staff steps on an assisted verification request: schedule the video call, record it, approve or
reject. One function moves the status (`_move`): it locks the row, refuses what the transition table
does not allow, writes the history row and notifies the person, all in one transaction.

Transition table (from → to):
- submitted | call_scheduled → call_scheduled (schedule or move the call)
- call_scheduled → call_done (the call took place)
- call_done → approved (identity matched and the KPJ has no account yet)
- submitted | call_scheduled | call_done → rejected (with a reason)
- (the person) any open status → withdrawn (verification.services)
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import structlog
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import StaffRole, has_role, is_read_only
from participants.models import User
from verification import notices
from verification.activation import assisted_activation_offer
from verification.errors import VerificationError
from verification.models import RejectReason, VerificationHistory, VerificationRequest, VerificationStatus
from verification.selectors import verification_requests_for_staff
from verification.services import _retention_after_decision

log = structlog.get_logger(__name__)

S = VerificationStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.CALL_SCHEDULED: frozenset({S.SUBMITTED, S.CALL_SCHEDULED}),
    S.CALL_DONE: frozenset({S.CALL_SCHEDULED}),
    S.APPROVED: frozenset({S.CALL_DONE}),
    S.REJECTED: frozenset({S.SUBMITTED, S.CALL_SCHEDULED, S.CALL_DONE}),
}


def allowed_steps(request: VerificationRequest) -> list[str]:
    """The target statuses a staff member could move the request to now."""
    return [target for target, sources in TRANSITIONS.items() if request.status in sources]


def _require_staff_writer(actor: User) -> None:
    if is_read_only(actor) or not has_role(
        actor, StaffRole.REVIEWER, StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR
    ):
        raise VerificationError("not_allowed", _("Peran Anda tidak dapat memproses verifikasi identitas."))


def _move(
    *,
    actor: User,
    request_id: uuid.UUID | str,
    target: str,
    note: str = "",
    change: Callable[[VerificationRequest, dt.datetime], list[str]] | None = None,
) -> VerificationRequest:
    _require_staff_writer(actor)
    with transaction.atomic():
        try:
            request = (
                verification_requests_for_staff(actor=actor).select_for_update().filter(pk=request_id).first()
            )
        except (ValueError, TypeError):
            request = None
        if request is None:
            raise VerificationError("not_found", _("Permintaan tidak ditemukan di kantor cabang Anda."))
        if request.status not in TRANSITIONS[target]:
            raise VerificationError(
                "wrong_status",
                _("Tindakan ini tidak tersedia untuk permintaan berstatus %(status)s.")
                % {"status": request.get_status_display()},
            )
        now = timezone.now()
        fields = change(request, now) if change else []
        before = request.status
        request.status = target
        request.save(update_fields=["status", *fields, "updated_at"])
        history = VerificationHistory.objects.create(
            request=request, actor=actor, from_status=before, to_status=target, note=note
        )
        if target != S.APPROVED:  # approval sends the activation link instead (assisted_activation_offer)
            notices.status_changed(request=request, history_id=history.pk)
    log.info("verification.step", request_id=str(request.pk), status=target, actor_id=actor.pk)
    return request


def verification_schedule_call(
    *, actor: User, request_id: uuid.UUID | str, at: dt.datetime, link: str
) -> VerificationRequest:
    """Set (or move) the video call: time and link, sent to the person. Raises VerificationError
    ("not_allowed", "not_found", "wrong_status", "past")."""
    if at <= timezone.now():
        raise VerificationError("past", _("Jadwal panggilan harus di masa depan."))

    def change(request: VerificationRequest, now: dt.datetime) -> list[str]:
        request.call_at, request.call_link = at, link
        return ["call_at", "call_link"]

    return _move(actor=actor, request_id=request_id, target=S.CALL_SCHEDULED, change=change)


def verification_record_call(*, actor: User, request_id: uuid.UUID | str, note: str) -> VerificationRequest:
    """Record that the scheduled call took place (who, when, what was checked)."""
    if not note.strip():
        raise VerificationError("note_required", _("Tuliskan catatan panggilan video."))

    def change(request: VerificationRequest, now: dt.datetime) -> list[str]:
        request.call_recorded_at, request.call_by, request.call_note = now, actor, note.strip()
        return ["call_recorded_at", "call_by", "call_note"]

    return _move(actor=actor, request_id=request_id, target=S.CALL_DONE, note=note.strip(), change=change)


def verification_approve(*, actor: User, request_id: uuid.UUID | str, note: str = "") -> VerificationRequest:
    """Approve after the video call: the contact given becomes the contact on record and the activation
    link goes to the given email (verification.activation). Refused ("identity_mismatch") when NIK, KPJ
    and date of birth did not all match, ("has_account") when the KPJ already has an account, and
    ("wrong_status") when already decided: a second approval changes nothing."""

    def change(request: VerificationRequest, now: dt.datetime) -> list[str]:
        if not request.identity_matched or request.participant is None:
            raise VerificationError(
                "identity_mismatch",
                _("Identitas tidak cocok dengan data peserta; permintaan tidak dapat disetujui."),
            )
        if request.participant.user_id is not None:
            raise VerificationError("has_account", _("KPJ ini sudah punya akun online."))
        request.decided_at, request.decided_by, request.decision_note = now, actor, note.strip()
        request.images_delete_after = _retention_after_decision(now)
        return [
            "decided_at",
            "decided_by",
            "decision_note",
            "images_delete_after",
            *assisted_activation_offer(request=request, now=now),
        ]

    return _move(actor=actor, request_id=request_id, target=S.APPROVED, note=note.strip(), change=change)


def verification_reject(
    *, actor: User, request_id: uuid.UUID | str, reason: str, note: str = ""
) -> VerificationRequest:
    """Reject with a reason from `RejectReason` (shown to the person as its label)."""
    if reason not in RejectReason.values:
        raise VerificationError("reason_required", _("Pilih alasan penolakan."))

    def change(request: VerificationRequest, now: dt.datetime) -> list[str]:
        request.decided_at, request.decided_by = now, actor
        request.reject_reason, request.decision_note = reason, note.strip()
        request.images_delete_after = _retention_after_decision(now)
        return ["decided_at", "decided_by", "reject_reason", "decision_note", "images_delete_after"]

    return _move(actor=actor, request_id=request_id, target=S.REJECTED, note=note.strip(), change=change)
