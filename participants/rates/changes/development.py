"""The JHT development rate of a year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from participants.rates.changes.base import Applied, Change, ProposalError, fits, record_history, snapshot
from participants.rates.models import DevelopmentRate, FigureChange, FigureProposal

DEVELOPMENT_FIELDS = ("year", "rate_percent", "source", "assumed")


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
        if not (0 <= self.rate_percent <= 100) or not fits(self.rate_percent, max_digits=6, decimal_places=3):
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
        record_history(row, actor=actor, proposal=proposal)
        row.save()
        return Applied(before=before, after=[snapshot(row, DEVELOPMENT_FIELDS)], target_id=row.pk)

    def describe(self) -> str:
        return _("Pengembangan JHT %(year)s = %(rate)s %%") % {"year": self.year, "rate": self.rate_percent}
