"""`import_employers FILE.csv` — columns npp,name,risk_class,branch_code."""

from __future__ import annotations

from pathlib import Path

from django.db import connection, transaction

from participants.imports.base import ImportReport, copy_into, create_temp_table, fetch_rejections, open_csv
from participants.models import ImportBatch

COLUMNS = ["npp", "name", "risk_class", "branch_code"]

_STAGING = """
CREATE TEMP TABLE staging_employer (
    line bigint GENERATED ALWAYS AS IDENTITY (START WITH 2), npp text, name text, risk_class text,
    branch_code text
) ON COMMIT DROP
"""

# One row per staged line with the first problem found, NULL when the line is valid.
_CHECKED = """
CREATE TEMP TABLE checked_employer ON COMMIT DROP AS
SELECT s.line, s.npp, btrim(s.name) AS name, b.id AS branch_id,
       CASE WHEN s.risk_class ~ '^[1-5]$' THEN s.risk_class::smallint END AS risk_class,
       CASE
         WHEN s.npp IS NULL OR s.npp !~ '^[0-9]{8,20}$' THEN 'NPP harus 8-20 digit angka'
         WHEN coalesce(btrim(s.name), '') = '' THEN 'nama pemberi kerja kosong'
         WHEN length(btrim(s.name)) > 200 THEN 'nama pemberi kerja lebih dari 200 karakter'
         WHEN s.risk_class IS NULL OR s.risk_class !~ '^[1-5]$' THEN 'kelas risiko harus 1-5'
         WHEN b.id IS NULL THEN 'kode kantor cabang tidak dikenal'
         WHEN row_number() OVER (PARTITION BY s.npp ORDER BY s.line) > 1 THEN 'NPP ganda di berkas ini'
       END AS problem
FROM staging_employer s
LEFT JOIN participants_branch b ON b.code = btrim(s.branch_code)
"""

_POST = """
INSERT INTO participants_employer (npp, name, risk_class, branch_id)
SELECT npp, name, risk_class, branch_id FROM checked_employer WHERE problem IS NULL
ON CONFLICT (npp) DO NOTHING
"""


def import_employers(path: str | Path) -> ImportReport:
    report = ImportReport(kind="import_employers", file_name=Path(path).name)
    with open_csv(path, COLUMNS) as handle, transaction.atomic():
        batch = ImportBatch.objects.create(kind=report.kind, file_name=report.file_name)
        with connection.cursor() as cursor:
            create_temp_table(_STAGING)
            report.read = copy_into("staging_employer", COLUMNS, handle)
            create_temp_table(_CHECKED)
            report.rejected = list(
                fetch_rejections(
                    "SELECT line, problem FROM checked_employer WHERE problem IS NOT NULL ORDER BY line"
                )
            )
            cursor.execute(_POST)
            report.posted = cursor.rowcount
        report.duplicate = report.read - len(report.rejected) - report.posted
        report.save_batch(batch)
    return report
