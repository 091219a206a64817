"""The public rate sheet ("Tarif dan aturan", `/tarif/` and `/tarif.json`): every figure in force on a
date with its source, confidence and dates, the values it replaced, and the discount programmes.

One service for the HTML page and the JSON: `tariff_sheet_on` reads the whole table in two queries
(a few hundred rows at most) and splits it in Python. Reads only; stores nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants.rates.models import DiscountProgramme, Program, Rate
from portal.money import format_rupiah

# Figures after the end of next year are not published yet: a date that far ahead is outside the table.
_YEARS_AHEAD = 1

# What each component of the rate table means, for people (the JSON keeps the component code).
COMPONENT_LABELS = {
    "employer": gettext_lazy("Iuran pemberi kerja"),
    "worker": gettext_lazy("Iuran pekerja"),
    "wage_cap": gettext_lazy("Batas upah"),
    "risk_1": gettext_lazy("Kelas risiko 1 (sangat rendah)"),
    "risk_2": gettext_lazy("Kelas risiko 2 (rendah)"),
    "risk_3": gettext_lazy("Kelas risiko 3 (sedang)"),
    "risk_4": gettext_lazy("Kelas risiko 4 (tinggi)"),
    "risk_5": gettext_lazy("Kelas risiko 5 (sangat tinggi)"),
    "percent": gettext_lazy("Iuran dari penghasilan/upah"),
    "min": gettext_lazy("Paling sedikit"),
    "max": gettext_lazy("Paling banyak"),
    "flat": gettext_lazy("Iuran tetap per bulan"),
    "income_min": gettext_lazy("Penghasilan terendah"),
    "income_max": gettext_lazy("Penghasilan tertinggi"),
    "benefit_min": gettext_lazy("Manfaat pensiun terendah per bulan"),
    "benefit_max": gettext_lazy("Manfaat pensiun tertinggi per bulan"),
    "pension_age": gettext_lazy("Usia pensiun (tahun)"),
    "benefit_percent": gettext_lazy("Manfaat uang tunai (% upah)"),
    "benefit_months": gettext_lazy("Lama manfaat (bulan)"),
    "benefit_wage_cap": gettext_lazy("Batas upah dasar manfaat"),
    "claim_window_months": gettext_lazy("Batas waktu klaim setelah PHK (bulan)"),
    "online_limit": gettext_lazy("Batas klaim JHT lewat JMO"),
    "tax_free_upto": gettext_lazy("JHT bebas pajak sampai"),
    "tax_rate": gettext_lazy("Tarif pajak final JHT di atasnya"),
    "npwp_threshold": gettext_lazy("NPWP wajib bila saldo di atas"),
    "final_tax_years": gettext_lazy("Tarif final berlaku dalam (tahun kalender)"),
    "partial_min_years": gettext_lazy("Kepesertaan minimal untuk klaim sebagian (tahun)"),
    "waiting_months": gettext_lazy("Masa tunggu klaim setelah berhenti bekerja (bulan)"),
    # Life events (lifeevents, issue 21)
    "min_months": gettext_lazy("Masa iuran minimal (bulan)"),
    "window_months": gettext_lazy("Rentang penghitungan iuran sebelum PHK (bulan)"),
    "consecutive_months": gettext_lazy("Iuran berturut-turut sebelum PHK (bulan)"),
    "arrears_months": gettext_lazy("Tunggakan iuran pemberi kerja yang masih ditanggung (bulan)"),
    "accrual_percent": gettext_lazy("Faktor manfaat pensiun per tahun masa iur (%)"),
    # Heirs' benefits: JKM, beasiswa, JKK death, JP survivors (claims/migrations/0006, docs/heirs.md).
    "lump_sum": gettext_lazy("Santunan kematian sekaligus"),
    "periodic_monthly": gettext_lazy("Santunan berkala per bulan"),
    "periodic_months": gettext_lazy("Santunan berkala (bulan)"),
    "burial": gettext_lazy("Biaya pemakaman"),
    "scholarship_min_years": gettext_lazy("Masa iur minimal untuk beasiswa (tahun)"),
    "scholarship_max_children": gettext_lazy("Beasiswa paling banyak (anak)"),
    "scholarship_max_age": gettext_lazy("Beasiswa sampai usia anak (tahun)"),
    "scholarship_tk_sd": gettext_lazy("Beasiswa TK-SD per tahun"),
    "scholarship_tk_sd_years": gettext_lazy("Beasiswa TK-SD paling lama (tahun)"),
    "scholarship_smp": gettext_lazy("Beasiswa SMP per tahun"),
    "scholarship_smp_years": gettext_lazy("Beasiswa SMP paling lama (tahun)"),
    "scholarship_sma": gettext_lazy("Beasiswa SMA per tahun"),
    "scholarship_sma_years": gettext_lazy("Beasiswa SMA paling lama (tahun)"),
    "scholarship_pt": gettext_lazy("Beasiswa perguruan tinggi atau pelatihan per tahun"),
    "scholarship_pt_years": gettext_lazy("Beasiswa perguruan tinggi paling lama (tahun)"),
    "death_wage_multiple": gettext_lazy("Santunan kematian kecelakaan kerja (kali upah)"),
    "death_periodic_monthly": gettext_lazy("Santunan berkala kecelakaan kerja per bulan"),
    "death_periodic_months": gettext_lazy("Santunan berkala kecelakaan kerja (bulan)"),
    "death_burial": gettext_lazy("Biaya pemakaman kecelakaan kerja"),
    "benefit_percent_per_year": gettext_lazy("Formula pensiun per tahun masa iur (% upah)"),
    "survivor_min_years": gettext_lazy("Masa iur yang disetarakan untuk pensiun ahli waris (tahun)"),
    "survivor_min_membership_months": gettext_lazy("Kepesertaan minimal untuk pensiun ahli waris (bulan)"),
    "survivor_min_density": gettext_lazy("Kepadatan iuran minimal untuk pensiun ahli waris"),
    "survivor_spouse_share": gettext_lazy("Pensiun janda/duda (% formula)"),
    "survivor_child_share": gettext_lazy("Pensiun anak (% formula)"),
    "survivor_parent_share": gettext_lazy("Pensiun orang tua (% formula)"),
}


class ParameterError(ValueError):
    """A public GET parameter that cannot be answered; `message` is Indonesian, for people."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message

    def as_dict(self) -> dict[str, Any]:
        return {"error": {"parameter": self.parameter, "message": self.message}}


def public_date_parse(raw: str | None, *, today: dt.date, parameter: str = "tanggal") -> dt.date:
    """`YYYY-MM-DD` (empty or absent: `today`). Refuses malformed dates and dates after the end of
    next year (no figure is published that far ahead); the lower bound is checked against the table."""
    raw = (raw or "").strip()
    if not raw:
        return today
    try:
        on = dt.date.fromisoformat(raw)
    except ValueError:
        raise ParameterError(
            parameter, _("Tanggal tidak valid. Tulis dengan format TTTT-BB-HH, misalnya 2026-03-01.")
        ) from None
    if len(raw) != 10 or on > dt.date(today.year + _YEARS_AHEAD, 12, 31):
        # fromisoformat also accepts "20260301"; the API promises YYYY-MM-DD only.
        if len(raw) != 10:
            raise ParameterError(
                parameter, _("Tanggal tidak valid. Tulis dengan format TTTT-BB-HH, misalnya 2026-03-01.")
            )
        raise ParameterError(
            parameter,
            _("Tabel tarif hanya sampai %(last)s.") % {"last": dt.date(today.year + _YEARS_AHEAD, 12, 31)},
        )
    return on


@dataclass(frozen=True)
class PublicFigure:
    programme: str
    segment: str
    name: str
    value: Decimal
    unit: str
    effective_from: dt.date
    effective_to: dt.date | None
    source: str
    confidence: str

    @property
    def label(self) -> str:
        return str(COMPONENT_LABELS.get(self.name, self.name))

    @property
    def programme_label(self) -> str:
        return str(Program(self.programme).label) if self.programme in Program.values else self.programme

    @property
    def value_number(self) -> int | Decimal:
        """Whole rupiah and counts as int, percentages without trailing zeros (0.3000 -> 0.3)."""
        if self.unit != "percent" and self.value == self.value.to_integral_value():
            return int(self.value)
        return self.value.normalize()

    @property
    def display(self) -> str:
        """The value as people read it, in the active language: `Rp11.086.300`, `0,89 %`, `59`."""
        if self.unit == "rupiah":
            return format_rupiah(int(self.value))
        number = number_format(self.value_number, use_l10n=True)
        return f"{number} %" if self.unit == "percent" else number

    def as_dict(self) -> dict[str, Any]:
        return {
            "programme": self.programme,
            "segment": self.segment,
            "name": self.name,
            # A string keeps the decimal exact ("0.89", "11086300"); JSON floats would not.
            "value": str(self.value_number),
            "unit": self.unit,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "source": self.source,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class ProgrammeGroup:
    programme: str
    label: str
    figures: list[PublicFigure]


@dataclass(frozen=True)
class TariffSheet:
    on: dt.date
    current: list[PublicFigure]  # in force on `on`, by programme, segment, name
    history: list[PublicFigure]  # ended before `on`, newest first per name
    discounts: list[DiscountProgramme]  # every programme, with a flag for those running on `on`

    @property
    def groups(self) -> list[ProgrammeGroup]:
        order = {code: i for i, code in enumerate(Program.values)}
        by: dict[str, list[PublicFigure]] = {}
        for figure in self.current:
            by.setdefault(figure.programme, []).append(figure)
        return [
            ProgrammeGroup(programme=code, label=figures[0].programme_label, figures=figures)
            for code, figures in sorted(by.items(), key=lambda item: order.get(item[0], len(order)))
        ]

    def discount_running(self, programme: DiscountProgramme) -> bool:
        return programme.first_period <= self.on.replace(day=1) <= programme.last_period

    @property
    def discounts_running(self) -> list[DiscountProgramme]:
        return [p for p in self.discounts if self.discount_running(p)]

    @property
    def discounts_other(self) -> list[DiscountProgramme]:
        return [p for p in self.discounts if not self.discount_running(p)]

    def as_list(self) -> list[dict[str, Any]]:
        return [figure.as_dict() for figure in self.current]


def _figure(row: Rate) -> PublicFigure:
    return PublicFigure(
        programme=row.program,
        segment=row.segment,
        name=row.component,
        value=row.value,
        unit=row.unit,
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        source=row.source,
        confidence=row.confidence,
    )


def tariff_sheet_on(on: dt.date) -> TariffSheet:
    """The public sheet on `on`. Raises ParameterError("tanggal") when no figure is in force that day
    (before the first row of the table). Two queries."""
    fields = (
        "program",
        "segment",
        "component",
        "unit",
        "value",
        "effective_from",
        "effective_to",
        "source",
        "confidence",
    )
    rows = [
        _figure(row)
        for row in Rate.objects.filter(effective_from__lte=on)
        .only(*fields)
        .order_by("program", "segment", "component", "-effective_from")
    ]
    # The rule of `selectors.in_force_on`, applied in Python to the rows already read.
    current = [f for f in rows if f.effective_to is None or f.effective_to >= on]
    if not current:
        raise ParameterError("tanggal", _("Tidak ada tarif yang berlaku pada tanggal itu."))
    history = [f for f in rows if f.effective_to is not None and f.effective_to < on]
    discounts = list(DiscountProgramme.objects.order_by("first_period", "code"))
    return TariffSheet(on=on, current=current, history=history, discounts=discounts)
