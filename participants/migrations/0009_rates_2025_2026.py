"""The rate table as it is true on every date (issue 18): rows closed by `effective_to`, wrong dates
corrected, the 2025-2026 figures added with their source and confidence, and the discount programmes.

Corrections (the rows loaded by 0002 are fixed here, 0002 itself is never edited):
- JMO online-claim limit: Rp10.000.000 until April 2025, Rp15.000.000 from May 2025 (0002 dated the
  Rp15 jt row 2024-01-01);
- JKP contribution: 0,46 % from PP 37/2021 until PP 6/2025 (7 February 2025), 0,36 % since (0002 had one
  0,36 % row from 2021).

`load` is idempotent (the test suite reloads it after a transactional test flushed the tables).
Sources are listed in the README ("Tarif dan aturan").
"""

import datetime as dt
from decimal import Decimal as D

from django.db import migrations

FIRM, LIKELY = "firm", "likely"
PP45 = "PP 45/2015 Pasal 15 (usia pensiun 56, naik 1 tahun setiap 3 tahun sampai 65)"
PP6_2025 = "PP 6/2025 (perubahan PP 37/2021 tentang JKP), berlaku 7 Februari 2025"
HPP = "UU 7/2021 (HPP) Pasal 17 ayat (1) huruf a, lapisan mulai 2022"
PPH_2008 = "UU 36/2008 Pasal 17 ayat (1) huruf a"
PMK16 = "PP 68/2009 dan PMK 16/PMK.03/2010 Pasal 5: tarif final dalam 2 tahun kalender"

# Rows to correct: (program, segment, component, effective_from) -> new values.
CORRECTIONS = {
    ("KLAIM", "ALL", "online_limit", "2024-01-01"): {
        "value": D("10000000"),
        "source": "Batas klaim JHT online (JMO) sebelum Mei 2025",
        "confidence": LIKELY,
    },
    ("JKP", "PU", "percent", "2021-02-02"): {
        "value": D("0.46"),
        "source": "PP 37/2021 Pasal 11 (0,22 % pemerintah + rekomposisi JKK dan JKM)",
        "confidence": FIRM,
    },
    ("JP", "PU", "wage_cap", "2025-03-01"): {
        "source": "BPJS Ketenagakerjaan surat B/726/022025",
        "confidence": LIKELY,
    },
}

RATES = [
    # program, segment, component, unit, value, effective_from, effective_to, source, confidence
    ("KLAIM", "ALL", "online_limit", "rupiah", D("15000000"), "2025-05-01", None,
     "BPJS Ketenagakerjaan: batas klaim JHT di JMO naik ke Rp15 juta, Mei 2025", FIRM),
    ("JKP", "PU", "percent", "percent", D("0.36"), "2025-02-07", None, PP6_2025, FIRM),
    ("JKP", "PU", "benefit_percent", "percent", D("60"), "2025-02-07", None, PP6_2025, FIRM),
    ("JKP", "PU", "benefit_months", "count", D("6"), "2025-02-07", None, PP6_2025, FIRM),
    ("JKP", "PU", "benefit_wage_cap", "rupiah", D("5000000"), "2021-02-02", None, "PP 37/2021; PP 6/2025", FIRM),
    ("JKP", "PU", "claim_window_months", "count", D("3"), "2021-02-02", None, "PP 37/2021", FIRM),
    ("JKP", "PU", "claim_window_months", "count", D("6"), "2025-02-07", None, PP6_2025, FIRM),
    ("JP", "PU", "wage_cap", "rupiah", D("11086300"), "2026-03-01", None,
     "BPJS Ketenagakerjaan surat B/1226/022026", LIKELY),
    ("JP", "PU", "benefit_min", "rupiah", D("411400"), "2026-03-01", None,
     "BPJS Ketenagakerjaan surat B/1226/022026", LIKELY),
    ("JP", "PU", "benefit_max", "rupiah", D("4932300"), "2026-03-01", None,
     "BPJS Ketenagakerjaan surat B/1226/022026", LIKELY),
    ("JP", "PU", "pension_age", "count", D("56"), "2015-07-01", None, PP45, FIRM),
    ("JP", "PU", "pension_age", "count", D("57"), "2019-01-01", None, PP45, FIRM),
    ("JP", "PU", "pension_age", "count", D("58"), "2022-01-01", None, PP45, FIRM),
    ("JP", "PU", "pension_age", "count", D("59"), "2025-01-01", None, PP45, FIRM),
    ("JP", "PU", "pension_age", "count", D("60"), "2028-01-01", None, PP45, FIRM),
    ("JP", "PU", "pension_age", "count", D("61"), "2031-01-01", None, PP45, FIRM),
    ("JP", "PU", "pension_age", "count", D("62"), "2034-01-01", None, PP45, FIRM),
    ("JP", "PU", "pension_age", "count", D("63"), "2037-01-01", None, PP45, FIRM),
    ("JP", "PU", "pension_age", "count", D("64"), "2040-01-01", None, PP45, FIRM),
    ("JP", "PU", "pension_age", "count", D("65"), "2043-01-01", None, PP45, FIRM),
    # JHT tax. Within two calendar years of the first JHT payment: final 0 % / 5 % (the existing
    # tax_free_upto and tax_rate rows). From the third calendar year: the Pasal 17 brackets on the payment.
    ("KLAIM", "ALL", "final_tax_years", "count", D("2"), "2009-01-01", None, PMK16, FIRM),
    ("KLAIM", "ALL", "pit_bracket_1_upto", "rupiah", D("50000000"), "2009-01-01", None, PPH_2008, FIRM),
    ("KLAIM", "ALL", "pit_bracket_2_upto", "rupiah", D("250000000"), "2009-01-01", None, PPH_2008, FIRM),
    ("KLAIM", "ALL", "pit_bracket_3_upto", "rupiah", D("500000000"), "2009-01-01", None, PPH_2008, FIRM),
    ("KLAIM", "ALL", "pit_rate_1", "percent", D("5"), "2009-01-01", None, PPH_2008, FIRM),
    ("KLAIM", "ALL", "pit_rate_2", "percent", D("15"), "2009-01-01", None, PPH_2008, FIRM),
    ("KLAIM", "ALL", "pit_rate_3", "percent", D("25"), "2009-01-01", None, PPH_2008, FIRM),
    ("KLAIM", "ALL", "pit_rate_4", "percent", D("30"), "2009-01-01", None, PPH_2008, FIRM),
    ("KLAIM", "ALL", "pit_bracket_1_upto", "rupiah", D("60000000"), "2022-01-01", None, HPP, FIRM),
    ("KLAIM", "ALL", "pit_bracket_4_upto", "rupiah", D("5000000000"), "2022-01-01", None, HPP, FIRM),
    ("KLAIM", "ALL", "pit_rate_5", "percent", D("35"), "2022-01-01", None, HPP, FIRM),
]

DISCOUNTS = [
    {
        "code": "bpu-transportasi-2026",
        "label": "Diskon iuran JKK-JKM 50 % untuk pekerja transportasi, Jan 2026 – Mar 2027",
        "segment": "BPU",
        "components": ["JKK", "JKM"],
        "percent": D("50"),
        "first_period": dt.date(2026, 1, 1),
        "last_period": dt.date(2027, 3, 1),
        "work_types": ["ojol", "driver"],
        "labour_intensive_only": False,
        "min_workers": None,
        "excludes_state_paid": True,
        "source": "PP 50/2025; siaran pers Kemnaker 13 Januari 2026 (iuran Rp16.800 menjadi Rp8.400)",
        "confidence": FIRM,
    },
    {
        "code": "pu-padat-karya-2025",
        "label": "Diskon iuran JKK 50 % untuk industri padat karya, Feb 2025 – Jan 2026",
        "segment": "PU",
        "components": ["JKK"],
        "percent": D("50"),
        "first_period": dt.date(2025, 2, 1),
        "last_period": dt.date(2026, 1, 1),
        "work_types": [],
        "labour_intensive_only": True,
        "min_workers": 50,
        "excludes_state_paid": False,
        "source": "PP 7/2025 jo. PP 36/2025 Pasal 10A (sampai iuran JKK bulan Januari 2026)",
        "confidence": FIRM,
    },
]


def close_ranges(Rate) -> None:
    """Each row ends the day before the next row of the same name starts (unless it ends earlier)."""
    previous = None
    for row in Rate.objects.order_by("program", "segment", "component", "effective_from"):
        same = previous is not None and (previous.program, previous.segment, previous.component) == (
            row.program,
            row.segment,
            row.component,
        )
        if same:
            last_day = row.effective_from - dt.timedelta(days=1)
            if previous.effective_to is None or previous.effective_to > last_day:
                previous.effective_to = last_day
                previous.save(update_fields=["effective_to"])
        previous = row


def load(apps, schema_editor):
    Rate = apps.get_model("participants", "Rate")
    DiscountProgramme = apps.get_model("participants", "DiscountProgramme")
    for (program, segment, component, since), values in CORRECTIONS.items():
        Rate.objects.filter(
            program=program, segment=segment, component=component, effective_from=since
        ).update(**values)
    for program, segment, component, unit, value, since, until, source, confidence in RATES:
        Rate.objects.update_or_create(
            program=program,
            segment=segment,
            component=component,
            effective_from=since,
            defaults={
                "unit": unit,
                "value": value,
                "effective_to": until,
                "source": source,
                "confidence": confidence,
            },
        )
    close_ranges(Rate)
    for discount in DISCOUNTS:
        DiscountProgramme.objects.update_or_create(
            code=discount["code"], defaults={k: v for k, v in discount.items() if k != "code"}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0008_rate_dates_confidence_discounts"),
        ("claims", "0002_second_approval_threshold"),
        ("contributions", "0002_pmi_jakon_rates"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
