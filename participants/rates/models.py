"""Effective-dated rates: every rupiah figure, percentage, cap and threshold is data (docs/README.md)."""

from __future__ import annotations

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
