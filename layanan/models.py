"""Participant service requests reviewed by branch staff: balance merge, data correction, card
replacement and wage complaints. Each belongs to an account (`user`) and is routed to a branch
(`branch`) whose staff see it in the admin (`accounts.roles.branch_scope_q`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claims.storage import get_private_storage


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Diajukan")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")


class CardStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Diajukan")
    APPROVED = "approved", _("Disetujui, kartu sedang dicetak")
    READY = "ready", _("Kartu siap diambil")
    PICKED_UP = "picked_up", _("Kartu sudah diambil")
    REJECTED = "rejected", _("Ditolak")


# A KPJ has at most one card request in these statuses (a new card is on its way).
CARD_OPEN_STATUSES = [CardStatus.SUBMITTED, CardStatus.APPROVED, CardStatus.READY]


class ComplaintStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Diajukan")
    IN_REVIEW = "in_review", _("Sedang ditindaklanjuti dengan pemberi kerja")
    RESOLVED = "resolved", _("Selesai")
    REJECTED = "rejected", _("Ditolak")


class ComplaintOutcome(models.TextChoices):
    WAGE_CORRECTED = "wage_corrected", _("Upah sudah dikoreksi oleh pemberi kerja")
    EMPLOYER_INSTRUCTED = "employer_instructed", _("Pemberi kerja diperintahkan memperbaiki laporan upah")
    NOT_SUBSTANTIATED = "not_substantiated", _("Pengaduan tidak terbukti")


@dataclass(frozen=True)
class Step:
    """One staff action on a request: allowed from `sources`, moves to `target`. `note` says whether a
    note for the participant is required (it is shown to them and sent in the notification);
    `outcome` whether the action records an outcome (wage complaints)."""

    slug: str
    label: Any
    sources: frozenset[str]
    target: str
    note: bool = False
    outcome: bool = False
    help: Any = ""


APPROVE = Step("setujui", _("Setujui"), frozenset({RequestStatus.SUBMITTED}), RequestStatus.APPROVED)
REJECT = Step(
    "tolak",
    _("Tolak"),
    frozenset({RequestStatus.SUBMITTED}),
    RequestStatus.REJECTED,
    note=True,
    help=_("Alasan penolakan ditampilkan kepada peserta."),
)


def layanan_document_path(instance: models.Model, filename: str) -> str:
    """Random storage name; only an allow-listed extension survives from the (rewritten) upload."""
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in {".jpg", ".jpeg", ".png", ".pdf"}:
        suffix = ""
    return f"layanan/{uuid.uuid4().hex}{suffix}"


def status_field(choices: type[models.TextChoices]) -> models.CharField[Any, Any]:
    return models.CharField(
        _("status"), max_length=12, choices=choices.choices, default="submitted", editable=False
    )


class StaffDecision(models.Model):
    """Fields every reviewed request shares, and its state table `STEPS` (see layanan.workflow, the
    one service that moves a request). `decided_*` and `decision_note` are those of the latest staff
    step; every step is kept in RequestHistory."""

    STEPS: ClassVar[tuple[Step, ...]] = (APPROVE, REJECT)

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
    status = status_field(RequestStatus)
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

    @classmethod
    def step(cls, slug: str) -> Step | None:
        return next((s for s in cls.STEPS if s.slug == slug), None)

    def available_steps(self) -> list[Step]:
        return [s for s in self.STEPS if self.status in s.sources]

    @property
    def owner_participant(self) -> Any:
        """The KPJ the participant-facing notice is about."""
        return self.participant  # type: ignore[attr-defined]


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

    @property
    def owner_participant(self) -> Any:
        return self.target


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
    card stays available all along. submitted → approved (being printed) → ready (at the pickup branch)
    → picked_up; rejected with a reason from submitted or approved."""

    STEPS = (
        Step(
            "setujui",
            _("Setujui dan cetak kartu"),
            frozenset({CardStatus.SUBMITTED}),
            CardStatus.APPROVED,
            help=_("Kartu baru dicetak; peserta diberi tahu."),
        ),
        Step(
            "siap-diambil",
            _("Kartu siap diambil"),
            frozenset({CardStatus.APPROVED}),
            CardStatus.READY,
            help=_("Peserta diberi tahu bahwa kartu dapat diambil di kantor cabang ini."),
        ),
        Step(
            "sudah-diambil",
            _("Kartu sudah diambil"),
            frozenset({CardStatus.READY}),
            CardStatus.PICKED_UP,
        ),
        Step(
            "tolak",
            _("Tolak"),
            frozenset({CardStatus.SUBMITTED, CardStatus.APPROVED}),
            CardStatus.REJECTED,
            note=True,
            help=_("Alasan penolakan ditampilkan kepada peserta."),
        ),
    )
    status = status_field(CardStatus)

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
                fields=["participant"],
                condition=Q(status__in=CARD_OPEN_STATUSES),
                name="card_request_one_open_per_kpj",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Kartu')} {self.participant.kpj}"


class WageComplaint(StaffDecision):
    """Pengaduan upah: months whose reported wage looks wrong, sent to the employer's branch queue.
    submitted → in_review (forwarded to the employer / investigated) → resolved with an outcome and a
    note; rejected with a reason from submitted or in_review."""

    STEPS = (
        Step(
            "tindak-lanjuti",
            _("Tindak lanjuti"),
            frozenset({ComplaintStatus.SUBMITTED}),
            ComplaintStatus.IN_REVIEW,
            help=_("Pengaduan diteruskan ke pemberi kerja atau diperiksa; peserta diberi tahu."),
        ),
        Step(
            "selesaikan",
            _("Selesaikan"),
            frozenset({ComplaintStatus.IN_REVIEW}),
            ComplaintStatus.RESOLVED,
            note=True,
            outcome=True,
            help=_("Hasil dan catatan ditampilkan kepada peserta."),
        ),
        Step(
            "tolak",
            _("Tolak"),
            frozenset({ComplaintStatus.SUBMITTED, ComplaintStatus.IN_REVIEW}),
            ComplaintStatus.REJECTED,
            note=True,
            help=_("Alasan penolakan ditampilkan kepada peserta."),
        ),
    )

    status = status_field(ComplaintStatus)

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
    outcome = models.CharField(
        _("hasil"), max_length=20, choices=ComplaintOutcome.choices, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("pengaduan upah")
        verbose_name_plural = _("pengaduan upah")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{_('Pengaduan upah')} {self.participant.kpj}"


class RequestHistory(models.Model):
    """One staff step on a request of any kind: who, from, to, the note the participant was shown,
    when. Written only by layanan.workflow.request_step; never edited."""

    request_kind = models.CharField(_("jenis"), max_length=40, editable=False)  # the model's name
    request_public_id = models.UUIDField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("petugas"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    from_status = models.CharField(_("dari"), max_length=12, editable=False)
    to_status = models.CharField(_("menjadi"), max_length=12, editable=False)
    note = models.TextField(_("catatan"), blank=True, editable=False)
    outcome = models.CharField(_("hasil"), max_length=20, blank=True, editable=False)
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("riwayat pengajuan layanan")
        verbose_name_plural = _("riwayat pengajuan layanan")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["request_kind", "request_public_id"], name="layanan_history_request")]

    def __str__(self) -> str:
        return f"{self.request_kind} {self.request_public_id}: {self.from_status} → {self.to_status}"
