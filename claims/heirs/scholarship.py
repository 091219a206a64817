"""Beasiswa for the deceased's children (docs/heirs.md#beasiswa, PP 82/2019).

- For at most `scholarship_max_children` (2) children; with a JKM death only when the contribution period
  reached `scholarship_min_years` (3) years; with a work-accident death (JKK) without that condition, paid
  through the branch with the JKK.
- Per child and school year, the amount of the child's level, for at most the level's number of years; a child
  not yet at school keeps the right until school starts; the right ends at `scholarship_max_age` (23), on
  marriage or on starting work.
- Which two children (ours: the regulation names no order): the first two in the order the heirs list them
  among those who still qualify personally (age, marriage, work, still at school or not yet).
- Claimed again every year with proof of school, so each line is this year's payment; `entitlement_left_idr`
  is what remains for the child over this level and the levels to come.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from claims.heirs.base import Benefit, BenefitOutcome
from claims.heirs.documents import BASE, HeirDocument, ordered
from claims.heirs.facts import Cause, Child, DeathFacts, SchoolLevel
from claims.heirs.rules import SCHOLARSHIP_LEVELS, DeathRules
from portal.dates import add_years


def entitlement_left_idr(child: Child, rules: DeathRules) -> int:
    """What the child can still receive: the years left at the current level and every later level in full."""
    if child.level == SchoolLevel.FINISHED:
        return 0
    if child.level == SchoolLevel.NOT_YET:
        return sum(amount * years for amount, years in rules.scholarship.values())
    index = SCHOLARSHIP_LEVELS.index(child.level)
    amount, years = rules.scholarship[child.level]
    left = max(0, years - child.years_received_at_level) * amount
    return left + sum(
        a * y for level in SCHOLARSHIP_LEVELS[index + 1 :] for a, y in [rules.scholarship[level]]
    )


def _personal_refusal(child: Child, rules: DeathRules, today: dt.date) -> tuple[str, str] | None:
    if today >= add_years(child.birth_date, rules.scholarship_max_age):
        return "child_too_old", _("Beasiswa berakhir saat anak berusia %(age)s tahun.") % {
            "age": rules.scholarship_max_age
        }
    if child.married:
        return "child_married", _("Beasiswa berakhir saat anak menikah.")
    if child.working:
        return "child_working", _("Beasiswa berakhir saat anak sudah bekerja.")
    if child.level == SchoolLevel.FINISHED:
        return "not_in_school", _("Anak tidak lagi bersekolah atau kuliah.")
    return None


def scholarship_benefits(
    facts: DeathFacts, rules: DeathRules, coverage_refusal: tuple[str, str] | None, today: dt.date
) -> list[Benefit]:
    work_accident = facts.cause == Cause.WORK_ACCIDENT
    common_refusal = coverage_refusal
    if (
        common_refusal is None
        and not work_accident
        and facts.contribution_months < rules.scholarship_min_years * 12
    ):
        common_refusal = (
            "contribution_too_short",
            _(
                "Beasiswa hanya diberikan bila masa iur peserta paling sedikit %(years)s tahun; "
                "masa iur peserta %(months)s bulan."
            )
            % {"years": rules.scholarship_min_years, "months": facts.contribution_months},
        )
    benefits: list[Benefit] = []
    slots = rules.scholarship_max_children
    for child in facts.children:
        refusal = common_refusal or _personal_refusal(child, rules, today)
        if refusal is None and slots == 0:
            refusal = (
                "max_children",
                _("Beasiswa hanya untuk paling banyak %(count)s anak.")
                % {"count": rules.scholarship_max_children},
            )
        if refusal is not None:
            benefits.append(
                _line(
                    child,
                    work_accident,
                    BenefitOutcome.NOT_ELIGIBLE,
                    reason_code=refusal[0],
                    reason=refusal[1],
                )
            )
            continue
        slots -= 1
        benefits.append(_child_benefit(child, rules, work_accident))
    return benefits


def _line(child: Child, work_accident: bool, outcome: BenefitOutcome, **fields: Any) -> Benefit:
    return Benefit(
        code="beasiswa",
        program="JKK" if work_accident else "JKM",
        label=_("Beasiswa pendidikan anak"),
        child=child.name,
        outcome=outcome,
        **fields,
    )


def _child_benefit(child: Child, rules: DeathRules, work_accident: bool) -> Benefit:
    left = entitlement_left_idr(child, rules)
    documents = set(BASE) | {HeirDocument.BIRTH_CERTIFICATE}
    if child.level == SchoolLevel.NOT_YET:
        return _line(
            child,
            work_accident,
            BenefitOutcome.LATER,
            reason_code="not_yet_at_school",
            reason=_("Anak belum bersekolah: beasiswa diajukan saat anak mulai sekolah."),
            documents=ordered(documents),
            entitlement_left_idr=left,
        )
    amount, years = rules.scholarship[child.level]
    if child.years_received_at_level >= years:
        return _line(
            child,
            work_accident,
            BenefitOutcome.NOT_ELIGIBLE,
            reason_code="level_years_used",
            reason=_("Beasiswa jenjang ini sudah diterima %(years)s tahun, batas jenjang ini.")
            % {"years": years},
            entitlement_left_idr=left,
        )
    documents.add(HeirDocument.SCHOOL_PROOF)
    if work_accident:
        documents.add(HeirDocument.ACCIDENT_REPORT)
    return _line(
        child,
        work_accident,
        BenefitOutcome.BRANCH if work_accident else BenefitOutcome.ELIGIBLE,
        amount_idr=amount,
        reason_code="work_accident_branch" if work_accident else "",
        reason=_("Dibayar bersama JKK oleh kantor cabang.") if work_accident else "",
        documents=ordered(documents),
        note=_("Tahun ke-%(year)s dari paling lama %(years)s tahun pada jenjang ini")
        % {"year": child.years_received_at_level + 1, "years": years},
        entitlement_left_idr=left,
    )
