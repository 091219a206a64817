"""Participant service requests reviewed by branch staff: balance merge, data correction, card
replacement and wage complaints. Each belongs to an account (`user`) and is routed to a branch
(`branch`) whose staff see it in the admin (`backoffice.roles.branch_scope_q`)."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claims.storage import get_private_storage


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Diajukan")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")


def layanan_document_path(instance: models.Model, filename: str) -> str:
    """Random storage name; only an allow-listed extension survives from the (rewritten) upload."""
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in {".jpg", ".jpeg", ".png", ".pdf"}:
        suffix = ""
    return f"layanan/{uuid.uuid4().hex}{suffix}"


class StaffDecision(models.Model):
    """Fields every reviewed request shares."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("akun"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    branch = models.ForeignKey(
        "participants.Branch",
        verbose_name=_("kantor cabang"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RequestStatus.choices,
        default=RequestStatus.SUBMITTED,
        editable=False,
    )
    created_at = models.DateTimeField(_("diajukan"), auto_now_add=True)
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("petugas"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    decision_note = models.TextField(_("catatan petugas"), blank=True, editable=False)

    class Meta:
        abstract = True


class MergeRequest(StaffDecision):
    """Penggabungan saldo: move the JHT balances of `sources` into `target` (all KPJ of one NIK)."""

    nik_index = models.CharField(max_length=64, db_index=True, editable=False)
    target = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("KPJ tujuan"),
        on_delete=models.PROTECT,
        related_name="merge_requests_in",
        editable=False,
    )
    sources = models.ManyToManyField(
        "participants.Participant", verbose_name=_("KPJ asal"), related_name="merge_requests_out"
    )
    moved_idr = models.BigIntegerField(_("saldo dipindahkan"), default=0, editable=False)

    class Meta:
        verbose_name = _("penggabungan saldo")
        verbose_name_plural = _("penggabungan saldo")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["nik_index"], condition=Q(status="submitted"), name="merge_one_open_per_person"
            ),
            models.CheckConstraint(condition=Q(moved_idr__gte=0), name="merge_moved_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{_('Penggabungan')} → {self.target.kpj}"


class CorrectionField(models.TextChoices):
    FULL_NAME = "full_name", _("Nama lengkap")
    BIRTH_DATE = "birth_date", _("Tanggal lahir")
    ADDRESS = "address", _("Alamat")
    PHONE = "phone", _("Nomor HP")
    EMAIL = "email", _("Email")


class DataCorrectionRequest(StaffDecision):
    """Pengkinian data: one field of the person's data, with a supporting document. Person-level fields
    (name, date of birth) apply to every KPJ of the NIK; contact fields to every KPJ too (one person)."""

    nik_index = models.CharField(max_length=64, db_index=True, editable=False)
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("KPJ"),
        on_delete=models.PROTECT,
        related_name="correction_requests",
        editable=False,
    )
    field = models.CharField(_("data"), max_length=20, choices=CorrectionField.choices, editable=False)
    old_value = models.CharField(_("data lama"), max_length=255, editable=False)
    new_value = models.CharField(_("data baru"), max_length=255, editable=False)
    document = models.FileField(
        _("dokumen pendukung"), storage=get_private_storage, upload_to=layanan_document_path, editable=False
    )
    content_type = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = _("pengkinian data")
        verbose_name_plural = _("pengkinian data")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["nik_index", "field"],
                condition=Q(status="submitted"),
                name="correction_one_open_per_field",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()} ({self.participant.kpj})"


class CardReason(models.TextChoices):
    LOST = "lost", _("Kartu hilang (lampirkan surat keterangan kehilangan dari kepolisian)")
    DAMAGED = "damaged", _("Kartu rusak (lampirkan foto kartu)")


class CardReplacementRequest(StaffDecision):
    """Kartu hilang/rusak: a new physical card, picked up at a branch (linked to a booking). The digital
    card stays available all along. Approval means "the new card is ready for pickup"."""

    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("KPJ"),
        on_delete=models.PROTECT,
        related_name="card_requests",
        editable=False,
    )
    reason = models.CharField(_("alasan"), max_length=10, choices=CardReason.choices, editable=False)
    document = models.FileField(
        _("surat kehilangan / foto"),
        storage=get_private_storage,
        upload_to=layanan_document_path,
        editable=False,
    )
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    booking = models.ForeignKey(
        "branches.Booking",
        verbose_name=_("janji temu pengambilan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("penggantian kartu")
        verbose_name_plural = _("penggantian kartu")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"], condition=Q(status="submitted"), name="card_request_one_open_per_kpj"
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Kartu')} {self.participant.kpj}"


class WageComplaint(StaffDecision):
    """Pengaduan upah: months whose reported wage looks wrong, sent to the employer's branch queue.
    Approval means "followed up with the employer"."""

    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("KPJ"),
        on_delete=models.PROTECT,
        related_name="wage_complaints",
        editable=False,
    )
    employer = models.ForeignKey(
        "participants.Employer",
        verbose_name=_("pemberi kerja"),
        on_delete=models.PROTECT,
        related_name="wage_complaints",
        editable=False,
    )
    months = models.JSONField(_("bulan"), default=list, editable=False)  # ["2025-03", ...]
    description = models.TextField(_("keterangan peserta"), editable=False)
    payslip = models.FileField(
        _("slip gaji"),
        storage=get_private_storage,
        upload_to=layanan_document_path,
        blank=True,
        editable=False,
    )
    content_type = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = _("pengaduan upah")
        verbose_name_plural = _("pengaduan upah")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{_('Pengaduan upah')} {self.participant.kpj}"
