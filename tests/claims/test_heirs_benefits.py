"""The benefits owed to heirs (claims/heirs, docs/heirs.md): worked examples pinned to the rupiah with the
figures the data migration loads, and the bad inputs refused with a clear error."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from claims.heirs import (
    Benefit,
    BenefitOutcome,
    Cause,
    Child,
    DeathFacts,
    HeirDocument,
    InvalidDeathFacts,
    JhtAccount,
    JpFacts,
    SchoolLevel,
    Segment,
    death_benefits,
    death_rules_on,
)
from claims.heirs.documents import BASE
from claims.heirs.scholarship import entitlement_left_idr
from claims.selectors import claim_rules_on
from participants.rates.models import Rate
from participants.rates.public import COMPONENT_LABELS
from participants.rates.selectors import MissingRate

pytestmark = pytest.mark.django_db

D = HeirDocument
OUT = BenefitOutcome
DEATH = dt.date(2026, 6, 10)
TODAY = dt.date(2026, 7, 1)
EXAMPLES = [
    e
    for e in json.loads((Path(__file__).parent.parent / "data" / "worked_examples.json").read_text("utf-8"))[
        "examples"
    ]
    if e["kind"] == "heirs"
]


def _facts(**overrides: Any) -> DeathFacts:
    """A BPU participant who died of illness, covered that day, 2 years of contributions, no family listed."""
    base = DeathFacts(
        segment=Segment.BPU,
        birth_date=dt.date(1980, 5, 17),
        death_date=DEATH,
        cause=Cause.NATURAL,
        status_on_death="aktif",
        covered_until=dt.date(2026, 6, 30),
        contribution_months=24,
        last_wage_idr=2_000_000,
    )
    return replace(base, **overrides)


def _run(facts: DeathFacts, today: dt.date = TODAY) -> Any:
    return death_benefits(
        facts, rules=death_rules_on(facts.death_date), claim_rules=claim_rules_on(today), today=today
    )


def _one(result: Any, code: str) -> Benefit:
    (benefit,) = result.by_code(code)
    return benefit


def _summary(benefits: list[Benefit]) -> list[tuple[str, str, int, str]]:
    return [(b.code, b.outcome, b.amount_idr, b.reason_code) for b in benefits]


def test_jkm_pays_42_million_to_the_heirs_of_a_covered_bpu() -> None:
    result = _run(_facts())

    assert _summary([b for b in result.benefits if b.program == "JKM"]) == [
        ("jkm_lump_sum", OUT.ELIGIBLE, 20_000_000, ""),
        ("jkm_periodic", OUT.ELIGIBLE, 12_000_000, ""),
        ("jkm_burial", OUT.ELIGIBLE, 10_000_000, ""),
    ]
    assert _one(result, "jkm_periodic").note == "24 x Rp500.000, dibayar sekaligus"
    assert result.payable_now_idr == 42_000_000
    assert result.jkk_difference_idr is None
    # No children, no JHT, BPU: the other benefits say why not.
    assert _summary([_one(result, "jht"), _one(result, "jp")]) == [
        ("jht", OUT.NOT_ELIGIBLE, 0, "no_balance"),
        ("jp", OUT.NOT_ELIGIBLE, 0, "jp_pu_only"),
    ]
    assert result.documents == (D.DEATH_CERTIFICATE, D.KK, D.HEIR_KTP, D.HEIR_STATEMENT, D.BANK_BOOK)


def test_covered_on_the_last_paid_day_but_not_the_day_after() -> None:
    on_last_day = _run(_facts(covered_until=DEATH))
    assert _one(on_last_day, "jkm_lump_sum").outcome == OUT.ELIGIBLE

    lapsed = _run(_facts(covered_until=DEATH - dt.timedelta(days=1)))
    assert _one(lapsed, "jkm_lump_sum").reason_code == "not_covered"


def test_bpu_with_paid_until_lapsed_gets_no_jkm_nor_beasiswa_but_keeps_the_jht() -> None:
    child = Child(name="Sari", birth_date=dt.date(2015, 1, 5), level=SchoolLevel.TK_SD)
    facts = _facts(
        covered_until=dt.date(2026, 4, 30),
        contribution_months=60,
        children=(child,),
        jht_accounts=(JhtAccount(kpj="11000000001", balance_idr=8_000_000),),
    )

    result = _run(facts)

    jkm = [b for b in result.benefits if b.program == "JKM"]
    assert [(b.code, b.outcome, b.amount_idr, b.reason_code) for b in jkm] == [
        ("jkm_lump_sum", OUT.NOT_ELIGIBLE, 0, "not_covered"),
        ("jkm_periodic", OUT.NOT_ELIGIBLE, 0, "not_covered"),
        ("jkm_burial", OUT.NOT_ELIGIBLE, 0, "not_covered"),
        ("beasiswa", OUT.NOT_ELIGIBLE, 0, "not_covered"),
    ]
    assert jkm[0].reason == (
        "Iuran peserta hanya dibayar sampai 30-04-2026, sebelum tanggal meninggal 10-06-2026: "
        "peserta tidak terlindungi JKM atau JKK pada hari itu."
    )
    jht = _one(result, "jht")
    assert (jht.outcome, jht.amount_idr, jht.tax_idr, jht.net_idr) == (OUT.ELIGIBLE, 8_000_000, 0, 8_000_000)
    assert result.payable_now_idr == 8_000_000


def test_pu_nonaktif_on_the_date_of_death_is_not_covered() -> None:
    result = _run(_facts(segment=Segment.PU, status_on_death="nonaktif", covered_until=None))

    assert _one(result, "jkm_lump_sum").reason_code == "not_covered"
    assert result.payable_now_idr == 0


def test_beasiswa_for_two_children_at_different_levels_after_three_years() -> None:
    children = (
        Child(name="Ayu", birth_date=dt.date(2013, 3, 1), level=SchoolLevel.SMP),
        Child(name="Bima", birth_date=dt.date(2006, 9, 9), level=SchoolLevel.PT, years_received_at_level=1),
        Child(name="Citra", birth_date=dt.date(2018, 2, 2), level=SchoolLevel.TK_SD),
    )
    facts = _facts(segment=Segment.PU, contribution_months=36, children=children, has_spouse=True)

    result = _run(facts)

    scholarships = result.by_code("beasiswa")
    assert [
        (b.child, b.outcome, b.amount_idr, b.entitlement_left_idr, b.reason_code) for b in scholarships
    ] == [
        # SMP: Rp2 jt this year; left: 3 x 2 jt + SMA 3 x 3 jt + PT 5 x 12 jt.
        ("Ayu", OUT.ELIGIBLE, 2_000_000, 75_000_000, ""),
        # PT, second year: Rp12 jt; left: 4 x 12 jt.
        ("Bima", OUT.ELIGIBLE, 12_000_000, 48_000_000, ""),
        ("Citra", OUT.NOT_ELIGIBLE, 0, 0, "max_children"),
    ]
    assert scholarships[1].note == "Tahun ke-2 dari paling lama 5 tahun pada jenjang ini"
    assert scholarships[0].documents == (
        D.DEATH_CERTIFICATE,
        D.KK,
        D.HEIR_KTP,
        D.HEIR_STATEMENT,
        D.BANK_BOOK,
        D.BIRTH_CERTIFICATE,
        D.SCHOOL_PROOF,
    )
    # JKM 42 jt + this year's beasiswa 14 jt.
    assert result.payable_now_idr == 56_000_000
    assert D.MARRIAGE_BOOK in result.documents
    assert D.SCHOOL_PROOF in result.documents


def test_beasiswa_refused_one_month_short_of_three_years() -> None:
    children = (
        Child(name="Ayu", birth_date=dt.date(2013, 3, 1), level=SchoolLevel.SMP),
        Child(name="Bima", birth_date=dt.date(2006, 9, 9), level=SchoolLevel.PT),
    )

    result = _run(_facts(contribution_months=35, children=children))

    assert _summary(result.by_code("beasiswa")) == [
        ("beasiswa", OUT.NOT_ELIGIBLE, 0, "contribution_too_short"),
        ("beasiswa", OUT.NOT_ELIGIBLE, 0, "contribution_too_short"),
    ]
    assert result.by_code("beasiswa")[0].reason == (
        "Beasiswa hanya diberikan bila masa iur peserta paling sedikit 3 tahun; masa iur peserta 35 bulan."
    )
    assert D.SCHOOL_PROOF not in result.documents
    assert result.payable_now_idr == 42_000_000


def test_beasiswa_limits_two_children_from_the_start_is_174_million() -> None:
    rules = death_rules_on(DEATH)
    toddler = Child(name="Dodi", birth_date=dt.date(2024, 1, 1), level=SchoolLevel.NOT_YET)
    pupil = Child(name="Eka", birth_date=dt.date(2020, 1, 1), level=SchoolLevel.TK_SD)

    assert entitlement_left_idr(toddler, rules) + entitlement_left_idr(pupil, rules) == 174_000_000
    result = _run(_facts(contribution_months=36, children=(toddler, pupil)))
    assert [(b.outcome, b.amount_idr, b.reason_code) for b in result.by_code("beasiswa")] == [
        (OUT.LATER, 0, "not_yet_at_school"),
        (OUT.ELIGIBLE, 1_500_000, ""),
    ]


def test_beasiswa_ends_at_23_on_marriage_on_work_and_after_the_level_years() -> None:
    children = (
        Child(name="Fajar", birth_date=dt.date(2003, 7, 1), level=SchoolLevel.PT),  # 23 on TODAY
        Child(name="Gita", birth_date=dt.date(2004, 1, 1), level=SchoolLevel.PT, married=True),
        Child(name="Hadi", birth_date=dt.date(2005, 1, 1), level=SchoolLevel.PT, working=True),
        Child(name="Indah", birth_date=dt.date(2008, 1, 1), level=SchoolLevel.SMA, years_received_at_level=3),
        Child(name="Joko", birth_date=dt.date(2003, 7, 2), level=SchoolLevel.PT),  # 23 tomorrow
    )

    result = _run(_facts(contribution_months=120, children=children))

    assert [(b.child, b.outcome, b.amount_idr, b.reason_code) for b in result.by_code("beasiswa")] == [
        ("Fajar", OUT.NOT_ELIGIBLE, 0, "child_too_old"),
        ("Gita", OUT.NOT_ELIGIBLE, 0, "child_married"),
        ("Hadi", OUT.NOT_ELIGIBLE, 0, "child_working"),
        ("Indah", OUT.NOT_ELIGIBLE, 0, "level_years_used"),
        ("Joko", OUT.ELIGIBLE, 12_000_000, ""),
    ]
    # Indah used her slot (her SMA years are over, PT is still ahead: 5 x Rp12 jt).
    assert result.by_code("beasiswa")[3].entitlement_left_idr == 60_000_000


def test_work_accident_death_is_jkk_routed_to_the_branch_with_the_difference() -> None:
    child = Child(name="Kiki", birth_date=dt.date(2016, 4, 4), level=SchoolLevel.TK_SD)
    facts = _facts(
        segment=Segment.PU,
        cause=Cause.WORK_ACCIDENT,
        covered_until=None,
        contribution_months=12,  # under 3 years: no matter for JKK's beasiswa
        last_wage_idr=5_000_000,
        children=(child,),
    )

    result = _run(facts)

    assert _summary([b for b in result.benefits if b.program in ("JKM", "JKK")]) == [
        ("jkm_lump_sum", OUT.NOT_ELIGIBLE, 0, "work_accident"),
        ("jkm_periodic", OUT.NOT_ELIGIBLE, 0, "work_accident"),
        ("jkm_burial", OUT.NOT_ELIGIBLE, 0, "work_accident"),
        # 48 x Rp5 jt + 24 x Rp500.000 + Rp10 jt.
        ("jkk_death", OUT.BRANCH, 262_000_000, "work_accident_branch"),
        ("beasiswa", OUT.BRANCH, 1_500_000, "work_accident_branch"),
    ]
    assert result.jkk_difference_idr == 220_000_000
    assert _one(result, "jkk_death").note == (
        "48 x upah terakhir Rp5.000.000 + santunan berkala Rp12.000.000 + biaya pemakaman Rp10.000.000; "
        "selisih dengan JKM: Rp220.000.000"
    )
    assert D.ACCIDENT_REPORT in result.documents
    assert result.payable_now_idr == 0  # nothing is paid by the heirs' claim itself


def test_jht_of_two_kpjs_is_added_and_taxed_final_within_two_years() -> None:
    accounts = (
        JhtAccount(kpj="11000000001", balance_idr=30_000_000),
        JhtAccount(kpj="22000000002", balance_idr=45_000_000),
    )

    jht = _one(_run(_facts(jht_accounts=accounts)), "jht")

    assert jht.per_account == (("11000000001", 30_000_000), ("22000000002", 45_000_000))
    assert jht.tax is not None
    assert jht.tax.regime == "final"
    # 0 % on the first Rp50 jt, 5 % on the Rp25 jt above.
    assert (jht.amount_idr, jht.tax_idr, jht.net_idr) == (75_000_000, 1_250_000, 73_750_000)
    assert D.NPWP in jht.documents


def test_jht_after_an_earlier_payment_three_years_before_is_taxed_at_the_brackets() -> None:
    accounts = (
        JhtAccount(kpj="11000000001", balance_idr=30_000_000),
        JhtAccount(kpj="22000000002", balance_idr=45_000_000),
    )
    facts = _facts(jht_accounts=accounts, earlier_jht_payments=((dt.date(2023, 5, 2), 10_000_000),))

    jht = _one(_run(facts), "jht")

    assert jht.tax is not None
    assert jht.tax.regime == "progressive"
    # 5 % of Rp60 jt + 15 % of Rp15 jt.
    assert (jht.tax_idr, jht.net_idr) == (5_250_000, 69_750_000)


def _jp(**overrides: Any) -> JpFacts:
    return replace(
        JpFacts(
            contribution_months=60,
            membership_months=60,
            density_percent=100,
            average_wage_idr=5_000_000,
            accumulated_idr=9_000_000,
        ),
        **overrides,
    )


def test_jp_widow_pension_counts_fifteen_years_and_goes_to_the_branch() -> None:
    # Died in 2025: the table has no floor or ceiling for that date.
    facts = _facts(segment=Segment.PU, death_date=dt.date(2025, 6, 10), jp=_jp(), has_spouse=True)

    jp = _one(_run(facts), "jp")

    # 50 % x (1 % x 15 years x Rp5 jt) = 50 % x Rp750.000.
    assert (jp.outcome, jp.amount_idr, jp.monthly, jp.reason_code) == (
        OUT.BRANCH,
        375_000,
        True,
        "jp_monthly_branch",
    )
    assert jp.note == "Perkiraan: 50% x (1% x 180/12 tahun x upah rata-rata Rp5.000.000) per bulan"


def test_jp_pension_is_raised_to_the_floor_in_force() -> None:
    facts = _facts(segment=Segment.PU, jp=_jp(), has_spouse=True)

    assert _one(_run(facts), "jp").amount_idr == 411_400  # the 2026 floor


def test_jp_parents_of_a_single_participant_with_a_long_masa_iur() -> None:
    facts = _facts(
        segment=Segment.PU, jp=_jp(contribution_months=240, average_wage_idr=10_000_000), has_parent=True
    )

    # 20 % x (1 % x 20 years x Rp10 jt) = 20 % x Rp2 jt.
    assert _one(_run(facts), "jp").amount_idr == 411_400  # Rp400.000 raised to the floor
    facts = replace(facts, death_date=dt.date(2025, 6, 10))
    assert _one(_run(facts), "jp").amount_idr == 400_000


def test_jp_lump_sum_when_membership_or_density_falls_short() -> None:
    short = _facts(segment=Segment.PU, jp=_jp(contribution_months=8, membership_months=8), has_spouse=True)
    sparse = _facts(segment=Segment.PU, jp=_jp(density_percent=79), has_spouse=True)
    nobody = _facts(segment=Segment.PU, jp=_jp())

    assert _summary([_one(_run(short), "jp"), _one(_run(sparse), "jp"), _one(_run(nobody), "jp")]) == [
        ("jp", OUT.ELIGIBLE, 9_000_000, "jp_lump_sum"),
        ("jp", OUT.ELIGIBLE, 9_000_000, "jp_lump_sum"),
        ("jp", OUT.BRANCH, 9_000_000, "jp_no_survivor"),
    ]


def test_death_in_the_future_is_refused() -> None:
    facts = _facts(death_date=TODAY + dt.timedelta(days=1))

    with pytest.raises(InvalidDeathFacts) as error:
        death_benefits(facts, rules=death_rules_on(DEATH), claim_rules=claim_rules_on(TODAY), today=TODAY)
    assert str(error.value) == "Tanggal meninggal tidak boleh setelah hari ini."


def test_death_before_birth_is_refused() -> None:
    facts = _facts(birth_date=DEATH + dt.timedelta(days=1))

    with pytest.raises(InvalidDeathFacts) as error:
        _run(facts)
    assert str(error.value) == "Tanggal meninggal tidak boleh sebelum tanggal lahir peserta."


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"contribution_months": -1}, "Masa iur dan upah tidak boleh negatif."),
        ({"jht_accounts": (JhtAccount(kpj="1", balance_idr=-5),)}, "Saldo JHT tidak boleh negatif."),
        (
            {"jht_accounts": (JhtAccount(kpj="1", balance_idr=5), JhtAccount(kpj="1", balance_idr=6))},
            "Satu KPJ tercatat lebih dari satu kali.",
        ),
        (
            {"children": (Child(name="Lia", birth_date=dt.date(2027, 1, 1), level=SchoolLevel.NOT_YET),)},
            "Tanggal lahir anak Lia tidak boleh setelah hari ini.",
        ),
        ({"jp": _jp(density_percent=101)}, "Tingkat kepadatan iuran JP harus antara 0 dan 100 persen."),
    ],
)
def test_impossible_facts_are_refused_with_the_fact_named(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidDeathFacts) as error:
        _run(_facts(**overrides))
    assert str(error.value) == message


def test_rules_of_another_date_are_refused() -> None:
    with pytest.raises(ValueError, match="date of death"):
        death_benefits(_facts(), rules=death_rules_on(TODAY), claim_rules=claim_rules_on(TODAY), today=TODAY)


def test_no_figures_before_pp_82_2019() -> None:
    with pytest.raises(MissingRate, match="JKM/ALL/lump_sum"):
        death_rules_on(dt.date(2019, 12, 1))
    assert death_rules_on(dt.date(2019, 12, 2)).jkm_lump_sum_idr == 20_000_000


def test_death_rules_are_read_in_one_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        rules = death_rules_on(DEATH)
    assert rules.scholarship == {
        SchoolLevel.TK_SD: (1_500_000, 8),
        SchoolLevel.SMP: (2_000_000, 3),
        SchoolLevel.SMA: (3_000_000, 3),
        SchoolLevel.PT: (12_000_000, 5),
    }
    assert (rules.jp.spouse_share, rules.jp.child_share, rules.jp.parent_share) == (
        Decimal(50),
        Decimal(50),
        Decimal(20),
    )


def test_every_heirs_figure_carries_a_source_and_a_confidence() -> None:
    rows = Rate.objects.filter(program__in=("JKM", "JKK"), segment="ALL") | Rate.objects.filter(
        program="JP", component__startswith="survivor_"
    )
    assert rows.count() == 25
    for row in rows:
        assert row.source.strip(), row
        assert row.confidence in ("firm", "likely"), row


def test_base_documents_are_in_every_owed_benefit() -> None:
    result = _run(_facts(jht_accounts=(JhtAccount(kpj="1", balance_idr=1),)))
    for benefit in result.benefits:
        if benefit.outcome != OUT.NOT_ELIGIBLE:
            assert set(BASE) <= set(benefit.documents), benefit.code


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["id"] for e in EXAMPLES])
def test_published_heirs_example(example: dict[str, Any]) -> None:
    """A published figure (tests/data/worked_examples.json, kind `heirs`) reproduced to the rupiah."""
    inputs = example["inputs"]
    death = dt.date.fromisoformat(inputs["on"])
    rules = death_rules_on(death)
    children = tuple(
        Child(name=f"anak {n}", birth_date=death - dt.timedelta(days=365 * 5), level=SchoolLevel.NOT_YET)
        for n in range(inputs.get("children", 0))
    )
    result = death_benefits(
        _facts(
            death_date=death,
            covered_until=death,
            contribution_months=inputs["contribution_months"],
            children=children,
        ),
        rules=rules,
        claim_rules=claim_rules_on(TODAY),
        today=death,
    )
    got = {
        "jkm_total_idr": sum(b.amount_idr for b in result.benefits if b.code.startswith("jkm_")),
        "jkm_lump_sum_idr": _one(result, "jkm_lump_sum").amount_idr,
        "scholarship_max_idr": sum(b.entitlement_left_idr for b in result.by_code("beasiswa")),
    }
    assert {key: got[key] for key in example["expected"]} == example["expected"]


def test_reasons_and_documents_read_in_english() -> None:
    facts = _facts(
        covered_until=dt.date(2026, 4, 30), jht_accounts=(JhtAccount(kpj="11000000001", balance_idr=1_000),)
    )
    with translation.override("en"):
        result = _run(facts)
        labels = [d.label for d in result.documents]

    assert _one(result, "jkm_lump_sum").reason == (
        "The participant's contributions were paid only up to 30-04-2026, before the date of death "
        "10-06-2026: the participant was not protected by JKM or JKK that day."
    )
    assert labels == [
        "Death certificate or death letter",
        "The participant's family card (Kartu Keluarga)",
        "Each heir's KTP",
        "Heirs' statement letter (surat keterangan ahli waris)",
        "Bank book of the receiving heir",
    ]


def test_pmi_is_covered_within_its_protection_period() -> None:
    covered = _run(_facts(segment=Segment.PMI, covered_until=dt.date(2026, 12, 31)))
    expired = _run(_facts(segment=Segment.PMI, covered_until=dt.date(2026, 1, 31)))

    assert covered.payable_now_idr == 42_000_000
    assert _one(expired, "jkm_burial").reason_code == "not_covered"


def test_every_heirs_figure_has_a_public_label() -> None:
    components = set(
        Rate.objects.filter(program__in=("JKM", "JKK"), segment="ALL").values_list("component", flat=True)
    ) | {"benefit_percent_per_year", "survivor_min_years", "survivor_spouse_share"}
    assert components - set(COMPONENT_LABELS) == set()
