"""The figures of the life-event rules that the rate table did not hold yet (issue 21): the JKP
qualifying months, window, consecutive months and tolerated employer arrears, and the JP minimum
contribution period and accrual rate. Sources and readings: docs/life-events.md.

The JKP benefit (60 %, 6 months, Rp5.000.000 wage basis, 6-month claim window) and the JP pension-age
schedule and 2026 benefit range were loaded by participants 0009. `load` is idempotent.
"""

from decimal import Decimal as D

from django.db import migrations

FIRM = "firm"
PP37 = "PP 37/2021 Pasal 19 ayat (3): 12 bulan iuran dalam 24 bulan, 6 bulan berturut-turut sebelum PHK"
PP6 = "PP 6/2025 Pasal 39A: manfaat tetap dibayar bila pemberi kerja menunggak iuran paling lama 6 bulan"
PP45 = "PP 45/2015: masa iur minimum 15 tahun (180 bulan) untuk manfaat pensiun bulanan"
PP45_FORMULA = "PP 45/2015 Lampiran: 1 % x masa iur (tahun) x rata-rata upah tertimbang"

ROWS = [
    # program, segment, component, unit, value, effective_from, source
    ("JKP", "PU", "min_months", "count", D("12"), "2021-02-02", PP37),
    ("JKP", "PU", "window_months", "count", D("24"), "2021-02-02", PP37),
    ("JKP", "PU", "consecutive_months", "count", D("6"), "2021-02-02", PP37),
    ("JKP", "PU", "arrears_months", "count", D("6"), "2025-02-07", PP6),
    ("JP", "PU", "min_months", "count", D("180"), "2015-07-01", PP45),
    ("JP", "PU", "accrual_percent", "percent", D("1"), "2015-07-01", PP45_FORMULA),
]


def load(apps, schema_editor):
    Rate = apps.get_model("participants", "Rate")
    for program, segment, component, unit, value, since, source in ROWS:
        Rate.objects.update_or_create(
            program=program,
            segment=segment,
            component=component,
            effective_from=since,
            defaults={"unit": unit, "value": value, "source": source, "confidence": FIRM},
        )


def unload(apps, schema_editor):
    Rate = apps.get_model("participants", "Rate")
    for program, segment, component, _unit, _value, since, _source in ROWS:
        Rate.objects.filter(
            program=program, segment=segment, component=component, effective_from=since
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("participants", "0011_figure_proposals")]
    operations = [migrations.RunPython(load, unload)]
