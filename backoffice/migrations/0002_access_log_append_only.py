"""Access-log rows are evidence: the database refuses to change or delete them (like the JHT ledger)."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION backoffice_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'access log rows are append-only (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER backoffice_accesslog_append_only
    BEFORE UPDATE OR DELETE ON backoffice_accesslog
    FOR EACH ROW EXECUTE FUNCTION backoffice_accesslog_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS backoffice_accesslog_append_only ON backoffice_accesslog;
DROP FUNCTION IF EXISTS backoffice_accesslog_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("backoffice", "0001_access_log_and_corrections")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
