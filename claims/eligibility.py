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
- tax (PP 68/2009, final): 0 % up to `tax_free_upto`, `tax_rate` % on the part above, counted on the
  cumulative JHT paid to the person, so a partial payout followed by a full claim cannot dodge it.

Rounding: the gross of a partial claim is `percent_of` each KPJ's balance (half up, per KPJ), then
added; the tax is `percent_of` the taxable part, rounded once (portal/money.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _

from claims.models import PARTIAL_REASONS, ClaimReason, DocumentType
from portal.dates import add_months, add_years
from portal.money import percent_of

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


@dataclass(frozen=True)
class Amounts:
    gross_idr: int
    tax_idr: int
    net_idr: int
    per_account: tuple[tuple[int, int], ...]  # (participant_id, gross_idr) debited from each KPJ


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
    """Gross from every KPJ of the person, and the tax on the cumulative amount paid to the person."""
    percent = PARTIAL_PERCENT.get(reason)
    per_account = tuple(
        (a.participant_id, a.balance_idr if percent is None else percent_of(a.balance_idr, percent))
        for a in facts.accounts
    )
    gross = sum(amount for _, amount in per_account)
    tax = tax_on(gross_idr=gross, paid_before_idr=facts.paid_before_idr, rules=facts.rules)
    return Amounts(gross_idr=gross, tax_idr=tax, net_idr=gross - tax, per_account=per_account)


def tax_on(*, gross_idr: int, paid_before_idr: int, rules: ClaimRules) -> int:
    """Final tax on this payout: the rate on the part of the cumulative total above the free amount
    that this payout adds (so earlier payouts use the free amount up first)."""
    free = rules.tax_free_upto_idr
    taxable = max(0, paid_before_idr + gross_idr - free) - max(0, paid_before_idr - free)
    return percent_of(taxable, rules.tax_rate_percent) if taxable else 0


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
