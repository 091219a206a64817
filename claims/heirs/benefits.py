"""Every benefit the heirs are owed for one death: a pure function over facts and figures (docs/heirs.md).

Rules, each with its source in docs/heirs.md:
- JKM (death not caused by work) when the deceased was covered on the date of death: santunan sekaligus,
  santunan berkala (24 months, paid at once) and biaya pemakaman;
- covered means: PU with membership aktif on that day; BPU and PMI with protection paid up to that day
  (`covered_until` on or after the date of death) — a lapsed BPU gets no JKM or JKK;
- death by work accident is JKK, not JKM: 48 x the last wage plus periodic and burial benefits, decided by
  the branch on the employer's accident report; the difference with JKM is shown;
- beasiswa per child (scholarship.py); JP for PU (pension.py);
- JHT of every KPJ of the NIK, whatever the cause and the coverage, taxed like every JHT payment
  (`claims.eligibility.tax_calculation`, on the date of payment).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from claims.eligibility import ClaimRules, tax_calculation
from claims.heirs.base import Benefit, BenefitOutcome, family_documents
from claims.heirs.documents import HeirDocument, ordered
from claims.heirs.facts import Cause, DeathFacts, Segment
from claims.heirs.pension import jp_benefit
from claims.heirs.rules import DeathRules
from claims.heirs.scholarship import scholarship_benefits
from portal.money import format_rupiah


@dataclass(frozen=True)
class DeathBenefits:
    benefits: tuple[Benefit, ...]
    # Everything the case needs, once: the union of what the owed benefits need.
    documents: tuple[HeirDocument, ...]
    # JKK minus JKM when the death is a work accident (what the family gains by the JKK route).
    jkk_difference_idr: int | None = None

    @property
    def payable_now_idr(self) -> int:
        """Net of tax, the benefits the heirs' claim itself pays."""
        return sum(b.net_idr for b in self.benefits if b.outcome == BenefitOutcome.ELIGIBLE)

    def by_code(self, code: str) -> list[Benefit]:
        return [b for b in self.benefits if b.code == code]


def coverage_refusal(facts: DeathFacts) -> tuple[str, str] | None:
    """(code, reason) when the deceased was not protected by JKM/JKK on the date of death."""
    if facts.segment == Segment.PU:
        if facts.status_on_death != "aktif":
            return "not_covered", _(
                "Kepesertaan peserta sudah nonaktif pada tanggal meninggal, sehingga tidak ada perlindungan "
                "JKM atau JKK pada hari itu."
            )
        return None
    if facts.covered_until is None or facts.covered_until < facts.death_date:
        paid = facts.covered_until.strftime("%d-%m-%Y") if facts.covered_until else "-"
        return "not_covered", _(
            "Iuran peserta hanya dibayar sampai %(paid)s, sebelum tanggal meninggal %(death)s: "
            "peserta tidak terlindungi JKM atau JKK pada hari itu."
        ) % {"paid": paid, "death": facts.death_date.strftime("%d-%m-%Y")}
    return None


def jkm_total_idr(rules: DeathRules) -> int:
    return (
        rules.jkm_lump_sum_idr
        + rules.jkm_periodic_monthly_idr * rules.jkm_periodic_months
        + rules.jkm_burial_idr
    )


def jkk_total_idr(facts: DeathFacts, rules: DeathRules) -> int:
    return (
        facts.last_wage_idr * rules.jkk_wage_multiple
        + rules.jkk_periodic_monthly_idr * rules.jkk_periodic_months
        + rules.jkk_burial_idr
    )


def _jkm(facts: DeathFacts, rules: DeathRules, refusal: tuple[str, str] | None) -> list[Benefit]:
    periodic = rules.jkm_periodic_monthly_idr * rules.jkm_periodic_months
    lines = (
        ("jkm_lump_sum", _("Santunan kematian sekaligus"), rules.jkm_lump_sum_idr, ""),
        (
            "jkm_periodic",
            _("Santunan berkala"),
            periodic,
            _("%(months)s x %(monthly)s, dibayar sekaligus")
            % {"months": rules.jkm_periodic_months, "monthly": format_rupiah(rules.jkm_periodic_monthly_idr)},
        ),
        ("jkm_burial", _("Biaya pemakaman"), rules.jkm_burial_idr, ""),
    )
    if facts.cause == Cause.WORK_ACCIDENT:
        refusal = refusal or (
            "work_accident",
            _("Peserta meninggal karena kecelakaan kerja: manfaatnya dibayar dari JKK, bukan JKM."),
        )
    documents = ordered(family_documents(facts))
    if refusal is not None:
        code, reason = refusal
        return [
            Benefit(
                code=c,
                program="JKM",
                label=label,
                outcome=BenefitOutcome.NOT_ELIGIBLE,
                reason_code=code,
                reason=reason,
            )
            for c, label, _amount, _note in lines
        ]
    return [
        Benefit(
            code=c,
            program="JKM",
            label=label,
            outcome=BenefitOutcome.ELIGIBLE,
            amount_idr=amount,
            documents=documents,
            note=note,
        )
        for c, label, amount, note in lines
    ]


def _jkk(facts: DeathFacts, rules: DeathRules, refusal: tuple[str, str] | None) -> Benefit:
    label = _("Santunan kematian karena kecelakaan kerja (JKK)")
    if refusal is not None:
        return Benefit(
            code="jkk_death",
            program="JKK",
            label=label,
            outcome=BenefitOutcome.NOT_ELIGIBLE,
            reason_code=refusal[0],
            reason=refusal[1],
        )
    total = jkk_total_idr(facts, rules)
    difference = total - jkm_total_idr(rules)
    return Benefit(
        code="jkk_death",
        program="JKK",
        label=label,
        outcome=BenefitOutcome.BRANCH,
        amount_idr=total,
        reason_code="work_accident_branch",
        reason=_(
            "Kematian karena kecelakaan kerja diputuskan dan dibayar oleh kantor cabang berdasarkan laporan "
            "kecelakaan kerja dari pemberi kerja."
        ),
        documents=ordered(family_documents(facts) | {HeirDocument.ACCIDENT_REPORT}),
        note=_(
            "%(multiple)s x upah terakhir %(wage)s + santunan berkala %(periodic)s + "
            "biaya pemakaman %(burial)s; selisih dengan JKM: %(difference)s"
        )
        % {
            "multiple": rules.jkk_wage_multiple,
            "wage": format_rupiah(facts.last_wage_idr),
            "periodic": format_rupiah(rules.jkk_periodic_monthly_idr * rules.jkk_periodic_months),
            "burial": format_rupiah(rules.jkk_burial_idr),
            "difference": format_rupiah(difference),
        },
    )


def _jht(facts: DeathFacts, claim_rules: ClaimRules, today: dt.date) -> Benefit:
    label = _("Saldo JHT seluruh KPJ")
    per_account = tuple((a.kpj, a.balance_idr) for a in facts.jht_accounts)
    gross = sum(balance for _kpj, balance in per_account)
    if gross <= 0:
        return Benefit(
            code="jht",
            program="JHT",
            label=label,
            outcome=BenefitOutcome.NOT_ELIGIBLE,
            reason_code="no_balance",
            reason=_("Tidak ada saldo JHT pada KPJ peserta."),
            per_account=per_account,
        )
    tax = tax_calculation(
        gross_idr=gross, payment_date=today, earlier_payments=facts.earlier_jht_payments, rules=claim_rules
    )
    documents = family_documents(facts)
    if gross > claim_rules.npwp_threshold_idr:
        documents.add(HeirDocument.NPWP)
    return Benefit(
        code="jht",
        program="JHT",
        label=label,
        outcome=BenefitOutcome.ELIGIBLE,
        amount_idr=gross,
        documents=ordered(documents),
        per_account=per_account,
        tax=tax,
        note=tax.explanation,
    )


def death_benefits(
    facts: DeathFacts, *, rules: DeathRules, claim_rules: ClaimRules, today: dt.date
) -> DeathBenefits:
    """Every benefit owed for the death in `facts`, as of `today` (JHT tax and the children's ages are taken
    on `today`; the JKM/JKK/JP figures are those in force on the date of death: `rules` must be read for it).

    Pure and deterministic. Raises InvalidDeathFacts for impossible facts (a death in the future or before
    birth, negative amounts) and ValueError when `rules` are not the figures of the date of death."""
    facts.validate(today)
    if rules.on != facts.death_date:
        raise ValueError("rules must be the figures in force on the date of death")
    refusal = coverage_refusal(facts)
    benefits = _jkm(facts, rules, refusal)
    difference = None
    if facts.cause == Cause.WORK_ACCIDENT:
        jkk = _jkk(facts, rules, refusal)
        benefits.append(jkk)
        if jkk.outcome == BenefitOutcome.BRANCH:
            difference = jkk.amount_idr - jkm_total_idr(rules)
    benefits += scholarship_benefits(facts, rules, refusal, today)
    benefits.append(_jht(facts, claim_rules, today))
    benefits.append(jp_benefit(facts, rules))
    owed = (BenefitOutcome.ELIGIBLE, BenefitOutcome.BRANCH, BenefitOutcome.LATER)
    documents: set[HeirDocument] = set()
    for benefit in benefits:
        if benefit.outcome in owed:
            documents |= set(benefit.documents)
    return DeathBenefits(
        benefits=tuple(benefits), documents=ordered(documents), jkk_difference_idr=difference
    )
