"""Two rows of the same figure never cover the same day: a PostgreSQL exclusion constraint over the
inclusive date range [effective_from, effective_to] (btree_gist compares the names inside the GiST index).

Added after 0009 closed every row's range, so the existing rows satisfy it.
"""

import django.contrib.postgres.constraints
import django.db.models.constraints
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models

import participants.rates.models


class Migration(migrations.Migration):
    dependencies = [("participants", "0009_rates_2025_2026")]

    operations = [
        BtreeGistExtension(),
        migrations.AddConstraint(
            model_name="rate",
            constraint=django.contrib.postgres.constraints.ExclusionConstraint(
                deferrable=django.db.models.constraints.Deferrable["IMMEDIATE"],
                expressions=[
                    ("program", "="),
                    ("segment", "="),
                    ("component", "="),
                    (
                        participants.rates.models.DateRange("effective_from", "effective_to", models.Value("[]")),
                        "&&",
                    ),
                ],
                name="rate_no_overlap",
            ),
        ),
    ]
