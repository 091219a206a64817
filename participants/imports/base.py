"""Shared machinery of the CSV imports: header check, COPY into a staging table, the report.

Imports stream the file into a temporary staging table with PostgreSQL COPY (every column as text, plus
the row's line number), validate with set-based SQL, and post valid rows with `INSERT ... ON CONFLICT DO
NOTHING`, all inside one transaction: a valid row is posted completely or not at all, a bad row is
reported with its line number and reason and posts nothing, and re-running a file posts nothing twice.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import connection
from django.utils import timezone

from participants.models import ImportBatch

CHUNK = 1 << 20


class ImportFileError(Exception):
    """The file as a whole cannot be imported (missing, unreadable, wrong header). Nothing was posted."""


@dataclass
class ImportReport:
    kind: str
    file_name: str
    read: int = 0
    posted: int = 0
    duplicate: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.kind} {self.file_name}: {self.read} rows read, {self.posted} posted, "
            f"{self.duplicate} already present, {len(self.rejected)} rejected"
        )

    def save_batch(self, batch: ImportBatch) -> None:
        batch.rows_read = self.read
        batch.rows_posted = self.posted
        batch.rows_duplicate = self.duplicate
        batch.rows_rejected = len(self.rejected)
        batch.finished_at = timezone.now()
        batch.save()


def open_csv(path: str | Path, expected: list[str]) -> IO[str]:
    """Open the file and check its header is exactly `expected`; the handle is positioned at line 1."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - caller closes
    except OSError as exc:
        raise ImportFileError(f"cannot open {path}: {exc.strerror}") from exc
    header_line = handle.readline()
    header = next(csv.reader([header_line]), [])
    if [h.strip() for h in header] != expected:
        handle.close()
        raise ImportFileError(f"header must be exactly: {','.join(expected)} (found: {','.join(header)})")
    handle.seek(0)
    return handle


def copy_into(table: str, columns: list[str], handle: IO[str]) -> int:
    """Stream a CSV file (with its header) into `table` with COPY; returns the number of rows."""
    cols = ", ".join(columns)
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            while block := handle.read(CHUNK):
                copy.write(block)
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - table name is ours
        (count,) = cursor.fetchone()
    return int(count)


def create_temp_table(sql: str, params: Mapping[str, Any] | None = None) -> None:
    """Run a `CREATE TEMP TABLE <name> ...` statement, dropping a leftover table of that name first.

    ON COMMIT DROP only fires at the outermost commit; an import inside a larger transaction (tests, or
    two imports in one atomic block) would otherwise find the previous run's table.
    """
    name = re.match(r"\s*CREATE TEMP TABLE (\w+)", sql)
    if name is None:
        raise ValueError("not a CREATE TEMP TABLE statement")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{name.group(1)}")
        cursor.execute(sql, params)


def fetch_rejections(sql: str, params: list[Any] | None = None) -> Iterator[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        for line, reason in cursor.fetchall():
            yield int(line), str(reason)
