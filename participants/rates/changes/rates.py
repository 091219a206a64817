"""Rate changes: a new figure from a date, an end date for a row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.db.models import Q
from django.utils.translation import gettext as _

from participants.rates.changes.base import (
    ONE_DAY,
    Applied,
    Change,
    ProposalError,
    day_text,
    fits,
    record_history,
    snapshot,
)
from participants.rates.models import Confidence, FigureChange, FigureProposal, Program, Rate, Unit

RATE_FIELDS = (
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


def _same_name(program: str, segment: str, component: str) -> Any:
    return Rate.objects.filter(program=program, segment=segment, component=component)


@dataclass(frozen=True)
class RateAdd(Change):
    """A new figure from `effective_from`; approving it ends the open-ended row it replaces the day
    before (`participants.rates.services.rate_close_predecessor`)."""

    kind: ClassVar[str] = FigureChange.RATE_ADD
    _dates = ("effective_from", "effective_to")
    _decimals = ("value",)

    program: str
    segment: str
    component: str
    unit: str
    value: Decimal
    effective_from: dt.date
    effective_to: dt.date | None
    confidence: str

    def check(self, today: dt.date) -> None:
        if (
            self.program not in Program.values
            or self.unit not in Unit.values
            or self.confidence not in Confidence.values
            or not 0 < len(self.segment) <= 5
            or not 0 < len(self.component) <= 30
        ):
            raise ProposalError("invalid", _("Program, segmen, komponen, satuan atau kepastian tidak sah."))
        if self.value < 0 or not fits(self.value, max_digits=18, decimal_places=4):
            raise ProposalError(
                "invalid_value", _("Nilai harus angka 0 atau lebih, paling banyak 4 desimal.")
            )
        if self.effective_from <= today:
            raise ProposalError(
                "not_future",
                _(
                    "Tanggal berlaku harus setelah hari ini: tarif yang sudah berlaku tidak diubah "
                    "mundur, perubahan berlaku ke depan."
                ),
            )
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ProposalError("ends_before_start", _("Tanggal akhir tidak boleh sebelum tanggal berlaku."))
        rows = _same_name(self.program, self.segment, self.component)
        units = set(rows.values_list("unit", flat=True))
        if units and units != {self.unit}:
            raise ProposalError(
                "unit_mismatch",
                _("Satuan harus sama dengan baris lain angka ini (%(unit)s).") % {"unit": ", ".join(units)},
            )
        # The open-ended row that the new figure replaces does not count: approving closes it.
        others = rows.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from)).exclude(
            effective_to__isnull=True, effective_from__lt=self.effective_from
        )
        if self.effective_to is not None:
            others = others.filter(effective_from__lte=self.effective_to)
        if others.exists():
            raise ProposalError("overlap", overlap_message())

    def apply(self, *, actor: Any, proposal: FigureProposal) -> Applied:
        before: list[dict[str, Any]] = []
        after: list[dict[str, Any]] = []
        predecessor = (
            _same_name(self.program, self.segment, self.component)
            .select_for_update()
            .filter(effective_from__lt=self.effective_from, effective_to__isnull=True)
            .first()
        )
        if predecessor is not None:
            before.append(snapshot(predecessor, RATE_FIELDS))
            predecessor.effective_to = self.effective_from - ONE_DAY
            record_history(predecessor, actor=actor, proposal=proposal)
            predecessor.save(update_fields=["effective_to"])
            after.append(snapshot(predecessor, RATE_FIELDS))
        row = Rate(
            program=self.program,
            segment=self.segment,
            component=self.component,
            unit=self.unit,
            value=self.value,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
            source=proposal.source,
            confidence=self.confidence,
        )
        record_history(row, actor=actor, proposal=proposal)
        row.save()
        after.append(snapshot(row, RATE_FIELDS))
        return Applied(before=before, after=after, target_id=row.pk)

    def describe(self) -> str:
        return _("%(name)s = %(value)s %(unit)s, berlaku %(start)s s.d. %(end)s") % {
            "name": f"{self.program}/{self.segment}/{self.component}",
            "value": self.value,
            "unit": self.unit,
            "start": day_text(self.effective_from),
            "end": day_text(self.effective_to),
        }


def overlap_message() -> str:
    return _("Pada tanggal tersebut sudah ada tarif lain dengan nama yang sama; pilih tanggal lain.")


@dataclass(frozen=True)
class RateEnd(Change):
    """An end date (inclusive) for a rate row still in force or not yet in force."""

    kind: ClassVar[str] = FigureChange.RATE_END
    _dates = ("effective_to",)

    rate_id: int
    effective_to: dt.date

    @property
    def target_id(self) -> int | None:
        return self.rate_id

    def _row(self, *, lock: bool = False) -> Rate:
        rows = Rate.objects.select_for_update() if lock else Rate.objects.all()
        row = rows.filter(pk=self.rate_id).first()
        if row is None:
            raise ProposalError("not_found", _("Baris tarif ini tidak ada lagi."))
        return row

    def check(self, today: dt.date) -> None:
        row = self._row()
        if row.effective_to is not None and row.effective_to < today:
            raise ProposalError(
                "already_ended",
                _("Tarif ini sudah berakhir pada %(date)s.") % {"date": day_text(row.effective_to)},
            )
        if self.effective_to < today:
            raise ProposalError("end_in_past", _("Tanggal akhir tidak boleh sebelum hari ini."))
        if self.effective_to < row.effective_from:
            raise ProposalError("ends_before_start", _("Tanggal akhir tidak boleh sebelum tanggal berlaku."))
        if self.effective_to == row.effective_to:
            raise ProposalError("unchanged", _("Tanggal akhir itu sudah tercatat."))
        others = _same_name(row.program, row.segment, row.component).exclude(pk=row.pk)
        if row.effective_to is not None and self.effective_to < row.effective_to:
            # A successor starting the day after the current end would be left with a gap before it.
            if others.filter(effective_from=row.effective_to + ONE_DAY).exists():
                raise ProposalError(
                    "gap",
                    _(
                        "Baris berikutnya dimulai %(date)s; memajukan tanggal akhir akan meninggalkan "
                        "tanggal tanpa tarif. Usulkan tarif baru untuk tanggal itu."
                    )
                    % {"date": day_text(row.effective_to + ONE_DAY)},
                )
        elif others.filter(
            effective_from__gt=row.effective_from, effective_from__lte=self.effective_to
        ).exists():
            raise ProposalError("overlap", overlap_message())

    def apply(self, *, actor: Any, proposal: FigureProposal) -> Applied:
        row = self._row(lock=True)
        before = [snapshot(row, RATE_FIELDS)]
        row.effective_to = self.effective_to
        record_history(row, actor=actor, proposal=proposal)
        row.save(update_fields=["effective_to"])
        return Applied(before=before, after=[snapshot(row, RATE_FIELDS)], target_id=row.pk)

    def describe(self) -> str:
        row = Rate.objects.filter(pk=self.rate_id).first()
        name = f"{row.program}/{row.segment}/{row.component}" if row is not None else f"#{self.rate_id}"
        return _("%(name)s berakhir %(end)s") % {"name": name, "end": day_text(self.effective_to)}
