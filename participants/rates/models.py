"""Effective-dated rates: every rupiah figure, percentage, cap and threshold is data (docs/README.md)."""

from __future__ import annotations

from django.db import models
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


class Rate(models.Model):
    """One figure of the programme in force from `effective_from` until a newer row replaces it.

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
    source = models.CharField(_("sumber"), max_length=255)

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
        ]

    def __str__(self) -> str:
        return f"{self.program}/{self.segment}/{self.component} = {self.value} ({self.effective_from})"


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
