"""Claims above this gross amount need a second approval by a different staff member.

Not a regulatory figure: an internal control (issue "JHT claims"), kept as data in the rate table like
the other claim figures so staff can change it with an effective date.
"""

from decimal import Decimal

from django.db import migrations

ROW = {
    "program": "KLAIM",
    "segment": "ALL",
    "component": "second_approval_threshold",
    "effective_from": "2022-04-26",
}


def load(apps, schema_editor):
    Rate = apps.get_model("participants", "Rate")
    Rate.objects.update_or_create(
        **ROW, defaults={"unit": "rupiah", "value": Decimal("50000000"), "source": "Kontrol internal klaim JHT"}
    )


def unload(apps, schema_editor):
    apps.get_model("participants", "Rate").objects.filter(**ROW).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("participants", "0002_rates_and_development"),
    ]

    operations = [migrations.RunPython(load, unload)]
