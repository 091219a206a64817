"""The JHT ledger is append-only: the database itself refuses UPDATE and DELETE of entries."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION participants_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'JHT ledger entries are append-only (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER participants_ledger_append_only
    BEFORE UPDATE OR DELETE ON participants_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION participants_ledger_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS participants_ledger_append_only ON participants_ledgerentry;
DROP FUNCTION IF EXISTS participants_ledger_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("participants", "0002_rates_and_development")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
