"""The kinds of figure change a staff member can propose (participants/rates/proposals.py).

Each kind is a frozen dataclass of the proposed values with three duties:
- `check(today)`: the rules a change must meet, run when it is proposed and again when it is approved
  (dates pass and rows change while a proposal waits); raises ProposalError, reads only;
- `apply(actor=, proposal=)`: writes the figure tables (inside the approval's transaction) and returns
  the affected rows as they were before and after;
- `describe()`: one line for the staff lists.

Rules shared by every kind: a change works forward. A new rate starts after today; an end date is today
or later; a discount programme's months start after this month; a development rate of an ended year that
may already be credited is not changed (the same rules the admin forms applied before maker-checker).
The database stays the backstop: rows of a rate never overlap (exclusion constraint, migration 0010).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.db.models import Model, Q
from django.utils.translation import gettext as _

from participants.rates.models import (
    Confidence,
    DevelopmentRate,
    DiscountProgramme,
    FigureChange,
    FigureProposal,
    Program,
    Rate,
    Unit,
)

ONE_DAY = dt.timedelta(days=1)
DISCOUNT_SEGMENTS = ("BPU", "PU")
DISCOUNT_COMPONENTS = ("JKK", "JKM")
_SLUG = re.compile(r"^[-a-z0-9_]+$")


class ProposalError(Exception):
    """A refused proposal or decision; nothing changed. `code` is stable, `message` is for staff."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Applied:
    before: list[dict[str, Any]]
    after: list[dict[str, Any]]
    target_id: int


def _day(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else "—"


def _month(value: dt.date) -> str:
    return value.strftime("%m/%Y")


def snapshot(row: Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """A row as JSON: its table, id and the named fields as text (None stays None)."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(row, name)
        if isinstance(value, list):
            values[name] = [str(v) for v in value]
        else:
            values[name] = None if value is None else str(value)
    return {"table": row._meta.model_name, "id": row.pk, "fields": values}


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
DEVELOPMENT_FIELDS = ("year", "rate_percent", "source", "assumed")
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


def _record(row: Model, *, actor: Any, proposal: FigureProposal) -> None:
    """The row's history (simple-history) names the approver and the proposal."""
    row._history_user = actor  # type: ignore[attr-defined]
    row._change_reason = f"usulan #{proposal.pk}"  # type: ignore[attr-defined]


def _fits(value: Decimal, *, max_digits: int, decimal_places: int) -> bool:
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or -exponent > decimal_places:
        return False
    return len(value.quantize(Decimal(1).scaleb(-decimal_places)).as_tuple().digits) <= max_digits


class Change:
    """The protocol of a change kind (see the module docstring)."""

    kind: ClassVar[str]
    _dates: ClassVar[tuple[str, ...]] = ()
    _decimals: ClassVar[tuple[str, ...]] = ()

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, (Decimal, dt.date)) else value
        return out

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Any:
        values = dict(payload)
        for name in cls._dates:
            if values.get(name) is not None:
                values[name] = dt.date.fromisoformat(values[name])
        for name in cls._decimals:
            values[name] = Decimal(values[name])
        if "work_types" in values:
            values["work_types"] = tuple(values["work_types"])
        if "components" in values:
            values["components"] = tuple(values["components"])
        return cls(**values)

    @property
    def target_id(self) -> int | None:
        return None

    def check(self, today: dt.date) -> None:
        raise NotImplementedError

    def apply(self, *, actor: Any, proposal: FigureProposal) -> Applied:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


# --- Rates ----------------------------------------------------------------------------------------


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
        if self.value < 0 or not _fits(self.value, max_digits=18, decimal_places=4):
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
            _record(predecessor, actor=actor, proposal=proposal)
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
        _record(row, actor=actor, proposal=proposal)
        row.save()
        after.append(snapshot(row, RATE_FIELDS))
        return Applied(before=before, after=after, target_id=row.pk)

    def describe(self) -> str:
        return _("%(name)s = %(value)s %(unit)s, berlaku %(start)s s.d. %(end)s") % {
            "name": f"{self.program}/{self.segment}/{self.component}",
            "value": self.value,
            "unit": self.unit,
            "start": _day(self.effective_from),
            "end": _day(self.effective_to),
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
                _("Tarif ini sudah berakhir pada %(date)s.") % {"date": _day(row.effective_to)},
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
                    % {"date": _day(row.effective_to + ONE_DAY)},
                )
        elif others.filter(
            effective_from__gt=row.effective_from, effective_from__lte=self.effective_to
        ).exists():
            raise ProposalError("overlap", overlap_message())

    def apply(self, *, actor: Any, proposal: FigureProposal) -> Applied:
        row = self._row(lock=True)
        before = [snapshot(row, RATE_FIELDS)]
        row.effective_to = self.effective_to
        _record(row, actor=actor, proposal=proposal)
        row.save(update_fields=["effective_to"])
        return Applied(before=before, after=[snapshot(row, RATE_FIELDS)], target_id=row.pk)

    def describe(self) -> str:
        row = Rate.objects.filter(pk=self.rate_id).first()
        name = f"{row.program}/{row.segment}/{row.component}" if row is not None else f"#{self.rate_id}"
        return _("%(name)s berakhir %(end)s") % {"name": name, "end": _day(self.effective_to)}


# --- JHT development rate -------------------------------------------------------------------------


@dataclass(frozen=True)
class DevelopmentSet(Change):
    """The JHT development rate of a year (a new year, or a year not yet ended)."""

    kind: ClassVar[str] = FigureChange.DEVELOPMENT_SET
    _decimals = ("rate_percent",)

    year: int
    rate_percent: Decimal

    def check(self, today: dt.date) -> None:
        from participants.ledger.models import EntryKind, LedgerEntry

        if not 2000 <= self.year <= today.year + 1:
            raise ProposalError(
                "invalid_year", _("Tahun harus antara 2000 dan %(year)s.") % {"year": today.year + 1}
            )
        if not (0 <= self.rate_percent <= 100) or not _fits(
            self.rate_percent, max_digits=6, decimal_places=3
        ):
            raise ProposalError(
                "invalid_value", _("Tingkat pengembangan harus 0 sampai 100 %, paling banyak 3 desimal.")
            )
        existing = DevelopmentRate.objects.filter(year=self.year).first()
        if existing is not None and self.year < today.year:
            raise ProposalError(
                "ended_year",
                _(
                    "Tahun %(year)s sudah berakhir dan hasil pengembangannya dapat sudah dikreditkan ke "
                    "saldo: angka ini tidak boleh diubah. Koreksi saldo dilakukan dengan entri koreksi."
                )
                % {"year": self.year},
            )
        if (
            existing is None
            and self.year < today.year
            and LedgerEntry.objects.filter(kind=EntryKind.DEVELOPMENT, year=self.year).exists()
        ):
            raise ProposalError(
                "credited",
                _(
                    "Hasil pengembangan tahun %(year)s sudah dikreditkan: "
                    "tingkatnya tidak dapat ditambahkan lagi."
                )
                % {"year": self.year},
            )
        if existing is not None and existing.rate_percent == self.rate_percent and not existing.assumed:
            raise ProposalError("unchanged", _("Tingkat itu sudah tercatat untuk tahun ini."))

    def apply(self, *, actor: Any, proposal: FigureProposal) -> Applied:
        row = DevelopmentRate.objects.select_for_update().filter(year=self.year).first()
        before = [] if row is None else [snapshot(row, DEVELOPMENT_FIELDS)]
        if row is None:
            row = DevelopmentRate(year=self.year)
        row.rate_percent = self.rate_percent
        row.source = proposal.source
        row.assumed = False  # a figure approved by staff is an official one
        _record(row, actor=actor, proposal=proposal)
        row.save()
        return Applied(before=before, after=[snapshot(row, DEVELOPMENT_FIELDS)], target_id=row.pk)

    def describe(self) -> str:
        return _("Pengembangan JHT %(year)s = %(rate)s %%") % {"year": self.year, "rate": self.rate_percent}


# --- Discount programmes --------------------------------------------------------------------------


@dataclass(frozen=True)
class DiscountAdd(Change):
    """A new discount programme (models.DiscountProgramme says who qualifies)."""

    kind: ClassVar[str] = FigureChange.DISCOUNT_ADD
    _dates = ("first_period", "last_period")
    _decimals = ("percent",)

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

    def payload(self) -> dict[str, Any]:
        out = super().payload()
        out["components"], out["work_types"] = list(self.components), list(self.work_types)
        return out

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
        if not 0 < self.percent <= 100 or not _fits(self.percent, max_digits=5, decimal_places=2):
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
        _record(row, actor=actor, proposal=proposal)
        row.save()
        return Applied(before=[], after=[snapshot(row, DISCOUNT_FIELDS)], target_id=row.pk)

    def describe(self) -> str:
        return _("%(code)s: %(percent)s %% %(components)s, iuran %(first)s s.d. %(last)s") % {
            "code": self.code,
            "percent": self.percent,
            "components": "+".join(self.components),
            "first": _month(self.first_period),
            "last": _month(self.last_period),
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
                _("Program ini sudah berakhir (bulan iuran %(month)s).") % {"month": _month(row.last_period)},
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
        _record(row, actor=actor, proposal=proposal)
        row.save(update_fields=["last_period"])
        return Applied(before=before, after=[snapshot(row, DISCOUNT_FIELDS)], target_id=row.pk)

    def describe(self) -> str:
        row = DiscountProgramme.objects.filter(pk=self.programme_id).first()
        code = row.code if row is not None else f"#{self.programme_id}"
        return _("%(code)s: bulan iuran terakhir %(month)s") % {
            "code": code,
            "month": _month(self.last_period),
        }


CHANGES: dict[str, type[Change]] = {
    cls.kind: cls for cls in (RateAdd, RateEnd, DevelopmentSet, DiscountAdd, DiscountEnd)
}


def change_of(proposal: FigureProposal) -> Change:
    """The proposal's change, read back from its payload."""
    return CHANGES[proposal.kind].from_payload(proposal.payload)
