"""The database itself guards the money tables.

- JHT ledger entries are append-only: UPDATE and DELETE are refused.
- Participants and employers can never be deleted: contributions and ledger entries reference them
  without per-row foreign-key triggers (too slow for bulk imports), so their parents must stay.
"""

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

CREATE FUNCTION participants_refuse_delete() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are never deleted (contributions and the ledger refer to them)', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER participants_participant_no_delete
    BEFORE DELETE ON participants_participant
    FOR EACH ROW EXECUTE FUNCTION participants_refuse_delete();

CREATE TRIGGER participants_employer_no_delete
    BEFORE DELETE ON participants_employer
    FOR EACH ROW EXECUTE FUNCTION participants_refuse_delete();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS participants_employer_no_delete ON participants_employer;
DROP TRIGGER IF EXISTS participants_participant_no_delete ON participants_participant;
DROP FUNCTION IF EXISTS participants_refuse_delete();
DROP TRIGGER IF EXISTS participants_ledger_append_only ON participants_ledgerentry;
DROP FUNCTION IF EXISTS participants_ledger_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("participants", "0002_rates_and_development")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
