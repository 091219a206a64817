"""Effective-dated rates: every rupiah figure, percentage, cap and threshold is data (docs/README.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.db import models
from django.db.models import Func, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Program(models.TextChoices):
    JHT = "JHT", _("Jaminan Hari Tua")
    JP = "JP", _("Jaminan Pensiun")
    JKK = "JKK", _("Jaminan Kecelakaan Kerja")
    JKM = "JKM", _("Jaminan Kematian")
    JKP = "JKP", _("Jaminan Kehilangan Pekerjaan")
    KLAIM = "KLAIM", _("Aturan klaim")


class Unit(models.TextChoices):
    PERCENT = "percent", _("persen")
    RUPIAH = "rupiah", _("rupiah")
    COUNT = "count", _("jumlah")


class Confidence(models.TextChoices):
    """How sure we are of a figure: `firm` = a regulation or several outlets agree; `likely` = one outlet,
    or code citing an official letter we could not read ourselves."""

    FIRM = "firm", _("pasti")
    LIKELY = "likely", _("kemungkinan besar")


class DateRange(Func):
    """`daterange(from, to, '[]')`: both ends inclusive; a NULL `to` is open-ended."""

    function = "daterange"
    output_field = DateRangeField()


class Rate(models.Model):
    """One figure of the programme in force from `effective_from` to `effective_to` (inclusive; empty:
    until further notice). Rows of the same name never overlap (an exclusion constraint refuses it), so on
    any date at most one row of a name is in force; a new figure closes its predecessor
    (`participants.rates.services.rate_schedule`).

    Components by convention: `employer`, `worker` (percent of wage); `wage_cap` (rupiah);
    `risk_1`..`risk_5` (JKK percent by risk class); `percent`, `min`, `max`, `flat` (BPU);
    `income_min`, `income_max` (BPU declared income).
    """

    program = models.CharField(_("program"), max_length=10, choices=Program.choices)
    segment = models.CharField(_("segmen"), max_length=5)
    component = models.CharField(_("komponen"), max_length=30)
    unit = models.CharField(_("satuan"), max_length=10, choices=Unit.choices)
    value = models.DecimalField(_("nilai"), max_digits=18, decimal_places=4)
    effective_from = models.DateField(_("berlaku mulai"))
    effective_to = models.DateField(_("berlaku sampai"), null=True, blank=True)
    source = models.CharField(_("sumber"), max_length=255)
    confidence = models.CharField(
        _("tingkat kepastian"), max_length=10, choices=Confidence.choices, default=Confidence.FIRM
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tarif")
        verbose_name_plural = _("tabel tarif")
        ordering = ["program", "segment", "component", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "segment", "component", "effective_from"], name="rate_unique_effective"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="rate_not_negative"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="rate_ends_after_start",
            ),
            # Deferrable (checked immediately unless a transaction defers it): the test suite reloads the
            # data migrations' rows in one transaction after a flush, passing through overlapping states.
            ExclusionConstraint(
                name="rate_no_overlap",
                expressions=[
                    ("program", RangeOperators.EQUAL),
                    ("segment", RangeOperators.EQUAL),
                    ("component", RangeOperators.EQUAL),
                    (
                        DateRange("effective_from", "effective_to", models.Value("[]")),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                deferrable=models.Deferrable.IMMEDIATE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program}/{self.segment}/{self.component} = {self.value} ({self.effective_from})"


class DiscountProgramme(models.Model):
    """A temporary cut of some contribution components for those who qualify, over contribution months
    `first_period`..`last_period` (first days of months, inclusive). Who qualifies: for BPU, the
    recorded work type is in `work_types` (and the iuran is not paid by APBN/APBD: the portal's
    self-paid iuran never is); for PU, an employer in a listed labour-intensive sector with at least
    `min_workers` workers (the employer declares it, `padat_karya`)."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    label = models.CharField(_("keterangan pada tagihan"), max_length=160)
    segment = models.CharField(_("segmen"), max_length=5)
    components = ArrayField(models.CharField(max_length=10), verbose_name=_("komponen"))
    percent = models.DecimalField(_("potongan (%)"), max_digits=5, decimal_places=2)
    first_period = models.DateField(_("bulan iuran pertama"))
    last_period = models.DateField(_("bulan iuran terakhir"))
    work_types = ArrayField(
        models.CharField(max_length=20), blank=True, default=list, verbose_name=_("jenis pekerjaan")
    )
    labour_intensive_only = models.BooleanField(_("hanya industri padat karya"), default=False)
    min_workers = models.PositiveIntegerField(_("jumlah pekerja minimal"), null=True, blank=True)
    excludes_state_paid = models.BooleanField(_("tidak untuk iuran APBN/APBD"), default=False)
    source = models.CharField(_("sumber"), max_length=255)
    confidence = models.CharField(
        _("tingkat kepastian"), max_length=10, choices=Confidence.choices, default=Confidence.FIRM
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("program diskon iuran")
        verbose_name_plural = _("program diskon iuran")
        ordering = ["first_period", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="discount_percent_range"
            ),
            models.CheckConstraint(
                condition=Q(first_period__day=1)
                & Q(last_period__day=1)
                & Q(last_period__gte=models.F("first_period")),
                name="discount_periods_months",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class DevelopmentRate(models.Model):
    """Yearly JHT development return (hasil pengembangan), in percent."""

    year = models.PositiveSmallIntegerField(_("tahun"), unique=True)
    rate_percent = models.DecimalField(_("tingkat pengembangan (%)"), max_digits=6, decimal_places=3)
    source = models.CharField(_("sumber"), max_length=255)
    assumed = models.BooleanField(
        _("asumsi"), default=False, help_text=_("Bukan angka resmi; hanya untuk data demo.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tingkat pengembangan JHT")
        verbose_name_plural = _("tingkat pengembangan JHT")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.rate_percent}%"


class HolidayOverride(models.Model):
    """A correction to the public-holiday calendar (`holidays.Indonesia`) for one date: a cuti bersama
    or a moved holiday the library does not know (`is_holiday=True`), or a library holiday that is a
    working day after all (`is_holiday=False`). Saturdays and Sundays are never working days."""

    date = models.DateField(_("tanggal"), unique=True)
    is_holiday = models.BooleanField(_("hari libur"), default=True)
    note = models.CharField(_("keterangan"), max_length=255)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("koreksi hari libur")
        verbose_name_plural = _("koreksi hari libur")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date}: {'libur' if self.is_holiday else 'hari kerja'}"


class FigureChange(models.TextChoices):
    """What a figure proposal changes (participants/rates/proposals.py)."""

    RATE_ADD = "rate_add", _("Tarif baru")
    RATE_END = "rate_end", _("Tanggal akhir tarif")
    DEVELOPMENT_SET = "development_set", _("Tingkat pengembangan JHT")
    DISCOUNT_ADD = "discount_add", _("Program diskon baru")
    DISCOUNT_END = "discount_end", _("Bulan terakhir program diskon")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu persetujuan")
    APPROVED = "approved", _("Disetujui dan berlaku di tabel")
    REJECTED = "rejected", _("Ditolak")


class FigureProposal(models.Model):
    """A change of a figure (a rate, a development rate, a discount programme) proposed by one staff
    member (maker) and decided by another holding `approve_figureproposal` (checker). Only the approval
    writes the figure tables; the proposal keeps who proposed and decided, when, why, and the affected
    rows as they were before and after the approval (`before`, `after`: lists of row snapshots)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("jenis perubahan"), max_length=20, choices=FigureChange.choices)
    # The proposed values, JSON-safe (decimals and dates as strings); read back by the service.
    payload = models.JSONField(_("nilai yang diusulkan"))
    # One line for the lists, written when proposed (the change's `describe()`).
    summary = models.CharField(_("perubahan"), max_length=255)
    # The row the proposal ends or sets; for a new row, the row the approval created.
    target_id = models.PositiveIntegerField(_("baris"), null=True, blank=True)
    source = models.CharField(_("sumber"), max_length=255)
    reason = models.TextField(_("alasan"))
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diusulkan oleh"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("diusulkan pada"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    decision_note = models.TextField(_("catatan keputusan"), blank=True)
    before = models.JSONField(_("sebelum"), default=list, blank=True)
    after = models.JSONField(_("sesudah"), default=list, blank=True)

    class Meta:
        verbose_name = _("usulan perubahan angka")
        verbose_name_plural = _("usulan perubahan angka")
        ordering = ["-proposed_at", "-pk"]
        permissions = [("approve_figureproposal", "Can approve figure changes (checker)")]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="figureproposal_has_reason"),
            models.CheckConstraint(condition=~Q(source=""), name="figureproposal_has_source"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("proposed_by")),
                name="figureproposal_maker_is_not_checker",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=ProposalStatus.PENDING, decided_by__isnull=True, decided_at__isnull=True)
                    | (
                        ~Q(status=ProposalStatus.PENDING)
                        & Q(decided_by__isnull=False, decided_at__isnull=False)
                    )
                ),
                name="figureproposal_decided_when_not_pending",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="figureproposal_status_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"
