"""Back-office records: who looked at what (AccessLog) and balance corrections under maker-checker.

AccessLog rows are append-only: the database refuses UPDATE and DELETE (migration 0001), like the JHT
ledger. A CorrectionRequest is made by one staff member and approved by a different supervisor; only the
approval posts the `correction` ledger entry (backoffice.services).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class AccessKind(models.TextChoices):
    DOCUMENTS = "documents", _("Dokumen")
    NIK = "nik", _("NIK tanpa samaran")
    BALANCE = "balance", _("Saldo JHT")
    EXPORT = "export", _("Ekspor data")
    OUT_OF_SCOPE = "out_of_scope", _("Percobaan akses di luar cabang")


class AccessLog(models.Model):
    """One look at a participant's sensitive data by a staff member: who, whose, what, when, why."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("petugas"), on_delete=models.PROTECT, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("peserta"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("data"), max_length=20, choices=AccessKind.choices)
    claim = models.ForeignKey(
        "claims.Claim",
        verbose_name=_("klaim"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What exactly (document type, admin page) and why; never the data itself.
    detail = models.CharField(_("keterangan"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("log akses data")
        verbose_name_plural = _("log akses data")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["participant", "created_at"], name="accesslog_by_participant")]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.kind} {self.participant_id} {self.created_at:%Y-%m-%d %H:%M}"


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu persetujuan")
    APPROVED = "approved", _("Disetujui dan dibukukan")
    REJECTED = "rejected", _("Ditolak")


class CorrectionRequest(models.Model):
    """A balance correction proposed by one staff member (maker), decided by a supervisor (checker)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        "participants.Participant", verbose_name=_("KPJ"), on_delete=models.PROTECT, related_name="+"
    )
    amount_idr = models.BigIntegerField(_("jumlah koreksi (negatif = mengurangi)"))
    reason = models.TextField(_("alasan"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.PENDING,
        editable=False,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diajukan oleh"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    requested_at = models.DateTimeField(_("diajukan pada"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True, editable=False)
    decision_note = models.TextField(_("catatan keputusan"), blank=True, editable=False)
    ledger_entry = models.ForeignKey(
        "participants.LedgerEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("koreksi saldo")
        verbose_name_plural = _("koreksi saldo")
        ordering = ["-requested_at"]
        permissions = [("approve_correctionrequest", "Can approve balance corrections (checker)")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_idr=0), name="correction_amount_not_zero"),
            models.CheckConstraint(condition=~Q(reason=""), name="correction_has_reason"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="correction_maker_is_not_checker",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.amount_idr} {self.status}"
