"""The facts about a death that the benefit rules read, gathered once by the caller (no database here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _


class InvalidDeathFacts(ValueError):
    """The facts cannot describe a real death (a date in the future, before birth, a negative amount...).
    The message says which fact is wrong, in Indonesian, so a form can show it as is."""


class Segment(StrEnum):
    PU = "PU"
    BPU = "BPU"
    PMI = "PMI"


class Cause(StrEnum):
    NATURAL = "natural"  # sakit / alami, or any accident outside work: JKM
    WORK_ACCIDENT = "work_accident"  # kecelakaan kerja (including on the way to or from work): JKK


class SchoolLevel(StrEnum):
    """The child's schooling this year. The beasiswa levels follow PP 82/2019 (docs/heirs.md#beasiswa)."""

    NOT_YET = "not_yet"  # not yet at school: the beasiswa starts when the child enters school
    TK_SD = "tk_sd"
    SMP = "smp"
    SMA = "sma"
    PT = "pt"  # higher education up to S1, or vocational training
    FINISHED = "finished"  # no longer at school


@dataclass(frozen=True)
class Child:
    name: str
    birth_date: dt.date
    level: SchoolLevel
    # Years of beasiswa already paid at the current level (0 for the first claim).
    years_received_at_level: int = 0
    married: bool = False
    working: bool = False


@dataclass(frozen=True)
class JhtAccount:
    kpj: str
    balance_idr: int


@dataclass(frozen=True)
class JpFacts:
    """The deceased's JP record (PU only). `density_percent`: months with a contribution over months of
    membership (tingkat kepadatan); `average_wage_idr`: the indexed average monthly wage over the masa iur;
    `accumulated_idr`: contributions plus development, what a lump sum pays."""

    contribution_months: int
    membership_months: int
    density_percent: int
    average_wage_idr: int
    accumulated_idr: int


@dataclass(frozen=True)
class DeathFacts:
    """The deceased on the date of death. `covered_until`: the last day of protection bought by the last paid
    contribution (BPU: the paid-until date; PMI: the end of the protection period; PU: unused, the status
    decides). `contribution_months`: JKM contribution period (masa iur) for the beasiswa condition.
    `last_wage_idr`: the last reported wage (PU) or declared income (BPU), for the JKK death benefit."""

    segment: Segment
    birth_date: dt.date
    death_date: dt.date
    cause: Cause
    status_on_death: str  # MembershipStatus value: aktif / nonaktif
    covered_until: dt.date | None
    contribution_months: int
    last_wage_idr: int
    jht_accounts: tuple[JhtAccount, ...] = ()
    jp: JpFacts | None = None
    children: tuple[Child, ...] = ()
    has_spouse: bool = False
    has_parent: bool = False
    # JHT already paid to the deceased (date, gross), for the tax's two calendar years.
    earlier_jht_payments: tuple[tuple[dt.date, int], ...] = ()

    def validate(self, today: dt.date) -> None:
        """Raise InvalidDeathFacts naming the first impossible fact."""
        if self.death_date > today:
            raise InvalidDeathFacts(_("Tanggal meninggal tidak boleh setelah hari ini."))
        if self.death_date < self.birth_date:
            raise InvalidDeathFacts(_("Tanggal meninggal tidak boleh sebelum tanggal lahir peserta."))
        if self.contribution_months < 0 or self.last_wage_idr < 0:
            raise InvalidDeathFacts(_("Masa iur dan upah tidak boleh negatif."))
        if any(a.balance_idr < 0 for a in self.jht_accounts):
            raise InvalidDeathFacts(_("Saldo JHT tidak boleh negatif."))
        if len({a.kpj for a in self.jht_accounts}) != len(self.jht_accounts):
            raise InvalidDeathFacts(_("Satu KPJ tercatat lebih dari satu kali."))
        for child in self.children:
            if child.birth_date > today:
                raise InvalidDeathFacts(
                    _("Tanggal lahir anak %(name)s tidak boleh setelah hari ini.") % {"name": child.name}
                )
            if child.years_received_at_level < 0:
                raise InvalidDeathFacts(
                    _("Jumlah tahun beasiswa anak %(name)s tidak boleh negatif.") % {"name": child.name}
                )
        if self.jp is not None:
            jp = self.jp
            if min(jp.contribution_months, jp.membership_months, jp.average_wage_idr, jp.accumulated_idr) < 0:
                raise InvalidDeathFacts(_("Data Jaminan Pensiun tidak boleh negatif."))
            if not 0 <= jp.density_percent <= 100:
                raise InvalidDeathFacts(_("Tingkat kepadatan iuran JP harus antara 0 dan 100 persen."))
