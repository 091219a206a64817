"""Two costs of bulk-posting ledger entries removed (bench/README.md, import_contributions):

- `idempotency_key` compares in byte order ("C"): the keys are ASCII, and the database's default
  collation (C.UTF-8 through libc strcoll) made its unique index ~4 s slower per million entries.
  Changing it rebuilds that index (on a large ledger: minutes, under an exclusive lock; run it in a
  maintenance window).
- `created_by` loses its database FK, whose deferred trigger fired at COMMIT once per inserted entry
  (~1.5 s per million, almost all NULL). What the FK guaranteed is kept by a trigger on the other side:
  a user that ledger entries name cannot be deleted (found through a partial index of the few entries
  made by staff).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


REFUSE_AUTHOR_DELETE = """
CREATE FUNCTION participants_refuse_ledger_author_delete() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM participants_ledgerentry WHERE created_by_id = OLD.id) THEN
        RAISE EXCEPTION 'user % made JHT ledger entries and cannot be deleted (deactivate it)', OLD.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER participants_user_ledger_author_no_delete
    BEFORE DELETE ON participants_user
    FOR EACH ROW EXECUTE FUNCTION participants_refuse_ledger_author_delete();
"""

ALLOW_AUTHOR_DELETE = """
DROP TRIGGER IF EXISTS participants_user_ledger_author_no_delete ON participants_user;
DROP FUNCTION IF EXISTS participants_refuse_ledger_author_delete();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0006_participant_history"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ledgerentry",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="ledgerentry",
            name="idempotency_key",
            field=models.CharField(db_collation="C", max_length=100),
        ),
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(
                condition=models.Q(("created_by__isnull", False)),
                fields=["created_by"],
                name="ledger_by_author",
            ),
        ),
        migrations.RunSQL(REFUSE_AUTHOR_DELETE, ALLOW_AUTHOR_DELETE),
    ]
