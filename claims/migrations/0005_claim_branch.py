"""Claims carry the branch that handles them (the filing KPJ's branch), filled here for existing rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0004_claim_history_and_review_permissions'),
        ('participants', '0006_participant_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='claim',
            name='branch',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='participants.branch', verbose_name='kantor cabang'),
        ),
        migrations.AddField(
            model_name='historicalclaim',
            name='branch',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='participants.branch', verbose_name='kantor cabang'),
        ),
        migrations.RunSQL(
            "UPDATE claims_claim c SET branch_id = p.branch_id FROM participants_participant p "
            "WHERE p.id = c.participant_id AND c.branch_id IS NULL",
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['branch', 'due_date', 'id'], name='claim_queue_branch_due'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['branch', 'status'], name='claim_branch_status'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['status'], name='claim_status'),
        ),
    ]
