"""JP (Jaminan Pensiun) for the survivors of a PU participant who died before pension age
(docs/heirs.md#jp; PP 45/2015, Permenaker 29/2015 Pasal 26).

- Who: the widow or widower; without one, the children; without either, the parents. Their monthly pension is
  a share of the formula 1 % x masa iur (years) x the average wage (spouse 50 %, child 50 %, parent 20 %).
- A masa iur under 15 years counts as 15 when the deceased had been a member at least 1 year and paid with a
  density of at least 80 %; otherwise the benefit is paid at once: contributions plus development.
- The monthly benefit stays within the floor and ceiling of the table when the table has them for the date.
- Paying a monthly pension is handed to the branch (it runs for years and needs yearly checks); the lump
  sum is payable through the heirs' claim. Rounding: the formula rounded once, the share rounded once
  (portal/money.py).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from claims.heirs.base import Benefit, BenefitOutcome, family_documents
from claims.heirs.documents import ordered
from claims.heirs.facts import DeathFacts, Segment
from claims.heirs.rules import DeathRules
from portal.dates import add_years
from portal.money import format_rupiah, percent_of


def _survivor(facts: DeathFacts, rules: DeathRules) -> tuple[str, Decimal] | None:
    jp = rules.jp
    if facts.has_spouse:
        return _("janda/duda"), jp.spouse_share
    max_age = rules.scholarship_max_age  # the same age limit ends a child's pension (docs/heirs.md#jp)
    if any(
        not c.married and not c.working and rules.on < add_years(c.birth_date, max_age)
        for c in facts.children
    ):
        return _("anak"), jp.child_share
    if facts.has_parent:
        return _("orang tua"), jp.parent_share
    return None


def jp_benefit(facts: DeathFacts, rules: DeathRules) -> Benefit:
    label = _("Jaminan Pensiun (JP)")
    if facts.segment != Segment.PU:
        return Benefit(
            code="jp",
            program="JP",
            label=label,
            outcome=BenefitOutcome.NOT_ELIGIBLE,
            reason_code="jp_pu_only",
            reason=_("Jaminan Pensiun hanya untuk peserta penerima upah (PU)."),
        )
    jp_facts = facts.jp
    if jp_facts is None or jp_facts.contribution_months == 0:
        return Benefit(
            code="jp",
            program="JP",
            label=label,
            outcome=BenefitOutcome.NOT_ELIGIBLE,
            reason_code="jp_no_contribution",
            reason=_("Tidak ada iuran JP yang tercatat."),
        )
    jp = rules.jp
    documents = ordered(family_documents(facts))
    survivor = _survivor(facts, rules)
    full_years = jp_facts.contribution_months >= jp.survivor_min_years * 12
    counted_as_minimum = (
        jp_facts.membership_months >= jp.min_membership_months
        and jp_facts.density_percent >= jp.min_density_percent
    )
    if survivor is None or not (full_years or counted_as_minimum):
        reason = (
            _("Tidak ada janda/duda, anak, atau orang tua yang berhak atas pensiun bulanan.")
            if survivor is None
            else _(
                "Masa iur kurang dari %(years)s tahun dan syarat kepesertaan %(months)s bulan "
                "dengan kepadatan iuran %(density)s%% tidak terpenuhi: JP dibayar sekaligus."
            )
            % {
                "years": jp.survivor_min_years,
                "months": jp.min_membership_months,
                "density": jp.min_density_percent,
            }
        )
        return Benefit(
            code="jp",
            program="JP",
            label=label,
            # Without a survivor the branch decides who receives the lump sum (docs/heirs.md#jp).
            outcome=BenefitOutcome.ELIGIBLE if survivor is not None else BenefitOutcome.BRANCH,
            amount_idr=jp_facts.accumulated_idr,
            reason_code="jp_lump_sum" if survivor is not None else "jp_no_survivor",
            reason=reason,
            documents=documents,
            note=_("Akumulasi iuran JP ditambah hasil pengembangannya"),
        )
    months = jp_facts.contribution_months if full_years else jp.survivor_min_years * 12
    formula = percent_of(jp_facts.average_wage_idr, jp.percent_per_year * Decimal(months) / 12)
    who, share = survivor
    monthly: int = percent_of(formula, share)
    if jp.benefit_min_idr is not None:
        monthly = max(monthly, jp.benefit_min_idr)
    if jp.benefit_max_idr is not None:
        monthly = min(monthly, jp.benefit_max_idr)
    return Benefit(
        code="jp",
        program="JP",
        label=label,
        outcome=BenefitOutcome.BRANCH,
        amount_idr=monthly,
        monthly=True,
        reason_code="jp_monthly_branch",
        reason=_(
            "Pensiun bulanan untuk %(who)s dibayar setiap bulan oleh kantor cabang, dengan "
            "pemeriksaan status penerima setiap tahun."
        )
        % {"who": who},
        documents=documents,
        note=_(
            "Perkiraan: %(share)s%% x (%(per_year)s%% x %(months)s/12 tahun x upah rata-rata %(wage)s) "
            "per bulan"
        )
        % {
            "share": format(share.normalize(), "f"),
            "per_year": format(jp.percent_per_year.normalize(), "f"),
            "months": months,
            "wage": format_rupiah(jp_facts.average_wage_idr),
        },
    )
