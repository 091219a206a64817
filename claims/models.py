"""JHT claims: the claim, its history, its verification checklist, its documents and payout attempts.

A claim belongs to a person (every KPJ of one NIK, shared `nik_index`), filed through one of their KPJs
(`participant`). `status` only ever changes through `claims.transitions.claim_transition`.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from claims.storage import get_private_storage


class ClaimReason(models.TextChoices):
    AGE_56 = "age_56", _("Usia 56 tahun")
    RESIGN = "resign", _("Mengundurkan diri")
    PHK = "phk", _("Pemutusan hubungan kerja (PHK)")
    CONTRACT_END = "contract_end", _("Kontrak kerja (PKWT) berakhir")
    BPU_STOPPED = "bpu_stopped", _("Peserta BPU berhenti bekerja")
    LEAVING_INDONESIA = "leaving_indonesia", _("Meninggalkan Indonesia untuk selamanya")
    DISABILITY = "disability", _("Cacat total tetap")
    PARTIAL_10 = "partial_10", _("Klaim sebagian 10% (persiapan hari tua)")
    PARTIAL_30 = "partial_30", _("Klaim sebagian 30% (perumahan)")


PARTIAL_REASONS = frozenset({ClaimReason.PARTIAL_10, ClaimReason.PARTIAL_30})


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    VERIFYING = "verifying", _("Diverifikasi otomatis")
    IN_REVIEW = "in_review", _("Diperiksa petugas")
    REVISION_REQUESTED = "revision_requested", _("Perlu perbaikan")
    RESUBMITTED = "resubmitted", _("Diajukan ulang")
    APPROVED = "approved", _("Disetujui")
    PAYING = "paying", _("Sedang dibayar")
    PAID = "paid", _("Dibayar")
    REJECTED = "rejected", _("Ditolak")
    CANCELLED = "cancelled", _("Dibatalkan")


# A person has at most one claim in these statuses (database-enforced, see Claim.Meta). Drafts are not
# included: a draft is only a wish until it is submitted, and submitting is where the race is decided.
OPEN_STATUSES = frozenset(
    {
        ClaimStatus.SUBMITTED,
        ClaimStatus.VERIFYING,
        ClaimStatus.IN_REVIEW,
        ClaimStatus.REVISION_REQUESTED,
        ClaimStatus.RESUBMITTED,
        ClaimStatus.APPROVED,
        ClaimStatus.PAYING,
    }
)
FINAL_STATUSES = frozenset({ClaimStatus.PAID, ClaimStatus.REJECTED, ClaimStatus.CANCELLED})


class Bank(models.TextChoices):
    BRI = "002", "BRI"
    MANDIRI = "008", "Bank Mandiri"
    BNI = "009", "BNI"
    BTN = "200", "BTN"
    BSI = "451", "Bank Syariah Indonesia"
    BCA = "014", "BCA"
    CIMB = "022", "CIMB Niaga"
    DANAMON = "011", "Danamon"
    PERMATA = "013", "Permata"
    BJB = "110", "Bank BJB"


class Claim(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("KPJ pengaju"),
        on_delete=models.PROTECT,
        related_name="claims",
    )
    # The branch that handles the claim: the filing KPJ's branch, copied when the claim is created so
    # the back-office queue filters and counts on one indexed column (accounts.roles.branch_scope_q).
    branch = models.ForeignKey(
        "participants.Branch",
        verbose_name=_("kantor cabang"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # The person: every KPJ sharing this blind index is claimed together.
    nik_index = models.CharField(max_length=64, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("akun pengaju"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    reason = models.CharField(_("sebab klaim"), max_length=20, choices=ClaimReason.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT, editable=False
    )
    # What was claimed, as it stood at submission: KPJs, balances, rule figures, eligibility outcome.
    snapshot = models.JSONField(_("snapshot"), default=dict, blank=True)
    gross_idr = models.BigIntegerField(_("jumlah bruto"), default=0)
    tax_idr = models.BigIntegerField(_("pajak (PPh final)"), default=0)
    net_idr = models.BigIntegerField(_("jumlah dibayar"), default=0)

    bank_code = models.CharField(_("bank"), max_length=3, choices=Bank.choices, blank=True)
    bank_account_number = models.CharField(_("nomor rekening"), max_length=30, blank=True)
    bank_account_name = models.CharField(_("nama pemilik rekening"), max_length=150, blank=True)
    npwp = models.CharField(_("NPWP"), max_length=16, blank=True)

    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    complete_at = models.DateTimeField(_("berkas lengkap pada"), null=True, blank=True)
    due_date = models.DateField(_("batas waktu layanan"), null=True, blank=True)
    paid_at = models.DateTimeField(_("dibayar pada"), null=True, blank=True)

    interview_required = models.BooleanField(_("wajib wawancara video"), default=False)
    interview_scheduled_at = models.DateTimeField(_("jadwal wawancara"), null=True, blank=True)
    interview_recorded_at = models.DateTimeField(_("wawancara dicatat pada"), null=True, blank=True)
    interview_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    interview_note = models.TextField(_("catatan wawancara"), blank=True)

    second_approval_required = models.BooleanField(_("wajib persetujuan kedua"), default=False)
    first_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_approved_at = models.DateTimeField(null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_approved_at = models.DateTimeField(null=True, blank=True)

    rejection_code = models.CharField(_("kode penolakan"), max_length=40, blank=True)
    rejection_note = models.TextField(_("catatan penolakan"), blank=True)
    revision_note = models.TextField(_("catatan perbaikan"), blank=True)
    revision_items = models.JSONField(_("hal yang perlu diperbaiki"), default=list, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Every saved version (django-simple-history), next to the status moves in ClaimHistory.
    versions = HistoricalRecords(excluded_fields=["updated_at", "snapshot"])

    class Meta:
        verbose_name = _("klaim JHT")
        verbose_name_plural = _("klaim JHT")
        ordering = ["-created_at"]
        permissions = [
            ("review_claim", "Can review claims (approve, reject, revision, interview, retry payout)"),
            ("second_approve_claim", "Can give the second approval of a claim (supervisor)"),
        ]
        indexes = [
            models.Index(fields=["due_date", "id"], name="claim_queue_due"),
            models.Index(fields=["branch", "due_date", "id"], name="claim_queue_branch_due"),
            models.Index(fields=["branch", "status"], name="claim_branch_status"),
            models.Index(fields=["status"], name="claim_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["nik_index"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="claim_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(gross_idr__gte=0) & Q(tax_idr__gte=0) & Q(net_idr__gte=0),
                name="claim_amounts_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(net_idr=F("gross_idr") - F("tax_idr")), name="claim_net_is_gross_minus_tax"
            ),
            models.CheckConstraint(
                condition=Q(second_approved_by__isnull=True)
                | Q(first_approved_by__isnull=True)
                | ~Q(second_approved_by=F("first_approved_by")),
                name="claim_two_different_approvers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.reason} {self.status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.branch_id is None and self.participant_id is not None:
            self.branch_id = self.participant.branch_id
        super().save(*args, **kwargs)

    @property
    def number(self) -> str:
        """Nomor klaim the claimant quotes to staff: `KLM/2026/00000042` (year filed in WIB, row number).
        Derived, so it needs no column; the decision letter's number carries the same row number."""
        return f"KLM/{timezone.localtime(self.created_at):%Y}/{self.pk:08d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def sla_breached(self) -> bool:
        from claims.service_level import is_breached

        return is_breached(self)


class ClaimHistory(models.Model):
    """One status move: who, from, to, why, when. Written only by `claim_transition`."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="history")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=ClaimStatus.choices)
    to_status = models.CharField(max_length=20, choices=ClaimStatus.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("riwayat klaim")
        verbose_name_plural = _("riwayat klaim")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_status} → {self.to_status}"


class CheckResult(models.TextChoices):
    PASS = "pass", _("Sesuai")
    WARNING = "warning", _("Perlu diperhatikan")
    FAIL = "fail", _("Tidak sesuai")


class ClaimCheck(models.Model):
    """One item of the automated verification checklist; a re-run replaces the item with the same code."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="checks")
    code = models.CharField(max_length=40)
    result = models.CharField(max_length=10, choices=CheckResult.choices)
    message = models.TextField()
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hasil verifikasi")
        verbose_name_plural = _("hasil verifikasi")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["claim", "code"], name="claim_check_unique_code")]

    def __str__(self) -> str:
        return f"{self.code}: {self.result}"


class DocumentType(models.TextChoices):
    KTP = "ktp", _("KTP")
    KK = "kk", _("Kartu Keluarga")
    PAKLARING = "paklaring", _("Paklaring / surat keterangan berhenti bekerja")
    BANK_BOOK = "bank_book", _("Buku tabungan")
    PHK_PROOF = "phk_proof", _("Bukti PHK")
    CONTRACT = "contract", _("Perjanjian kerja (PKWT)")
    STATEMENT = "statement", _("Surat pernyataan")
    PASSPORT = "passport", _("Paspor")
    MEDICAL = "medical", _("Surat keterangan dokter")
    HOUSING = "housing", _("Dokumen perumahan dari bank")
    NPWP = "npwp", _("Kartu NPWP")


def claim_document_path(instance: ClaimDocument, filename: str) -> str:
    """Random storage name; only the (lower-cased, allow-listed) extension survives from the upload."""
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in {".jpg", ".jpeg", ".png", ".pdf"}:
        suffix = ""
    return f"claims/{uuid.uuid4().hex}{suffix}"


class ClaimDocument(models.Model):
    """A document attached to a claim.

    HOOK: files are stored as given. The upload validation/sanitising module (portal/uploads/, being
    built separately) must be called in `claims.services.claim_attach_document` before saving.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("jenis dokumen"), max_length=20, choices=DocumentType.choices)
    file = models.FileField(_("berkas"), storage=get_private_storage, upload_to=claim_document_path)
    content_type = models.CharField(max_length=100, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dokumen klaim")
        verbose_name_plural = _("dokumen klaim")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.doc_type}"


class PayoutOutcome(models.TextChoices):
    PENDING = "pending", _("Diproses")
    SUCCESS = "success", _("Berhasil")
    NAME_MISMATCH = "name_mismatch", _("Nama pemilik rekening tidak sesuai")
    ACCOUNT_CLOSED = "account_closed", _("Rekening sudah ditutup")
    TIMEOUT = "timeout", _("Bank tidak menjawab")
    INSUFFICIENT_BALANCE = "insufficient_balance", _("Saldo tidak cukup")


class ClaimPayout(models.Model):
    """One transfer attempt. `reference` is the idempotency key sent to the bank."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payouts")
    reference = models.CharField(max_length=80, unique=True)
    amount_idr = models.BigIntegerField()
    tax_idr = models.BigIntegerField(default=0)
    outcome = models.CharField(max_length=25, choices=PayoutOutcome.choices, default=PayoutOutcome.PENDING)
    bank_reference = models.CharField(max_length=80, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pembayaran klaim")
        verbose_name_plural = _("pembayaran klaim")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_idr__gte=0) & Q(tax_idr__gte=0), name="claim_payout_amounts_non_negative"
            ),
            # At most one successful transfer per claim, whatever races happen.
            models.UniqueConstraint(
                fields=["claim"], condition=Q(outcome="success"), name="claim_payout_one_success"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.outcome}"


class LetterKind(models.TextChoices):
    PAID = "paid", _("Surat keputusan dan bukti pembayaran klaim")
    REJECTED = "rejected", _("Surat keputusan penolakan klaim")


def claim_letter_path(instance: ClaimLetter, filename: str) -> str:
    return f"claims/letters/{instance.claim.public_id}/{instance.kind}.pdf"


class ClaimLetter(models.Model):
    """The decision letter of a finished claim (paid: with the payment details; rejected: with the reason
    and the fix). A snapshot taken in the transition's transaction; the PDF is rendered once by a task."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=10, choices=LetterKind.choices)
    number = models.CharField(_("nomor surat"), max_length=40, unique=True)
    snapshot = models.JSONField()
    pdf = models.FileField(storage=get_private_storage, upload_to=claim_letter_path, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("surat keputusan klaim")
        verbose_name_plural = _("surat keputusan klaim")
        constraints = [models.UniqueConstraint(fields=["claim", "kind"], name="claim_letter_once_per_kind")]

    def __str__(self) -> str:
        return self.number
