"""Load the programme's rates (docs/contributions.md) and the published JHT development returns
(docs/balance.md#development-return).

Sources and confidence are in those pages. Values marked "to verify" were not in the
research and come from BPJS Ketenagakerjaan's yearly JP wage-cap announcements as remembered; staff can
correct them in the admin (rates are data, not code).
"""

from decimal import Decimal

from django.db import migrations

D = Decimal
PP_1993 = "PP 14/1993 (rates unchanged by PP 44/2015 and PP 46/2015)"
RATES = [
    # program, segment, component, unit, value, effective_from, source
    ("JHT", "PU", "employer", "percent", D("3.7"), "1993-01-01", PP_1993),
    ("JHT", "PU", "worker", "percent", D("2"), "1993-01-01", PP_1993),
    ("JKM", "PU", "employer", "percent", D("0.30"), "1993-01-01", PP_1993),
    ("JKK", "PU", "risk_1", "percent", D("0.24"), "1993-01-01", PP_1993),
    ("JKK", "PU", "risk_2", "percent", D("0.54"), "1993-01-01", PP_1993),
    ("JKK", "PU", "risk_3", "percent", D("0.89"), "1993-01-01", PP_1993),
    ("JKK", "PU", "risk_4", "percent", D("1.27"), "1993-01-01", PP_1993),
    ("JKK", "PU", "risk_5", "percent", D("1.74"), "1993-01-01", PP_1993),
    # JP did not exist before July 2015: zero rates keep every period computable.
    ("JP", "PU", "employer", "percent", D("0"), "1993-01-01", "JP started 1 July 2015 (PP 45/2015)"),
    ("JP", "PU", "worker", "percent", D("0"), "1993-01-01", "JP started 1 July 2015 (PP 45/2015)"),
    ("JP", "PU", "wage_cap", "rupiah", D("0"), "1993-01-01", "JP started 1 July 2015 (PP 45/2015)"),
    ("JP", "PU", "employer", "percent", D("2"), "2015-07-01", "PP 45/2015"),
    ("JP", "PU", "worker", "percent", D("1"), "2015-07-01", "PP 45/2015"),
    ("JP", "PU", "wage_cap", "rupiah", D("7000000"), "2015-07-01", "PP 45/2015"),
    ("JP", "PU", "wage_cap", "rupiah", D("7335300"), "2016-03-01", "BPJS TK JP wage cap 2016 (to verify)"),
    ("JP", "PU", "wage_cap", "rupiah", D("7703500"), "2017-03-01", "BPJS TK JP wage cap 2017 (to verify)"),
    ("JP", "PU", "wage_cap", "rupiah", D("8094000"), "2018-03-01", "BPJS TK JP wage cap 2018 (to verify)"),
    ("JP", "PU", "wage_cap", "rupiah", D("8512400"), "2019-03-01", "BPJS TK JP wage cap 2019 (to verify)"),
    ("JP", "PU", "wage_cap", "rupiah", D("8754600"), "2020-03-01", "BPJS TK JP wage cap 2020 (to verify)"),
    ("JP", "PU", "wage_cap", "rupiah", D("8939700"), "2021-03-01", "BPJS TK JP wage cap 2021 (to verify)"),
    ("JP", "PU", "wage_cap", "rupiah", D("9077600"), "2022-03-01", "BPJS TK JP wage cap 2022 (to verify)"),
    ("JP", "PU", "wage_cap", "rupiah", D("9559600"), "2023-03-01", "BPJS TK JP wage cap 2023 (to verify)"),
    ("JP", "PU", "wage_cap", "rupiah", D("10042300"), "2024-03-01", "BPJS TK letter, 1 March 2024 (firm)"),
    ("JP", "PU", "wage_cap", "rupiah", D("10547400"), "2025-03-01", "BPJS TK JP wage cap 2025 (likely)"),
    ("JKP", "PU", "percent", "percent", D("0.36"), "2021-02-02", "PP 37/2021; no charge to worker/employer"),
    # BPU (bukan penerima upah): percent of declared income.
    ("JKK", "BPU", "percent", "percent", D("1"), "2015-07-01", "Permenaker 1/2016"),
    ("JKK", "BPU", "min", "rupiah", D("10000"), "2015-07-01", "Permenaker 1/2016"),
    ("JKK", "BPU", "max", "rupiah", D("207000"), "2015-07-01", "Permenaker 1/2016"),
    ("JKM", "BPU", "flat", "rupiah", D("6800"), "2015-07-01", "Permenaker 1/2016"),
    ("JHT", "BPU", "percent", "percent", D("2"), "2015-07-01", "Permenaker 1/2016 (optional programme)"),
    ("JHT", "BPU", "income_min", "rupiah", D("1000000"), "2015-07-01", "Permenaker 1/2016"),
    ("JHT", "BPU", "income_max", "rupiah", D("20700000"), "2015-07-01", "implied by the JKK maximum"),
    # Claim rules that are figures.
    ("KLAIM", "ALL", "npwp_threshold", "rupiah", D("50000000"), "2009-01-01", "PP 68/2009"),
    ("KLAIM", "ALL", "tax_free_upto", "rupiah", D("50000000"), "2009-01-01", "PP 68/2009"),
    ("KLAIM", "ALL", "tax_rate", "percent", D("5"), "2009-01-01", "PP 68/2009"),
    ("KLAIM", "ALL", "online_limit", "rupiah", D("15000000"), "2024-01-01", "JMO online-claim limit"),
    ("KLAIM", "ALL", "partial_min_years", "count", D("10"), "2022-04-26", "Permenaker 4/2022"),
    ("KLAIM", "ALL", "waiting_months", "count", D("1"), "2022-04-26", "Permenaker 4/2022"),
]
DEVELOPMENT = [
    (2011, D("10.10"), "BPJS TK annual report (mission.md)"),
    (2012, D("10.10"), "BPJS TK annual report (mission.md)"),
    (2016, D("7.19"), "BPJS TK annual report (mission.md)"),
    (2020, D("5.63"), "BPJS TK annual report (mission.md)"),
]


def load(apps, schema_editor):
    Rate = apps.get_model("participants", "Rate")
    DevelopmentRate = apps.get_model("participants", "DevelopmentRate")
    for program, segment, component, unit, value, since, source in RATES:
        Rate.objects.update_or_create(
            program=program,
            segment=segment,
            component=component,
            effective_from=since,
            defaults={"unit": unit, "value": value, "source": source},
        )
    for year, rate, source in DEVELOPMENT:
        DevelopmentRate.objects.update_or_create(
            year=year, defaults={"rate_percent": rate, "source": source, "assumed": False}
        )


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
