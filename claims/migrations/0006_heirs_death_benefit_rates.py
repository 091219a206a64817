"""The figures of the benefits owed to heirs (issue 20) as rate rows: JKM, beasiswa, the JKK death benefit and
the JP survivor rules. Read by `claims.heirs.rules.death_rules_on`; sources in docs/heirs.md.

Every row starts on 2 December 2019, the day PP 82/2019 (amending PP 44/2015) took effect; the earlier JKM
figures (Rp24 juta, one child's Rp12 juta beasiswa after 5 years) are not loaded, so a death before that day
has no figures and is left to the branch. The JP survivor rules are older (PP 45/2015, Permenaker 29/2015:
the programme started 1 July 2015). `load` is idempotent (the test suite reloads data migrations).
"""

from decimal import Decimal as D

from django.db import migrations

FIRM, LIKELY = "firm", "likely"
PP82 = "PP 82/2019 (perubahan PP 44/2015, manfaat JKM), berlaku 2 Desember 2019"
PP82_BEASISWA = (
    "PP 82/2019 (beasiswa paling banyak 2 anak, masa iur 3 tahun, per tahun per jenjang); "
    "rincian tahun per jenjang: BPJS Ketenagakerjaan, siaran pers Januari 2020"
)
PP82_JKK = "PP 82/2019 (JKK: santunan kematian 48 x upah, berkala 24 x Rp500.000, pemakaman Rp10 juta)"
PM29 = (
    "Permenaker 29/2015 Pasal 26 (masa iur disetarakan 15 tahun: kepesertaan >= 1 tahun, kepadatan >= 80 %)"
)
PP45 = "PP 45/2015 (formula manfaat pensiun 1 % x masa iur x upah rata-rata)"
PP45_SHARES = "PP 45/2015 (pensiun janda/duda 50 %, anak 50 %, orang tua 20 % dari formula), perlu dicek"

SINCE_PP82 = "2019-12-02"
SINCE_JP = "2015-07-01"

RATES = [
    # program, segment, component, unit, value, effective_from, source, confidence
    ("JKM", "ALL", "lump_sum", "rupiah", D("20000000"), SINCE_PP82, PP82, FIRM),
    ("JKM", "ALL", "periodic_monthly", "rupiah", D("500000"), SINCE_PP82, PP82, FIRM),
    ("JKM", "ALL", "periodic_months", "count", D("24"), SINCE_PP82, PP82, FIRM),
    ("JKM", "ALL", "burial", "rupiah", D("10000000"), SINCE_PP82, PP82, FIRM),
    ("JKM", "ALL", "scholarship_min_years", "count", D("3"), SINCE_PP82, PP82_BEASISWA, FIRM),
    ("JKM", "ALL", "scholarship_max_children", "count", D("2"), SINCE_PP82, PP82_BEASISWA, FIRM),
    ("JKM", "ALL", "scholarship_max_age", "count", D("23"), SINCE_PP82, PP82_BEASISWA, FIRM),
    ("JKM", "ALL", "scholarship_tk_sd", "rupiah", D("1500000"), SINCE_PP82, PP82_BEASISWA, FIRM),
    ("JKM", "ALL", "scholarship_tk_sd_years", "count", D("8"), SINCE_PP82, PP82_BEASISWA, FIRM),
    ("JKM", "ALL", "scholarship_smp", "rupiah", D("2000000"), SINCE_PP82, PP82_BEASISWA, FIRM),
    ("JKM", "ALL", "scholarship_smp_years", "count", D("3"), SINCE_PP82, PP82_BEASISWA, FIRM),
    ("JKM", "ALL", "scholarship_sma", "rupiah", D("3000000"), SINCE_PP82, PP82_BEASISWA, FIRM),
    ("JKM", "ALL", "scholarship_sma_years", "count", D("3"), SINCE_PP82, PP82_BEASISWA, FIRM),
    ("JKM", "ALL", "scholarship_pt", "rupiah", D("12000000"), SINCE_PP82, PP82_BEASISWA, FIRM),
    ("JKM", "ALL", "scholarship_pt_years", "count", D("5"), SINCE_PP82, PP82_BEASISWA, FIRM),
    ("JKK", "ALL", "death_wage_multiple", "count", D("48"), SINCE_PP82, PP82_JKK, FIRM),
    ("JKK", "ALL", "death_periodic_monthly", "rupiah", D("500000"), SINCE_PP82, PP82_JKK, FIRM),
    ("JKK", "ALL", "death_periodic_months", "count", D("24"), SINCE_PP82, PP82_JKK, FIRM),
    ("JKK", "ALL", "death_burial", "rupiah", D("10000000"), SINCE_PP82, PP82_JKK, FIRM),
    ("JP", "PU", "benefit_percent_per_year", "percent", D("1"), SINCE_JP, PP45, FIRM),
    ("JP", "PU", "survivor_min_years", "count", D("15"), SINCE_JP, PM29, FIRM),
    ("JP", "PU", "survivor_min_membership_months", "count", D("12"), SINCE_JP, PM29, FIRM),
    ("JP", "PU", "survivor_min_density", "percent", D("80"), SINCE_JP, PM29, FIRM),
    ("JP", "PU", "survivor_spouse_share", "percent", D("50"), SINCE_JP, PP45_SHARES, LIKELY),
    ("JP", "PU", "survivor_child_share", "percent", D("50"), SINCE_JP, PP45_SHARES, LIKELY),
    ("JP", "PU", "survivor_parent_share", "percent", D("20"), SINCE_JP, PP45_SHARES, LIKELY),
]


def load(apps, schema_editor):
    Rate = apps.get_model("participants", "Rate")
    for program, segment, component, unit, value, since, source, confidence in RATES:
        Rate.objects.update_or_create(
            program=program,
            segment=segment,
            component=component,
            effective_from=since,
            defaults={"unit": unit, "value": value, "source": source, "confidence": confidence},
        )


def unload(apps, schema_editor):
    Rate = apps.get_model("participants", "Rate")
    for program, segment, component, _unit, _value, since, _source, _confidence in RATES:
        Rate.objects.filter(
            program=program, segment=segment, component=component, effective_from=since
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0005_claim_branch"),
        ("participants", "0012_participant_contact_source"),
    ]

    operations = [migrations.RunPython(load, unload)]
