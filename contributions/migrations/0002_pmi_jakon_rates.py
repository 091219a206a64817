"""PMI and Jasa Konstruksi figures as effective-dated rate rows, for the simulator
(docs/contributions.md#pmi, docs/contributions.md#jasa-konstruksi).

Naming follows participants/migrations/0002_rates_and_development.py. Jasa Konstruksi tiers are
marginal: `jkk_tier_<n>_upto` is the tier's upper bound in rupiah for both programmes (the last tier has none);
`jkk_tier_<n>` and `jkm_tier_<n>` are the percents of the part of the contract value inside the tier.
"""

from decimal import Decimal as D

from django.db import migrations

PMI_SOURCE = "Permenaker 4/2023 (PMI)"
JAKON_SOURCE = "Permenaker 44/2015 (Jasa Konstruksi)"
SINCE_PMI = "2023-03-01"
SINCE_JAKON = "2015-07-01"

RATES = [
    # program, segment, component, unit, value, effective_from, source
    ("JKK", "PMI", "pre_departure", "rupiah", D("37500"), SINCE_PMI, PMI_SOURCE),
    ("JKK", "PMI", "placement_6", "rupiah", D("108000"), SINCE_PMI, PMI_SOURCE),
    ("JKK", "PMI", "placement_12", "rupiah", D("189000"), SINCE_PMI, PMI_SOURCE),
    ("JKK", "PMI", "placement_24", "rupiah", D("332500"), SINCE_PMI, PMI_SOURCE),
    ("JKK", "PMI", "extra_month", "rupiah", D("13500"), SINCE_PMI, PMI_SOURCE),
    ("JHT", "PMI", "min", "rupiah", D("50000"), SINCE_PMI, PMI_SOURCE),
    ("JHT", "PMI", "max", "rupiah", D("600000"), SINCE_PMI, PMI_SOURCE),
    ("JHT", "PMI", "step", "rupiah", D("50000"), SINCE_PMI, PMI_SOURCE),
    ("JKK", "JAKON", "jkk_tier_1_upto", "rupiah", D("100000000"), SINCE_JAKON, JAKON_SOURCE),
    ("JKK", "JAKON", "jkk_tier_2_upto", "rupiah", D("500000000"), SINCE_JAKON, JAKON_SOURCE),
    ("JKK", "JAKON", "jkk_tier_3_upto", "rupiah", D("1000000000"), SINCE_JAKON, JAKON_SOURCE),
    ("JKK", "JAKON", "jkk_tier_4_upto", "rupiah", D("5000000000"), SINCE_JAKON, JAKON_SOURCE),
    ("JKK", "JAKON", "jkk_tier_1", "percent", D("0.21"), SINCE_JAKON, JAKON_SOURCE),
    ("JKK", "JAKON", "jkk_tier_2", "percent", D("0.17"), SINCE_JAKON, JAKON_SOURCE),
    ("JKK", "JAKON", "jkk_tier_3", "percent", D("0.13"), SINCE_JAKON, JAKON_SOURCE),
    ("JKK", "JAKON", "jkk_tier_4", "percent", D("0.11"), SINCE_JAKON, JAKON_SOURCE),
    ("JKK", "JAKON", "jkk_tier_5", "percent", D("0.09"), SINCE_JAKON, JAKON_SOURCE),
    ("JKM", "JAKON", "jkm_tier_1", "percent", D("0.03"), SINCE_JAKON, JAKON_SOURCE),
    ("JKM", "JAKON", "jkm_tier_2", "percent", D("0.02"), SINCE_JAKON, JAKON_SOURCE),
    ("JKM", "JAKON", "jkm_tier_3", "percent", D("0.02"), SINCE_JAKON, JAKON_SOURCE),
    ("JKM", "JAKON", "jkm_tier_4", "percent", D("0.01"), SINCE_JAKON, JAKON_SOURCE),
    ("JKM", "JAKON", "jkm_tier_5", "percent", D("0.01"), SINCE_JAKON, JAKON_SOURCE),
]


def load(apps, schema_editor):
    Rate = apps.get_model("participants", "Rate")
    for program, segment, component, unit, value, since, source in RATES:
        Rate.objects.update_or_create(
            program=program,
            segment=segment,
            component=component,
            effective_from=since,
            defaults={"unit": unit, "value": value, "source": source},
        )


def unload(apps, schema_editor):
    Rate = apps.get_model("participants", "Rate")
    Rate.objects.filter(segment__in=["PMI", "JAKON"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0001_initial"),
        ("participants", "0002_rates_and_development"),
    ]

    operations = [migrations.RunPython(load, unload)]
