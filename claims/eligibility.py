"""The JHT claim eligibility engine: a pure function over facts gathered once (no database here).

`evaluate(facts, reason)` answers eligible / not yet (with the date it becomes possible) / not eligible
(with a reason code, the rule and what to do), the documents needed, and the gross, tax and net amounts.
Facts are collected by `claims.selectors.claim_facts_for_person` in a bounded number of queries.

Rules (docs/claims.md#reasons-and-timing, Permenaker 4/2022):
- every KPJ of the person's NIK is claimed together; their balances are added up;
- no other open claim; the total balance must be above zero;
- resignation / PHK: the employer has reported the exit, every KPJ is nonaktif, and the waiting period
  (`waiting_months`, one month) after the exit date has passed;
- end of a fixed-term contract: exit reported and every KPJ nonaktif, claimable at the contract end;
- BPU who stopped working: a BPU KPJ, every KPJ nonaktif;
- partial 10 % / 30 %: `partial_min_years` (10) years since the first registration, still working (a KPJ
  still aktif), and only one partial claim ever (either of the two, once);
- NPWP is required when the gross amount is above `npwp_threshold`;
- tax by the date of payment (PP 68/2009, PMK 16/PMK.03/2010 Pasal 5): a payment within
  `final_tax_years` (2) calendar years of the person's first JHT payment is taxed final: 0 % up to
  `tax_free_upto`, `tax_rate` % above, counted on the cumulative JHT paid in those years (so a partial
  payout followed by a full claim cannot dodge it); a payment in a later calendar year is taxed at the
  Pasal 17 ayat (1) huruf a brackets in force (UU HPP from 2022: 5/15/25/30/35 %) on that payment. No
  surcharge for a missing NPWP: the NIK serves as the NPWP of every resident (UU HPP), and every
  claimant here is identified by NIK. See `tax_calculation`.

Rounding: the gross of a partial claim is `percent_of` each KPJ's balance (half up, per KPJ), then
added; the tax is `percent_of` the taxable part, rounded once (portal/money.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from claims.models import PARTIAL_REASONS, ClaimReason, DocumentType
from portal.dates import add_months, add_years
from portal.money import format_rupiah, percent_of

R = ClaimReason
D = DocumentType


class Outcome(StrEnum):
    ELIGIBLE = "eligible"
    NOT_YET = "not_yet"
    NOT_ELIGIBLE = "not_eligible"


@dataclass(frozen=True)
class ClaimRules:
    """The claim figures in force (rate table, program KLAIM, segment ALL)."""

    npwp_threshold_idr: int = 50_000_000
    tax_free_upto_idr: int = 50_000_000
    tax_rate_percent: Decimal = Decimal("5")
    online_limit_idr: int = 15_000_000
    partial_min_years: int = 10
    waiting_months: int = 1
    second_approval_threshold_idr: int = 50_000_000
    final_tax_years: int = 2
    # Pasal 17 brackets: (upper bound in rupiah or None for the last, percent).
    pit_brackets: tuple[tuple[int | None, Decimal], ...] = (
        (60_000_000, Decimal("5")),
        (250_000_000, Decimal("15")),
        (500_000_000, Decimal("25")),
        (5_000_000_000, Decimal("30")),
        (None, Decimal("35")),
    )


@dataclass(frozen=True)
class AccountFacts:
    participant_id: int
    kpj: str
    category: str  # Category value: PU/BPU/PMI/JAKON
    status: str  # MembershipStatus value: aktif/nonaktif
    registered_on: dt.date
    balance_idr: int


@dataclass(frozen=True)
class EmploymentFacts:
    participant_id: int
    start_date: dt.date
    end_date: dt.date | None
    exit_reported_on: dt.date | None
    exit_reason: str  # ExitReason value or ""


@dataclass(frozen=True)
class PersonFacts:
    today: dt.date
    birth_date: dt.date
    accounts: tuple[AccountFacts, ...]
    employments: tuple[EmploymentFacts, ...] = ()
    has_other_open_claim: bool = False
    has_partial_claim: bool = False  # a partial claim paid or open, ever
    paid_before_idr: int = 0  # gross JHT already paid to the person (for the cumulative tax)
    rules: ClaimRules = field(default_factory=ClaimRules)
    earlier_payments: tuple[tuple[dt.date, int], ...] = ()  # (payment date, gross) of paid JHT claims


@dataclass(frozen=True)
class TaxLine:
    base_idr: int  # the part of the payment taxed at `percent`
    percent: Decimal
    tax_idr: int
    label: str


@dataclass(frozen=True)
class TaxCalculation:
    regime: str  # "final" or "progressive"
    payment_date: dt.date
    lines: tuple[TaxLine, ...]
    explanation: str

    @property
    def tax_idr(self) -> int:
        return sum(line.tax_idr for line in self.lines)


@dataclass(frozen=True)
class Amounts:
    gross_idr: int
    tax_idr: int
    net_idr: int
    per_account: tuple[tuple[int, int], ...]  # (participant_id, gross_idr) debited from each KPJ
    tax: TaxCalculation | None = None  # the calculation, line by line


@dataclass(frozen=True)
class Eligibility:
    reason: str
    outcome: Outcome
    code: str = ""  # why not (reason code), "" when eligible
    message: str = ""  # the rule, in plain language
    fix: str = ""  # what the claimant can do
    available_on: dt.date | None = None  # for NOT_YET
    documents: tuple[str, ...] = ()
    amounts: Amounts | None = None
    npwp_required: bool = False
    interview_required: bool = False
    second_approval_required: bool = False

    @property
    def eligible(self) -> bool:
        return self.outcome == Outcome.ELIGIBLE


BASE_DOCUMENTS: dict[str, tuple[str, ...]] = {
    R.AGE_56: (D.KTP,),
    R.RESIGN: (D.KTP, D.KK, D.PAKLARING, D.BANK_BOOK),
    R.PHK: (D.KTP, D.KK, D.PAKLARING, D.BANK_BOOK, D.PHK_PROOF),
    R.CONTRACT_END: (D.KTP, D.KK, D.PAKLARING, D.BANK_BOOK, D.CONTRACT),
    R.BPU_STOPPED: (D.KTP, D.KK, D.STATEMENT, D.BANK_BOOK),
    R.LEAVING_INDONESIA: (D.KTP, D.KK, D.BANK_BOOK, D.PASSPORT, D.STATEMENT),
    R.DISABILITY: (D.KTP, D.KK, D.BANK_BOOK, D.MEDICAL),
    R.PARTIAL_10: (D.KTP, D.KK),
    R.PARTIAL_30: (D.KTP, D.KK, D.HOUSING),
}

PARTIAL_PERCENT: dict[str, Decimal] = {R.PARTIAL_10: Decimal("10"), R.PARTIAL_30: Decimal("30")}
_EXIT_REASON_FOR: dict[str, str] = {R.RESIGN: "resign", R.PHK: "phk", R.CONTRACT_END: "contract_end"}


def compute_amounts(facts: PersonFacts, reason: str) -> Amounts:
    """Gross from every KPJ of the person, and the tax on it if paid on `facts.today`."""
    percent = PARTIAL_PERCENT.get(reason)
    per_account = tuple(
        (a.participant_id, a.balance_idr if percent is None else percent_of(a.balance_idr, percent))
        for a in facts.accounts
    )
    gross = sum(amount for _, amount in per_account)
    earlier = facts.earlier_payments or (
        ((facts.today, facts.paid_before_idr),) if facts.paid_before_idr else ()
    )
    tax = tax_calculation(
        gross_idr=gross, payment_date=facts.today, earlier_payments=earlier, rules=facts.rules
    )
    return Amounts(
        gross_idr=gross, tax_idr=tax.tax_idr, net_idr=gross - tax.tax_idr, per_account=per_account, tax=tax
    )


def tax_on(*, gross_idr: int, paid_before_idr: int, rules: ClaimRules) -> int:
    """Final tax on a payout made within the two calendar years: the rate on the part of the cumulative
    total above the free amount that this payout adds (so earlier payouts use the free amount up first)."""
    return _final_lines(gross_idr, paid_before_idr, rules)[1]


def _final_lines(gross_idr: int, paid_before_idr: int, rules: ClaimRules) -> tuple[tuple[TaxLine, ...], int]:
    free = rules.tax_free_upto_idr
    taxable = max(0, paid_before_idr + gross_idr - free) - max(0, paid_before_idr - free)
    tax = percent_of(taxable, rules.tax_rate_percent) if taxable else 0
    lines = (
        TaxLine(base_idr=gross_idr - taxable, percent=Decimal(0), tax_idr=0, label=_("Bagian bebas pajak")),
        TaxLine(
            base_idr=taxable,
            percent=rules.tax_rate_percent,
            tax_idr=tax,
            label=_("Bagian di atas %(free)s (kumulatif)") % {"free": format_rupiah(free)},
        ),
    )
    return lines, tax


def tax_calculation(
    *,
    gross_idr: int,
    payment_date: dt.date,
    earlier_payments: tuple[tuple[dt.date, int], ...],
    rules: ClaimRules,
) -> TaxCalculation:
    """The PPh 21 on a JHT payment of `gross_idr` made on `payment_date`, line by line.

    The two calendar years start with the year of the person's first JHT payment (this one when there is
    none). Within them: final rate on the cumulative amount paid in them. Later: each Pasal 17 bracket on
    this payment alone, each line rounded half up once (portal/money.py)."""
    first_year = min([d.year for d, _amount in earlier_payments] + [payment_date.year])
    last_final_year = first_year + rules.final_tax_years - 1
    if payment_date.year <= last_final_year:
        paid_in_window = sum(a for d, a in earlier_payments if d.year <= last_final_year)
        lines, _tax = _final_lines(gross_idr, paid_in_window, rules)
        explanation = _(
            "Dibayar dalam %(years)s tahun kalender sejak pembayaran JHT pertama (%(first)s-%(last)s): "
            "PPh 21 final, dihitung kumulatif dengan JHT yang sudah dibayar %(paid)s."
        ) % {
            "years": rules.final_tax_years,
            "first": first_year,
            "last": last_final_year,
            "paid": format_rupiah(paid_in_window),
        }
        return TaxCalculation(regime="final", payment_date=payment_date, lines=lines, explanation=explanation)
    lines_list: list[TaxLine] = []
    lower = 0
    for upper, percent in rules.pit_brackets:
        top = gross_idr if upper is None else min(gross_idr, upper)
        base = max(0, top - lower)
        if base:
            lines_list.append(
                TaxLine(
                    base_idr=base,
                    percent=percent,
                    tax_idr=percent_of(base, percent),
                    label=_("Lapisan %(lower)s s.d. %(upper)s")
                    % {
                        "lower": format_rupiah(lower),
                        "upper": _("seterusnya") if upper is None else format_rupiah(upper),
                    },
                )
            )
        if upper is None or gross_idr <= upper:
            break
        lower = upper
    explanation = _(
        "Dibayar pada tahun kalender ketiga atau sesudahnya sejak pembayaran JHT pertama (%(first)s): "
        "PPh 21 dengan tarif Pasal 17 UU PPh atas pembayaran ini."
    ) % {"first": first_year}
    return TaxCalculation(
        regime="progressive", payment_date=payment_date, lines=tuple(lines_list), explanation=explanation
    )


def _not_eligible(reason: str, code: str, message: str, fix: str) -> Eligibility:
    return Eligibility(reason=reason, outcome=Outcome.NOT_ELIGIBLE, code=code, message=message, fix=fix)


def evaluate(facts: PersonFacts, reason: str) -> Eligibility:
    """Eligibility of the person (all KPJ of the NIK) for `reason` on `facts.today`. Pure; never raises
    for a known reason (ValueError for an unknown one)."""
    if reason not in BASE_DOCUMENTS:
        raise ValueError(f"unknown claim reason {reason!r}")
    refusal = _common_refusal(facts, reason) or _reason_refusal(facts, reason)
    if refusal is not None:
        return refusal
    waiting = _available_on(facts, reason)
    amounts = compute_amounts(facts, reason)
    rules = facts.rules
    npwp_required = amounts.gross_idr > rules.npwp_threshold_idr
    documents = BASE_DOCUMENTS[reason] + ((D.NPWP,) if npwp_required else ())
    common = {
        "reason": reason,
        "documents": tuple(str(d) for d in documents),
        "amounts": amounts,
        "npwp_required": npwp_required,
        "interview_required": amounts.gross_idr > rules.online_limit_idr,
        "second_approval_required": amounts.gross_idr > rules.second_approval_threshold_idr,
    }
    if waiting is not None and facts.today < waiting:
        return Eligibility(
            outcome=Outcome.NOT_YET,
            code="waiting_period",
            message=_("Klaim dengan sebab ini baru dapat diajukan mulai %(date)s.")
            % {"date": waiting.strftime("%d-%m-%Y")},
            fix=_("Ajukan kembali klaim Anda pada atau setelah tanggal tersebut."),
            available_on=waiting,
            **common,  # type: ignore[arg-type]
        )
    return Eligibility(outcome=Outcome.ELIGIBLE, **common)  # type: ignore[arg-type]


def evaluate_all(facts: PersonFacts) -> dict[str, Eligibility]:
    return {reason: evaluate(facts, reason) for reason in BASE_DOCUMENTS}


def _common_refusal(facts: PersonFacts, reason: str) -> Eligibility | None:
    if facts.has_other_open_claim:
        return _not_eligible(
            reason,
            "open_claim_exists",
            _("Anda masih memiliki klaim JHT yang sedang diproses."),
            _("Tunggu sampai klaim tersebut selesai, atau batalkan klaim itu sebelum mengajukan yang baru."),
        )
    if sum(a.balance_idr for a in facts.accounts) <= 0:
        return _not_eligible(
            reason,
            "no_balance",
            _("Saldo JHT Anda kosong, tidak ada yang dapat diklaim."),
            _(
                "Periksa rincian saldo Anda; bila menurut Anda ada iuran yang belum tercatat, "
                "hubungi kantor cabang."
            ),
        )
    return None


def _all_nonaktif(facts: PersonFacts) -> bool:
    return all(a.status == "nonaktif" for a in facts.accounts)


def _still_active(reason: str) -> Eligibility:
    return _not_eligible(
        reason,
        "membership_active",
        _("Kepesertaan Anda masih aktif, jadi klaim dengan sebab ini belum dapat diajukan."),
        _(
            "Minta pemberi kerja Anda melaporkan bahwa Anda sudah berhenti bekerja; setelah kepesertaan "
            "nonaktif, klaim dapat diajukan."
        ),
    )


def _last_exit(facts: PersonFacts) -> EmploymentFacts | None:
    ended = [e for e in facts.employments if e.end_date is not None]
    return max(ended, key=lambda e: (e.end_date, e.start_date)) if ended else None


def _reason_refusal(facts: PersonFacts, reason: str) -> Eligibility | None:
    if reason in _EXIT_REASON_FOR:
        if any(e.end_date is None for e in facts.employments):
            return _still_active(reason)
        last = _last_exit(facts)
        if last is None or last.exit_reported_on is None:
            return _not_eligible(
                reason,
                "exit_not_reported",
                _("Pemberi kerja Anda belum melaporkan bahwa Anda sudah berhenti bekerja."),
                _("Hubungi bagian HRD pemberi kerja Anda dan minta mereka melaporkan tanggal Anda berhenti."),
            )
        if last.exit_reason and last.exit_reason != _EXIT_REASON_FOR[reason]:
            return _not_eligible(
                reason,
                "exit_reason_mismatch",
                _(
                    "Alasan berhenti yang dilaporkan pemberi kerja tidak sama dengan sebab klaim "
                    "yang Anda pilih."
                ),
                _(
                    "Pilih sebab klaim yang sesuai dengan laporan pemberi kerja, atau minta pemberi kerja "
                    "memperbaiki laporannya."
                ),
            )
        if not _all_nonaktif(facts):
            return _still_active(reason)
        return None
    if reason == R.AGE_56:
        return None  # only the date matters: see _available_on
    if reason == R.BPU_STOPPED:
        if not any(a.category == "BPU" for a in facts.accounts):
            return _not_eligible(
                reason,
                "not_bpu",
                _("Sebab klaim ini hanya untuk peserta Bukan Penerima Upah (BPU)."),
                _("Pilih sebab klaim yang sesuai dengan keadaan Anda, misalnya mengundurkan diri."),
            )
        if not _all_nonaktif(facts):
            return _not_eligible(
                reason,
                "membership_active",
                _("Kepesertaan BPU Anda masih aktif."),
                _("Klaim dapat diajukan setelah kepesertaan Anda nonaktif karena Anda berhenti bekerja."),
            )
        return None
    if reason in PARTIAL_REASONS:
        if facts.has_partial_claim:
            return _not_eligible(
                reason,
                "partial_already_taken",
                _(
                    "Klaim sebagian (10% atau 30%) hanya dapat diambil satu kali, "
                    "dan Anda sudah mengambilnya."
                ),
                _("Sisa saldo dapat diklaim seluruhnya saat Anda berhenti bekerja atau berusia 56 tahun."),
            )
        if not any(a.status == "aktif" for a in facts.accounts):
            return _not_eligible(
                reason,
                "not_working",
                _("Klaim sebagian hanya untuk peserta yang masih bekerja (kepesertaan aktif)."),
                _("Karena Anda sudah tidak bekerja, ajukan klaim seluruh saldo dengan sebab yang sesuai."),
            )
        return None
    return None  # leaving Indonesia, disability: decided on the documents by staff


def _available_on(facts: PersonFacts, reason: str) -> dt.date | None:
    """The first day the claim may be filed, or None when there is no date rule."""
    if reason == R.AGE_56:
        return add_years(facts.birth_date, 56)
    if reason in PARTIAL_REASONS:
        first = min(a.registered_on for a in facts.accounts)
        return add_years(first, facts.rules.partial_min_years)
    if reason in (R.RESIGN, R.PHK):
        last = _last_exit(facts)
        assert last is not None  # guaranteed by _reason_refusal
        assert last.end_date is not None
        return add_months(last.end_date, facts.rules.waiting_months)
    if reason == R.CONTRACT_END:
        last = _last_exit(facts)
        assert last is not None
        assert last.end_date is not None
        return last.end_date
    return None


def tax_snapshot(tax: TaxCalculation | None) -> dict[str, Any] | None:
    """The calculation as JSON for the claim's snapshot and its letter (the lines as they were)."""
    if tax is None:
        return None
    return {
        "regime": tax.regime,
        "payment_date": tax.payment_date.isoformat(),
        "explanation": tax.explanation,
        "lines": [
            {
                "label": line.label,
                "base_idr": line.base_idr,
                "percent": str(line.percent),
                "tax_idr": line.tax_idr,
            }
            for line in tax.lines
        ],
        "tax_idr": tax.tax_idr,
    }
