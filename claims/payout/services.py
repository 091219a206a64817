"""Paying an approved claim: debit every KPJ, transfer the net amount, mark the claim paid — atomically.

Order inside one transaction (claim row locked): debit the ledger first (so an insufficient balance
stops everything before any money moves), then ask the bank, then mark paid. A refused or timed-out
transfer rolls the debits back. The bank call is idempotent by reference: the reference only changes
after a refused transfer (new bank account), so a retry after a timeout can never pay twice.
"""

from __future__ import annotations

import structlog
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.security_events import account_frozen
from claims.models import Claim, ClaimPayout, ClaimStatus, PayoutOutcome
from claims.payout.gateway import TransferRequest, TransferStatus, TransferTimeout, get_gateway
from claims.transitions import claim_transition
from participants.ledger.models import EntryKind
from participants.ledger.services import InsufficientBalance, ledger_post

log = structlog.get_logger(__name__)

_REFUSED = (PayoutOutcome.NAME_MISMATCH, PayoutOutcome.ACCOUNT_CLOSED)


class _TransferRefused(Exception):
    def __init__(self, status: TransferStatus, message: str) -> None:
        super().__init__(status)
        self.status = status
        self.message = message


def _reference(claim: Claim) -> str:
    refused = claim.payouts.filter(outcome__in=_REFUSED).count()
    return f"JHT-{claim.public_id.hex}-{refused + 1}"


def _record(claim_id: int, reference: str, outcome: str, message: str, amount_idr: int, tax_idr: int) -> None:
    ClaimPayout.objects.update_or_create(
        reference=reference,
        defaults={
            "claim_id": claim_id,
            "outcome": outcome,
            "message": message,
            "amount_idr": amount_idr,
            "tax_idr": tax_idr,
            "finished_at": timezone.now(),
        },
    )


def claim_pay(*, claim_id: int) -> str:
    """Pay a claim in `paying`. Returns the outcome: "paid", "skipped" (not in paying: already paid,
    or moved on), "frozen" (the person's account is frozen after "Bukan saya": nothing debited or
    sent, the claim stays in paying until the branch restores the account), "refused" (bank refused
    the account: the claim goes back to the claimant with a request for a new account, nothing
    debited) or "insufficient_balance" (nothing debited or sent; the
    claim stays in paying for staff).

    On success, in one transaction: a CLAIM_PAYOUT ledger debit per KPJ of the gross claimed from it, the
    payout row with the net amount and the tax withheld, and the claim moved to paid.
    Raises TransferTimeout (nothing debited, attempt recorded) so the task retries with the same
    reference. Idempotent: safe to run twice or concurrently.
    """
    gateway = get_gateway()
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None or claim.status != ClaimStatus.PAYING:
        return "skipped"
    reference = _reference(claim)
    try:
        with transaction.atomic():
            claim = Claim.objects.select_for_update(of=("self",)).get(pk=claim_id)
            if claim.status != ClaimStatus.PAYING:
                return "skipped"
            if account_frozen(user=claim.user, nik_index=claim.nik_index):
                log.warning("claim.payout_frozen", claim_id=claim.pk)
                return "frozen"
            today = timezone.localdate()
            for row in claim.snapshot.get("accounts", []):
                if row["claim_idr"] > 0:
                    ledger_post(
                        account_id=row["participant_id"],
                        kind=EntryKind.CLAIM_PAYOUT,
                        amount_idr=-row["claim_idr"],
                        value_date=today,
                        idempotency_key=f"claim:{claim.pk}:{row['participant_id']}",
                        reason=f"Klaim JHT {claim.public_id}",
                    )
            result = gateway.transfer(
                TransferRequest(
                    reference=reference,
                    bank_code=claim.bank_code,
                    account_number=claim.bank_account_number,
                    account_name=claim.bank_account_name,
                    amount_idr=claim.net_idr,
                )
            )
            if result.status != TransferStatus.SUCCESS:
                raise _TransferRefused(result.status, result.message)
            ClaimPayout.objects.update_or_create(
                reference=reference,
                defaults={
                    "claim": claim,
                    "amount_idr": claim.net_idr,
                    "tax_idr": claim.tax_idr,
                    "outcome": PayoutOutcome.SUCCESS,
                    "bank_reference": result.bank_reference,
                    "finished_at": timezone.now(),
                },
            )
            claim_transition(
                claim_id=claim.pk,
                to=ClaimStatus.PAID,
                actor=None,
                reason=f"transfer {result.bank_reference}",
                updates={"paid_at": timezone.now()},
            )
    except TransferTimeout:
        _record(claim.pk, reference, PayoutOutcome.TIMEOUT, "timeout", claim.net_idr, claim.tax_idr)
        log.warning("claim.payout_timeout", claim_id=claim.pk)
        raise
    except InsufficientBalance:
        _record(claim.pk, reference, PayoutOutcome.INSUFFICIENT_BALANCE, "", claim.net_idr, claim.tax_idr)
        log.error("claim.payout_insufficient_balance", claim_id=claim.pk)
        return "insufficient_balance"
    except _TransferRefused as refused:
        with transaction.atomic():
            _record(claim.pk, reference, refused.status, refused.message, claim.net_idr, claim.tax_idr)
            note = {
                TransferStatus.NAME_MISMATCH: _(
                    "Bank menolak transfer karena nama pemilik rekening tidak sesuai. Masukkan rekening "
                    "atas nama Anda sendiri, lalu ajukan ulang."
                ),
                TransferStatus.ACCOUNT_CLOSED: _(
                    "Bank menolak transfer karena rekening sudah ditutup. Masukkan rekening lain yang aktif "
                    "atas nama Anda sendiri, lalu ajukan ulang."
                ),
            }.get(
                refused.status, _("Transfer gagal. Masukkan rekening lain atas nama Anda, lalu ajukan ulang.")
            )
            claim_transition(
                claim_id=claim.pk,
                to=ClaimStatus.REVISION_REQUESTED,
                actor=None,
                reason=f"transfer refused: {refused.status}",
                updates={
                    "revision_note": note,
                    "revision_items": ["bank_account"],
                    "first_approved_by": None,
                    "first_approved_at": None,
                    "second_approved_by": None,
                    "second_approved_at": None,
                },
            )
        return "refused"
    log.info("claim.paid", claim_id=claim.pk)
    return "paid"
