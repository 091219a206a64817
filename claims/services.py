"""Claim services: what the claimant's wizard and the staff back office call. Every status change goes
through `claims.transitions.claim_transition`; every refusal raises `ClaimError` (a stable `code` and an
Indonesian `message`) and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import SecurityEventKind
from accounts.roles import StaffRole, has_role, is_read_only
from accounts.security_events import account_frozen, claim_needs_interview, security_event_record
from claims.eligibility import evaluate, tax_snapshot
from claims.models import (
    OPEN_STATUSES,
    Bank,
    Claim,
    ClaimDocument,
    ClaimReason,
    ClaimStatus,
    DocumentType,
)
from claims.reasons import REJECTION_REASONS
from claims.selectors import claim_facts_for_person, claim_get_for_participant
from claims.transitions import ClaimError, IllegalTransition, claim_transition, role_of
from participants.models import Participant, User
from participants.selectors import participant_get_for_user, participants_of_user
from portal.effects.services import effect_open_for, effect_requeue, effect_schedule
from portal.money import format_rupiah
from portal.uploads.cleanup import stored_uploads_delete_on_commit
from portal.uploads.services import PreparedUpload, prepare_upload
from portal.uploads.validation import UploadRejected

__all__ = [
    "ClaimError",
    "IllegalTransition",
    "claim_approve",
    "claim_attach_document",
    "claim_cancel",
    "claim_record_interview",
    "claim_reject",
    "claim_request_revision",
    "claim_retry_payout",
    "claim_schedule_interview",
    "claim_second_approve",
    "claim_start_draft",
    "claim_submit",
    "claim_update_draft",
]

EDITABLE = (ClaimStatus.DRAFT, ClaimStatus.REVISION_REQUESTED)


def _locked_own_claim(*, user: User, claim_id: uuid.UUID | str) -> Claim:
    """The user's claim (404 otherwise), locked for the rest of the transaction."""
    pk = claim_get_for_participant(user=user, claim_id=claim_id).pk
    return Claim.objects.select_for_update(of=("self",)).select_related("participant").get(pk=pk)


def _refuse_if_frozen(*, user: User, nik_index: str) -> None:
    """A frozen person ("Bukan saya", accounts/security_events.py) files no claim and changes no bank
    account until the branch restores the account."""
    if account_frozen(user=user, nik_index=nik_index):
        raise ClaimError(
            "account_frozen",
            _("Akun Anda sedang dibekukan. Datang ke kantor cabang dengan KTP asli untuk memulihkannya."),
        )


def _staff_claim(*, actor: User, claim_id: uuid.UUID | str) -> Claim:
    claim = Claim.objects.select_related("participant").filter(public_id=claim_id).first()
    if claim is None:
        raise ClaimError("not_found", _("Klaim tidak ditemukan."))
    if role_of(claim, actor) != "staff":
        raise ClaimError("not_staff", _("Hanya petugas lain yang dapat memproses klaim ini."))
    return claim


# --- Claimant -------------------------------------------------------------------------------------


def claim_start_draft(
    *, user: User, participant_public_id: uuid.UUID | str | None = None, reason: str = ""
) -> Claim:
    """The person's draft claim: the existing draft when there is one (idempotent), else a new one filed
    through the given KPJ (or the account's first). Raises Http404 for a KPJ that is not the user's and
    ClaimError("no_participant") for an account without a KPJ."""
    if participant_public_id is not None:
        participant = participant_get_for_user(user=user, public_id=participant_public_id)
    else:
        first = participants_of_user(user=user).first()
        if first is None:
            raise ClaimError("no_participant", _("Akun Anda belum terhubung dengan nomor KPJ."))
        participant = first
    if reason and reason not in ClaimReason.values:
        raise ClaimError("invalid_reason", _("Sebab klaim tidak dikenal."))
    _refuse_if_frozen(user=user, nik_index=participant.nik_index)
    with transaction.atomic():
        # Serialise draft creation per person on the KPJ rows of the NIK.
        list(Participant.objects.select_for_update().filter(nik_index=participant.nik_index).values("pk"))
        draft = Claim.objects.filter(nik_index=participant.nik_index, status=ClaimStatus.DRAFT).first()
        if draft is not None:
            return draft
        return Claim.objects.create(
            participant=participant,
            nik_index=participant.nik_index,
            user=user,
            reason=reason,
            bank_account_name=participant.full_name,
        )


def claim_update_draft(
    *,
    user: User,
    claim_id: uuid.UUID | str,
    reason: str | None = None,
    bank_code: str | None = None,
    bank_account_number: str | None = None,
    bank_account_name: str | None = None,
    npwp: str | None = None,
) -> Claim:
    """Change what the claimant chose (only the given fields), in draft or revision_requested.
    Raises ClaimError for an invalid value or a claim that cannot be edited; Http404 for another's."""
    changes: dict[str, Any] = {}
    if reason is not None:
        if reason not in ClaimReason.values:
            raise ClaimError("invalid_reason", _("Sebab klaim tidak dikenal."))
        changes["reason"] = reason
    if bank_code is not None:
        if bank_code not in Bank.values:
            raise ClaimError("invalid_bank", _("Pilih bank dari daftar."))
        changes["bank_code"] = bank_code
    if bank_account_number is not None:
        digits = re.sub(r"[\s.-]", "", bank_account_number)
        if not re.fullmatch(r"[0-9]{6,20}", digits):
            raise ClaimError("invalid_account_number", _("Nomor rekening harus 6 sampai 20 digit angka."))
        changes["bank_account_number"] = digits
    if bank_account_name is not None:
        name = " ".join(bank_account_name.split())
        if not name:
            raise ClaimError("invalid_account_name", _("Isi nama pemilik rekening sesuai buku tabungan."))
        changes["bank_account_name"] = name[:150]
    if npwp is not None:
        digits = re.sub(r"[\s.-]", "", npwp)
        if digits and not re.fullmatch(r"[0-9]{15,16}", digits):
            raise ClaimError("invalid_npwp", _("NPWP harus 15 digit, atau NIK 16 digit yang dipadankan."))
        changes["npwp"] = digits
    with transaction.atomic():
        claim = _locked_own_claim(user=user, claim_id=claim_id)
        if claim.status not in EDITABLE:
            raise ClaimError("not_editable", _("Klaim ini tidak dapat diubah lagi."))
        if claim.status == ClaimStatus.REVISION_REQUESTED and "reason" in changes:
            raise ClaimError("not_editable", _("Sebab klaim tidak dapat diubah saat perbaikan."))
        old_bank = (claim.bank_code, claim.bank_account_number)
        bank_touched = bool({"bank_code", "bank_account_number", "bank_account_name"} & set(changes))
        if bank_touched:
            _refuse_if_frozen(user=user, nik_index=claim.nik_index)
        for name_, value in changes.items():
            setattr(claim, name_, value)
        claim.save()
        new_bank = (claim.bank_code, claim.bank_account_number)
        if new_bank != old_bank and claim.bank_account_number:
            # Where the money goes changed: told to the contacts on record with "Bukan saya".
            security_event_record(
                kind=SecurityEventKind.BANK_CHANGE,
                participant=claim.participant,
                user=user,
                detail={"bank": claim.bank_code, "account": f"****{claim.bank_account_number[-4:]}"},
                language=translation.get_language() or "id",
            )
    return claim


def claim_attach_document(
    *, user: User, claim_id: uuid.UUID | str, doc_type: str, file: UploadedFile | PreparedUpload
) -> ClaimDocument:
    """Attach a document to the user's editable claim. A new document of the same type replaces the old.

    Every file goes through portal/uploads/ (content sniffing, JPEG/PNG/PDF only, images re-encoded
    without metadata, PDFs rewritten without active content): a form's `UploadField` hands over the
    `PreparedUpload`, a raw upload is prepared here. Only the rewritten bytes are stored, on the private
    storage under a random name. Raises ClaimError with the upload's refusal code ("unsupported_type",
    "pdf_active_content", "empty", ...) and stores nothing.
    """
    if doc_type not in DocumentType.values:
        raise ClaimError("invalid_document_type", _("Jenis dokumen tidak dikenal."))
    if not isinstance(file, PreparedUpload):
        try:
            file = prepare_upload(uploaded_file=file)
        except UploadRejected as exc:
            raise ClaimError(exc.code, exc.message) from exc
    prepared = file
    with transaction.atomic():
        claim = _locked_own_claim(user=user, claim_id=claim_id)
        if claim.status not in EDITABLE:
            raise ClaimError("not_editable", _("Dokumen klaim ini tidak dapat diubah lagi."))
        replaced = claim.documents.filter(doc_type=doc_type)
        stored_uploads_delete_on_commit(replaced.values_list("file", flat=True))
        replaced.delete()
        clean = prepared.file
        return ClaimDocument.objects.create(
            claim=claim,
            doc_type=doc_type,
            # The name only carries the real extension; claim_document_path picks a random one.
            file=ContentFile(clean.data, name=f"upload.{clean.extension}"),
            content_type=clean.content_type,
            size_bytes=len(clean.data),
        )


def claim_submit(*, user: User, claim_id: uuid.UUID | str) -> Claim:
    """Submit a draft (→ submitted) or a revised claim (→ resubmitted); automated verification follows.

    Re-checks eligibility for the person as of today, freezes what is claimed (KPJs, balances, amounts,
    rule figures) in `snapshot`, the gross/tax/net amounts and whether a video interview and a second
    approval are needed. Idempotent: a claim already submitted (or further) is returned unchanged.
    Raises ClaimError with the eligibility code ("open_claim_exists", "waiting_period", ...), or
    "bank_missing" / "npwp_required" / "reason_missing"; with two submissions racing for one person
    exactly one wins, the other gets "open_claim_exists". Nothing changes on a refusal.
    """
    claim = claim_get_for_participant(user=user, claim_id=claim_id)
    if claim.status not in EDITABLE:
        return claim
    if not claim.reason:
        raise ClaimError("reason_missing", _("Pilih sebab klaim terlebih dahulu."))
    if not (claim.bank_code and claim.bank_account_number and claim.bank_account_name):
        raise ClaimError("bank_missing", _("Lengkapi data rekening bank atas nama Anda sendiri."))
    _refuse_if_frozen(user=user, nik_index=claim.nik_index)
    facts = claim_facts_for_person(nik_index=claim.nik_index, exclude_claim_id=claim.pk)
    result = evaluate(facts, claim.reason)
    if not result.eligible:
        raise ClaimError(result.code, f"{result.message} {result.fix}".strip())
    assert result.amounts is not None
    if result.npwp_required and not claim.npwp:
        raise ClaimError(
            "npwp_required",
            _("Jumlah klaim di atas %(limit)s: NPWP wajib diisi.")
            % {"limit": format_rupiah(facts.rules.npwp_threshold_idr)},
        )
    per_account = dict(result.amounts.per_account)
    snapshot = {
        "on": facts.today.isoformat(),
        "reason": claim.reason,
        "accounts": [
            {
                "participant_id": a.participant_id,
                "kpj": a.kpj,
                "balance_idr": a.balance_idr,
                "claim_idr": per_account[a.participant_id],
            }
            for a in facts.accounts
        ],
        "paid_before_idr": facts.paid_before_idr,
        "tax": tax_snapshot(result.amounts.tax),
        "documents": list(result.documents),
        "rules": {
            "npwp_threshold_idr": facts.rules.npwp_threshold_idr,
            "tax_free_upto_idr": facts.rules.tax_free_upto_idr,
            "tax_rate_percent": str(facts.rules.tax_rate_percent),
            "online_limit_idr": facts.rules.online_limit_idr,
            "second_approval_threshold_idr": facts.rules.second_approval_threshold_idr,
        },
    }
    to = ClaimStatus.SUBMITTED if claim.status == ClaimStatus.DRAFT else ClaimStatus.RESUBMITTED
    updates = {
        "snapshot": snapshot,
        "gross_idr": result.amounts.gross_idr,
        "tax_idr": result.amounts.tax_idr,
        "net_idr": result.amounts.net_idr,
        # Above the online limit, or soon after an assisted activation / a contact change (a takeover
        # would come with one of those): a video interview before approval.
        "interview_required": result.interview_required or claim_needs_interview(nik_index=claim.nik_index),
        "second_approval_required": result.second_approval_required,
        "submitted_at": timezone.now(),
    }
    try:
        return claim_transition(claim_id=claim.pk, to=to, actor=user, reason="submit", updates=updates)
    except IllegalTransition:
        current = Claim.objects.get(pk=claim.pk)
        if current.status not in EDITABLE:
            return current  # a concurrent submit of the same claim won: same outcome
        raise
    except IntegrityError:
        if Claim.objects.filter(pk=claim.pk).exclude(status__in=EDITABLE).exists():
            return Claim.objects.get(pk=claim.pk)
        raise ClaimError(
            "open_claim_exists", _("Anda masih memiliki klaim JHT yang sedang diproses.")
        ) from None


def claim_cancel(*, user: User, claim_id: uuid.UUID | str, reason: str = "") -> Claim:
    """The claimant withdraws the claim before staff review. Idempotent for an already cancelled claim.
    Raises IllegalTransition once review has started (in_review and later)."""
    claim = claim_get_for_participant(user=user, claim_id=claim_id)
    if claim.status == ClaimStatus.CANCELLED:
        return claim
    return claim_transition(
        claim_id=claim.pk, to=ClaimStatus.CANCELLED, actor=user, reason=reason or "cancel"
    )


# --- Staff ----------------------------------------------------------------------------------------


def claim_schedule_interview(*, actor: User, claim_id: uuid.UUID | str, at: dt.datetime) -> Claim:
    """Set (or move) the video interview of a claim in review. No status change."""
    claim = _staff_claim(actor=actor, claim_id=claim_id)
    with transaction.atomic():
        claim = Claim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
        if claim.status != ClaimStatus.IN_REVIEW:
            raise ClaimError(
                "not_in_review", _("Wawancara hanya dijadwalkan untuk klaim yang sedang diperiksa.")
            )
        claim.interview_scheduled_at = at
        claim.save(update_fields=["interview_scheduled_at", "updated_at"])
    return claim


def claim_record_interview(*, actor: User, claim_id: uuid.UUID | str, note: str) -> Claim:
    """Record that the scheduled video interview took place (who, when, note). No status change.
    Raises ClaimError("interview_not_scheduled") without a schedule."""
    claim = _staff_claim(actor=actor, claim_id=claim_id)
    with transaction.atomic():
        claim = Claim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
        if claim.status != ClaimStatus.IN_REVIEW:
            raise ClaimError("not_in_review", _("Wawancara hanya dicatat untuk klaim yang sedang diperiksa."))
        if claim.interview_scheduled_at is None:
            raise ClaimError("interview_not_scheduled", _("Jadwalkan wawancara video terlebih dahulu."))
        claim.interview_recorded_at = timezone.now()
        claim.interview_by = actor
        claim.interview_note = note
        claim.save(update_fields=["interview_recorded_at", "interview_by", "interview_note", "updated_at"])
    return claim


def claim_approve(*, actor: User, claim_id: uuid.UUID | str, note: str = "") -> Claim:
    """First approval (in_review → approved). Without a second approval requirement the claim goes on to
    paying at once (payout task scheduled after commit). Raises ClaimError("checks_failed") while an
    automated check fails, IllegalTransition when the interview is missing or the move is illegal."""
    claim = _staff_claim(actor=actor, claim_id=claim_id)
    with transaction.atomic():
        if claim.checks.filter(result="fail").exists():
            raise ClaimError(
                "checks_failed", _("Masih ada hasil verifikasi yang gagal: minta perbaikan atau tolak klaim.")
            )
        claim = claim_transition(
            claim_id=claim.pk,
            to=ClaimStatus.APPROVED,
            actor=actor,
            reason=note or "approve",
            updates={"first_approved_by": actor, "first_approved_at": timezone.now()},
        )
        if not claim.second_approval_required:
            claim = claim_transition(claim_id=claim.pk, to=ClaimStatus.PAYING, actor=actor, reason="pay")
    return claim


def claim_second_approve(*, actor: User, claim_id: uuid.UUID | str, note: str = "") -> Claim:
    """Second approval by a supervisor other than the first approver (approved → paying). Raises
    ClaimError ("same_approver") when the first approver tries, ("not_supervisor") for anyone without
    the supervisor (or administrator) role, ("not_needed") when no second approval is needed."""
    claim = _staff_claim(actor=actor, claim_id=claim_id)
    if not claim.second_approval_required:
        raise ClaimError("not_needed", _("Klaim ini tidak memerlukan persetujuan kedua."))
    if claim.first_approved_by_id == actor.pk:
        raise ClaimError("same_approver", _("Persetujuan kedua harus diberikan oleh petugas yang berbeda."))
    if not has_role(actor, StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR) or is_read_only(actor):
        raise ClaimError("not_supervisor", _("Persetujuan kedua hanya dapat diberikan oleh supervisor."))
    return claim_transition(
        claim_id=claim.pk,
        to=ClaimStatus.PAYING,
        actor=actor,
        reason=note or "second approval",
        updates={"second_approved_by": actor, "second_approved_at": timezone.now()},
    )


def claim_reject(*, actor: User, claim_id: uuid.UUID | str, reason_code: str, note: str = "") -> Claim:
    """Reject with a reason code from `claims.reasons.REJECTION_REASONS` (its fix is shown to the
    claimant) and an optional note. Raises ClaimError("invalid_reason_code")."""
    if reason_code not in REJECTION_REASONS:
        raise ClaimError("invalid_reason_code", _("Kode alasan penolakan tidak dikenal."))
    claim = _staff_claim(actor=actor, claim_id=claim_id)
    return claim_transition(
        claim_id=claim.pk,
        to=ClaimStatus.REJECTED,
        actor=actor,
        reason=reason_code,
        updates={"rejection_code": reason_code, "rejection_note": note},
    )


def claim_request_revision(
    *, actor: User, claim_id: uuid.UUID | str, items: Sequence[str], note: str
) -> Claim:
    """Send the claim back to the claimant with what to fix (items: field or document codes) and a note.
    Earlier approvals are cleared: the revised claim is reviewed again."""
    if not items and not note.strip():
        raise ClaimError("revision_empty", _("Sebutkan apa yang perlu diperbaiki."))
    claim = _staff_claim(actor=actor, claim_id=claim_id)
    return claim_transition(
        claim_id=claim.pk,
        to=ClaimStatus.REVISION_REQUESTED,
        actor=actor,
        reason=note,
        updates={
            "revision_items": list(items),
            "revision_note": note,
            "first_approved_by": None,
            "first_approved_at": None,
            "second_approved_by": None,
            "second_approved_at": None,
        },
    )


def claim_retry_payout(*, actor: User, claim_id: uuid.UUID | str) -> Claim:
    """Queue the payout again for a claim stuck in paying (bank timeout, balance corrected): its open
    effect is sent again now, or a new one recorded. Safe to call repeatedly: the payout is idempotent."""
    from claims.tasks import pay_claim

    claim = _staff_claim(actor=actor, claim_id=claim_id)
    if claim.status != ClaimStatus.PAYING:
        raise ClaimError("not_paying", _("Hanya klaim yang sedang dibayar yang dapat dicoba ulang."))
    open_payout = effect_open_for(pay_claim, claim.pk, failed_too=True)
    if open_payout is not None:
        effect_requeue(effect_id=open_payout.pk)
    else:
        effect_schedule(pay_claim, claim.pk)
    return claim


def open_claim_of(*, nik_index: str) -> Claim | None:
    return Claim.objects.filter(nik_index=nik_index, status__in=OPEN_STATUSES).first()
