"""Discount programmes: a new programme, a new last contribution month."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from participants.rates.changes.base import (
    Applied,
    Change,
    ProposalError,
    fits,
    month_text,
    record_history,
    snapshot,
)
from participants.rates.models import Confidence, DiscountProgramme, FigureChange, FigureProposal

DISCOUNT_SEGMENTS = ("BPU", "PU")
DISCOUNT_COMPONENTS = ("JKK", "JKM")
_SLUG = re.compile(r"^[-a-z0-9_]+$")
DISCOUNT_FIELDS = (
    "code",
    "label",
    "segment",
    "components",
    "percent",
    "first_period",
    "last_period",
    "work_types",
    "labour_intensive_only",
    "min_workers",
    "excludes_state_paid",
    "source",
    "confidence",
)


@dataclass(frozen=True)
class DiscountAdd(Change):
    """A new discount programme (models.DiscountProgramme says who qualifies)."""

    kind: ClassVar[str] = FigureChange.DISCOUNT_ADD
    _dates = ("first_period", "last_period")
    _decimals = ("percent",)
    _tuples = ("components", "work_types")

    code: str
    label: str
    segment: str
    components: tuple[str, ...]
    percent: Decimal
    first_period: dt.date
    last_period: dt.date
    work_types: tuple[str, ...]
    labour_intensive_only: bool
    min_workers: int | None
    excludes_state_paid: bool
    confidence: str

    def check(self, today: dt.date) -> None:
        if not _SLUG.match(self.code) or len(self.code) > 40 or not 0 < len(self.label.strip()) <= 160:
            raise ProposalError(
                "invalid", _("Kode (huruf kecil, angka, tanda hubung) dan keterangan wajib diisi.")
            )
        if (
            self.segment not in DISCOUNT_SEGMENTS
            or not self.components
            or not set(self.components) <= set(DISCOUNT_COMPONENTS)
            or self.confidence not in Confidence.values
        ):
            raise ProposalError("invalid", _("Segmen, komponen atau kepastian tidak sah."))
        if not 0 < self.percent <= 100 or not fits(self.percent, max_digits=5, decimal_places=2):
            raise ProposalError("invalid_value", _("Potongan harus lebih dari 0 dan paling banyak 100 %."))
        if self.segment == "BPU" and not self.work_types:
            raise ProposalError("work_types_required", _("Pilih jenis pekerjaan yang mendapat diskon."))
        if self.first_period.day != 1 or self.last_period.day != 1 or self.last_period < self.first_period:
            raise ProposalError(
                "invalid_months", _("Bulan iuran terakhir tidak boleh sebelum bulan iuran pertama.")
            )
        if self.first_period <= today:
            raise ProposalError(
                "not_future", _("Bulan iuran pertama harus setelah bulan ini: diskon berlaku ke depan.")
            )
        if DiscountProgramme.objects.filter(code=self.code).exists():
            raise ProposalError("code_taken", _("Kode program ini sudah dipakai."))

    def apply(self, *, actor: Any, proposal: FigureProposal) -> Applied:
        row = DiscountProgramme(
            code=self.code,
            label=self.label.strip(),
            segment=self.segment,
            components=list(self.components),
            percent=self.percent,
            first_period=self.first_period,
            last_period=self.last_period,
            work_types=list(self.work_types),
            labour_intensive_only=self.labour_intensive_only,
            min_workers=self.min_workers,
            excludes_state_paid=self.excludes_state_paid,
            source=proposal.source,
            confidence=self.confidence,
        )
        record_history(row, actor=actor, proposal=proposal)
        row.save()
        return Applied(before=[], after=[snapshot(row, DISCOUNT_FIELDS)], target_id=row.pk)

    def describe(self) -> str:
        return _("%(code)s: %(percent)s %% %(components)s, iuran %(first)s s.d. %(last)s") % {
            "code": self.code,
            "percent": self.percent,
            "components": "+".join(self.components),
            "first": month_text(self.first_period),
            "last": month_text(self.last_period),
        }


@dataclass(frozen=True)
class DiscountEnd(Change):
    """A new last contribution month for a programme not yet over (an extension or an earlier end)."""

    kind: ClassVar[str] = FigureChange.DISCOUNT_END
    _dates = ("last_period",)

    programme_id: int
    last_period: dt.date

    @property
    def target_id(self) -> int | None:
        return self.programme_id

    def _row(self, *, lock: bool = False) -> DiscountProgramme:
        rows = DiscountProgramme.objects.select_for_update() if lock else DiscountProgramme.objects.all()
        row = rows.filter(pk=self.programme_id).first()
        if row is None:
            raise ProposalError("not_found", _("Program diskon ini tidak ada lagi."))
        return row

    def check(self, today: dt.date) -> None:
        row = self._row()
        this_month = today.replace(day=1)
        if row.last_period < this_month:
            raise ProposalError(
                "already_ended",
                _("Program ini sudah berakhir (bulan iuran %(month)s).")
                % {"month": month_text(row.last_period)},
            )
        if self.last_period.day != 1 or self.last_period < row.first_period:
            raise ProposalError(
                "invalid_months", _("Bulan iuran terakhir tidak boleh sebelum bulan iuran pertama.")
            )
        if self.last_period < this_month:
            raise ProposalError("end_in_past", _("Bulan iuran terakhir tidak boleh sebelum bulan ini."))
        if self.last_period == row.last_period:
            raise ProposalError("unchanged", _("Bulan iuran terakhir itu sudah tercatat."))

    def apply(self, *, actor: Any, proposal: FigureProposal) -> Applied:
        row = self._row(lock=True)
        before = [snapshot(row, DISCOUNT_FIELDS)]
        row.last_period = self.last_period
        record_history(row, actor=actor, proposal=proposal)
        row.save(update_fields=["last_period"])
        return Applied(before=before, after=[snapshot(row, DISCOUNT_FIELDS)], target_id=row.pk)

    def describe(self) -> str:
        row = DiscountProgramme.objects.filter(pk=self.programme_id).first()
        code = row.code if row is not None else f"#{self.programme_id}"
        return _("%(code)s: bulan iuran terakhir %(month)s") % {
            "code": code,
            "month": month_text(self.last_period),
        }
