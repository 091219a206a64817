"""Surat keputusan klaim: the decision letter a claimant keeps when a claim is paid or rejected.

The snapshot is taken inside the transition's transaction (so it says what was decided, even if the
participant's data changes later); the PDF is rendered once by `tasks.render_claim_letter`, outside any
request, and downloaded through an owner-checked view.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from claims.models import Claim, ClaimLetter, ClaimPayout, ClaimStatus, LetterKind, PayoutOutcome
from claims.reasons import REJECTION_REASONS

KIND_OF_STATUS = {ClaimStatus.PAID: LetterKind.PAID, ClaimStatus.REJECTED: LetterKind.REJECTED}


def letter_number(claim: Claim, kind: str) -> str:
    """`JHT/2026/11/00000042/B`: month of the decision (WIB), the claim's row number, B(ayar) or T(olak)."""
    local = timezone.localtime()
    return f"JHT/{local:%Y/%m}/{claim.pk:08d}/{'B' if kind == LetterKind.PAID else 'T'}"


def mask_account(number: str) -> str:
    """Only the last four digits of a bank account appear on paper."""
    return "•" * max(len(number) - 4, 0) + number[-4:]


def claim_letter_create(*, claim: Claim) -> ClaimLetter | None:
    """Take the letter's snapshot for a claim that has just become paid or rejected (call inside the
    transition's transaction, on the locked claim). Returns None for other statuses. Idempotent: a
    second call returns the existing letter."""
    kind = KIND_OF_STATUS.get(ClaimStatus(claim.status))
    if kind is None:
        return None
    existing = ClaimLetter.objects.filter(claim=claim, kind=kind).first()
    if existing is not None:
        return existing
    participant = claim.participant
    snapshot: dict[str, Any] = {
        "decided_on": timezone.localdate().isoformat(),
        "name": participant.full_name,
        "kpj": [a["kpj"] for a in claim.snapshot.get("accounts", []) if a.get("kpj")] or [participant.kpj],
        "reason": claim.get_reason_display(),
        "submitted_on": timezone.localtime(claim.submitted_at).date().isoformat()
        if claim.submitted_at
        else None,
        "gross_idr": claim.gross_idr,
        "tax_idr": claim.tax_idr,
        "net_idr": claim.net_idr,
        "tax": claim.snapshot.get("tax"),  # the tax calculation line by line, as submitted
    }
    if kind == LetterKind.PAID:
        payout = (
            ClaimPayout.objects.filter(claim=claim, outcome=PayoutOutcome.SUCCESS)
            .order_by("-finished_at")
            .first()
        )
        snapshot |= {
            "bank": claim.get_bank_code_display(),
            "account": mask_account(claim.bank_account_number),
            "account_name": claim.bank_account_name,
            "paid_at": timezone.localtime(claim.paid_at).strftime("%d-%m-%Y %H:%M") + " WIB"
            if claim.paid_at
            else None,
            # Shown with the `waktu` filter (one date style with WIB); paid_at stays for older letters.
            "paid_at_iso": timezone.localtime(claim.paid_at).isoformat() if claim.paid_at else None,
            "bank_reference": payout.bank_reference if payout else "",
        }
    else:
        reason = REJECTION_REASONS.get(claim.rejection_code)
        snapshot |= {
            "rejection_label": str(reason.label) if reason else claim.rejection_code,
            "rejection_fix": str(reason.fix) if reason else "",
            "rejection_note": claim.rejection_note,
        }
    return ClaimLetter.objects.create(
        claim=claim, kind=kind, number=letter_number(claim, kind), snapshot=snapshot
    )


def claim_letter_render(*, letter_id: int) -> bool:
    """Render and store the PDF once; False when it was already rendered. Safe to run twice or
    concurrently (the row is re-checked under a lock before the file is stored)."""
    from portal.pdf import render_pdf

    letter = ClaimLetter.objects.select_related("claim").get(pk=letter_id)
    if letter.rendered_at:
        return False
    pdf = render_pdf("claims/letter_pdf.html", {"letter": letter, "s": letter.snapshot})
    with transaction.atomic():
        locked = ClaimLetter.objects.select_for_update().select_related("claim").get(pk=letter_id)
        if locked.rendered_at:
            return False
        locked.pdf.save("letter.pdf", ContentFile(pdf), save=False)
        locked.rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "rendered_at"])
    return True
