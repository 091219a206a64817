"""Back-office services: the access log, balance corrections (maker-checker) and staff changes to a
participant's record. Every function takes the acting staff member and checks their role and branch.
"""

from __future__ import annotations

import uuid
from typing import Any

import structlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import StaffRole, branch_scope_q, has_role, is_read_only
from backoffice.models import AccessKind, AccessLog, CorrectionRequest, CorrectionStatus
from participants.ledger.models import EntryKind
from participants.ledger.services import InsufficientBalance, ledger_post
from participants.models import MembershipStatus, Participant, StatusReason, User

log = structlog.get_logger(__name__)


class BackofficeError(Exception):
    """A refused staff action; nothing changed. `code` is stable, `message` is for staff (Indonesian)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def access_log_record(
    *,
    actor: User,
    kind: str,
    participant_id: int | None,
    claim_id: int | None = None,
    detail: str = "",
) -> AccessLog:
    """Append one access-log row (who looked at whose what, and why). Never updated or deleted."""
    return AccessLog.objects.create(
        actor=actor, participant_id=participant_id, kind=kind, claim_id=claim_id, detail=detail[:200]
    )


def access_log_out_of_scope(*, actor: User, what: str, object_id: Any) -> None:
    """A staff member asked for something outside their branch by URL: log it (no personal data) and
    record it in the access log; the caller answers 404."""
    log.warning("backoffice.out_of_scope", actor_id=actor.pk, what=what, object_id=str(object_id))
    if getattr(actor, "pk", None) is not None:
        access_log_record(
            actor=actor, kind=AccessKind.OUT_OF_SCOPE, participant_id=None, detail=f"{what} {object_id}"
        )


def object_in_scope[M: Model](*, actor: User, scoped: QuerySet[M], object_id: Any, what: str) -> M:
    """The back office's one scope check: the object `object_id` from `scoped`, a queryset already
    limited to what `actor` may see (`branch_scope_q`, or a ModelAdmin's `get_queryset`).

    Http404 when it is not in the scope, also for an id that cannot be one (text for a number). When
    the object exists outside the scope, the attempt is logged and written to the access log; an id
    that exists nowhere reached nothing and is not."""
    try:
        found = scoped.filter(pk=object_id).first()
    except (ValueError, TypeError, ValidationError):
        raise Http404 from None
    if found is None:
        if scoped.model._default_manager.filter(pk=object_id).exists():
            access_log_out_of_scope(actor=actor, what=what, object_id=object_id)
        raise Http404
    return found


def admin_object_in_scope(model_admin: Any, request: HttpRequest, object_id: Any, *, what: str) -> Any:
    """`object_in_scope` for a back-office page of a ModelAdmin: 403 without the page's view permission,
    then the ModelAdmin's (scoped) queryset."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    return object_in_scope(
        actor=request.user,  # type: ignore[arg-type]
        scoped=model_admin.get_queryset(request),
        object_id=object_id,
        what=what,
    )


def _participant_in_scope(*, actor: User, participant_id: int) -> Participant:
    return object_in_scope(
        actor=actor,
        scoped=Participant.objects.filter(branch_scope_q(actor, "branch")),
        object_id=participant_id,
        what="participant",
    )


def participant_reveal_nik(*, actor: User, participant_id: int, reason: str) -> str:
    """The NIK in clear for a staff member in scope, with an access-log row. Raises BackofficeError
    without a reason, Http404 out of scope."""
    if not reason.strip():
        raise BackofficeError("reason_required", _("Tuliskan alasan melihat NIK."))
    participant = _participant_in_scope(actor=actor, participant_id=participant_id)
    access_log_record(actor=actor, kind=AccessKind.NIK, participant_id=participant.pk, detail=reason.strip())
    return participant.nik


def _require_writer(actor: User) -> None:
    if is_read_only(actor) or not has_role(
        actor, StaffRole.REVIEWER, StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR
    ):
        raise BackofficeError("not_allowed", _("Peran Anda tidak dapat mengubah data ini."))


PERSONAL_FIELDS = ("full_name", "address", "phone", "email")


def participant_correct_personal_data(
    *, actor: User, participant_id: int, changes: dict[str, str], reason: str
) -> Participant:
    """Correct name, address, phone or email of a KPJ in the staff member's branch. The old and new
    values are kept in the participant's history (simple-history) with the reason. Raises
    BackofficeError("reason_required" / "invalid_field" / "not_allowed"); Http404 out of scope."""
    _require_writer(actor)
    if not reason.strip():
        raise BackofficeError("reason_required", _("Tuliskan alasan perbaikan data."))
    unknown = set(changes) - set(PERSONAL_FIELDS)
    if unknown or not changes:
        raise BackofficeError("invalid_field", _("Data yang dapat diperbaiki: nama, alamat, HP, email."))
    _participant_in_scope(actor=actor, participant_id=participant_id)
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant_id)
        for name, value in changes.items():
            setattr(participant, name, value.strip())
        participant._change_reason = reason.strip()  # type: ignore[attr-defined]
        participant._history_user = actor  # type: ignore[attr-defined]
        participant.save()
    return participant


def participant_change_status(
    *, actor: User, participant_id: int, status: str, status_reason: str, reason: str
) -> Participant:
    """Change the membership status of a KPJ (with the status reason); history keeps who and why."""
    _require_writer(actor)
    if status not in MembershipStatus.values or status_reason not in StatusReason.values:
        raise BackofficeError("invalid_status", _("Status atau alasan status tidak dikenal."))
    if not reason.strip():
        raise BackofficeError("reason_required", _("Tuliskan alasan perubahan status."))
    _participant_in_scope(actor=actor, participant_id=participant_id)
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant_id)
        if participant.status == status and participant.status_reason == status_reason:
            raise BackofficeError("unchanged", _("Status peserta sudah seperti itu."))
        participant.status = status
        participant.status_reason = status_reason
        participant.status_since = timezone.localdate()
        participant._change_reason = reason.strip()  # type: ignore[attr-defined]
        participant._history_user = actor  # type: ignore[attr-defined]
        participant.save()
    return participant


# --- Balance corrections: maker-checker ----------------------------------------------------------


def correction_request_create(
    *, actor: User, participant_id: int, amount_idr: int, reason: str
) -> CorrectionRequest:
    """Propose a balance correction (maker). Nothing is posted until a different supervisor approves.
    Raises BackofficeError("invalid_amount" / "reason_required" / "not_allowed"); Http404 out of scope."""
    _require_writer(actor)
    if amount_idr == 0:
        raise BackofficeError("invalid_amount", _("Jumlah koreksi tidak boleh nol."))
    if not reason.strip():
        raise BackofficeError("reason_required", _("Tuliskan alasan koreksi."))
    participant = _participant_in_scope(actor=actor, participant_id=participant_id)
    return CorrectionRequest.objects.create(
        participant=participant, amount_idr=amount_idr, reason=reason.strip(), requested_by=actor
    )


def _pending_correction(*, actor: User, request_id: uuid.UUID | str) -> CorrectionRequest:
    found = (
        CorrectionRequest.objects.filter(branch_scope_q(actor, "participant__branch"))
        .filter(public_id=request_id)
        .first()
    )
    if found is None:
        access_log_out_of_scope(actor=actor, what="correction", object_id=request_id)
        raise Http404
    locked = CorrectionRequest.objects.select_for_update().get(pk=found.pk)
    if locked.status != CorrectionStatus.PENDING:
        raise BackofficeError("already_decided", _("Koreksi ini sudah diputuskan."))
    if not has_role(actor, StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR) or is_read_only(actor):
        raise BackofficeError("not_supervisor", _("Hanya supervisor yang dapat memutuskan koreksi saldo."))
    if locked.requested_by_id == actor.pk:
        raise BackofficeError(
            "same_person", _("Koreksi harus disetujui oleh petugas lain, bukan yang mengajukannya.")
        )
    return locked


def correction_request_approve(
    *, actor: User, request_id: uuid.UUID | str, note: str = ""
) -> CorrectionRequest:
    """Approve a pending correction (checker: a supervisor other than the maker) and post the
    `correction` ledger entry with the request's reason, in one transaction. Idempotent on the ledger
    side (key `correction:<public_id>`). Raises BackofficeError("same_person" / "not_supervisor" /
    "already_decided" / "insufficient_balance"); nothing changes on a refusal."""
    with transaction.atomic():
        request = _pending_correction(actor=actor, request_id=request_id)
        try:
            entry = ledger_post(
                account_id=request.participant_id,
                kind=EntryKind.CORRECTION,
                amount_idr=request.amount_idr,
                value_date=timezone.localdate(),
                idempotency_key=f"correction:{request.public_id}",
                reason=request.reason,
                created_by_id=actor.pk,
            )
        except InsufficientBalance:
            raise BackofficeError(
                "insufficient_balance", _("Koreksi ini akan membuat saldo JHT negatif.")
            ) from None
        request.status = CorrectionStatus.APPROVED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_note = note
        request.ledger_entry = entry
        request.save()
    return request


def correction_request_reject(*, actor: User, request_id: uuid.UUID | str, note: str) -> CorrectionRequest:
    """Refuse a pending correction (checker). Nothing is posted. Needs a note."""
    if not note.strip():
        raise BackofficeError("reason_required", _("Tuliskan alasan penolakan."))
    with transaction.atomic():
        request = _pending_correction(actor=actor, request_id=request_id)
        request.status = CorrectionStatus.REJECTED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_note = note.strip()
        request.save()
    return request
