"""`import_participants FILE.csv` — kpj,nik,full_name,birth_date,sex,category,email,phone,branch_code,
employer_npp,employment_start,employment_end.

Unlike the other imports each row is checked in Python first: the NIK must be valid and agree with the
date of birth and sex (day + 40 for women), and it is encrypted before it reaches the database. Valid
rows then go through COPY into a staging table and are posted set-based like the other imports.
An `employment_end` means the employer reported the exit: the KPJ becomes nonaktif from that date
unless another employment is still open.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from participants.imports.base import ImportReport, create_temp_table, open_csv
from participants.models import Branch, Category, Employer, ImportBatch, Sex
from participants.nik import InvalidNik, encrypt_nik, nik_index, nik_matches_person

COLUMNS = [
    "kpj", "nik", "full_name", "birth_date", "sex", "category", "email", "phone", "branch_code",
    "employer_npp", "employment_start", "employment_end",
]  # fmt: skip
_KPJ = re.compile(r"^[0-9]{11}$")
_PHONE = re.compile(r"^(\+62|62|0)8[0-9]{7,11}$")

_STAGING = """
CREATE TEMP TABLE staging_participant (
    line bigint, kpj text, nik_encrypted bytea, nik_index text, full_name text, birth_date date,
    sex text, category text, email text, phone text, branch_id bigint, employer_id bigint,
    employment_start date, employment_end date
) ON COMMIT DROP
"""

_POST = """
WITH inserted AS (
    INSERT INTO participants_participant (
        public_id, kpj, nik_encrypted, nik_index, full_name, birth_date, sex, address, phone, email,
        category, status, status_reason, status_since, branch_id, registered_on, created_at, updated_at)
    SELECT gen_random_uuid(), kpj, nik_encrypted, nik_index, full_name, birth_date, sex, '', phone, email,
           category,
           CASE WHEN employment_end IS NOT NULL THEN 'nonaktif' ELSE 'aktif' END,
           CASE WHEN employment_end IS NOT NULL THEN 'exit_reported' ELSE 'registered' END,
           coalesce(employment_end, employment_start, %(today)s), branch_id,
           coalesce(employment_start, %(today)s), %(now)s, %(now)s
    FROM staging_participant
    ON CONFLICT (kpj) DO NOTHING
    RETURNING id, kpj
), employments AS (
    INSERT INTO participants_employment (
        participant_id, employer_id, start_date, end_date, exit_reported_on, exit_reason)
    SELECT i.id, s.employer_id, s.employment_start, s.employment_end,
           CASE WHEN s.employment_end IS NOT NULL THEN %(today)s END,
           CASE WHEN s.employment_end IS NOT NULL THEN 'other' ELSE '' END
    FROM inserted i JOIN staging_participant s ON s.kpj = i.kpj
    WHERE s.employer_id IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT (SELECT count(*) FROM inserted)
"""


def _date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{field} harus tanggal valid berformat YYYY-MM-DD") from None


def _check_row(
    row: dict[str, str], branches: dict[str, int], employers: dict[str, int], today: dt.date
) -> list[object]:
    """The staging row for a valid CSV row; raises ValueError with the reason otherwise."""
    kpj, nik = row["kpj"].strip(), row["nik"].strip()
    if not _KPJ.match(kpj):
        raise ValueError("KPJ harus 11 digit angka")
    name = " ".join(row["full_name"].split())
    if not name or len(name) > 150:
        raise ValueError("nama lengkap kosong atau lebih dari 150 karakter")
    birth_date = _date(row["birth_date"].strip(), "tanggal lahir")
    if birth_date > today:
        raise ValueError("tanggal lahir di masa depan")
    sex = row["sex"].strip().upper()
    if sex not in Sex.values:
        raise ValueError("jenis kelamin harus L atau P")
    try:
        if not nik_matches_person(nik, birth_date=birth_date, sex=sex):
            raise ValueError("NIK tidak sesuai dengan tanggal lahir atau jenis kelamin")
    except InvalidNik as exc:
        raise ValueError(f"NIK tidak valid: {exc}") from None
    category = row["category"].strip().upper()
    if category not in Category.values:
        raise ValueError("segmen harus PU, BPU, PMI atau JAKON")
    email = row["email"].strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValueError("alamat email tidak valid") from None
    phone = row["phone"].strip().replace(" ", "").replace("-", "")
    if phone and not _PHONE.match(phone):
        raise ValueError("nomor HP tidak valid")
    branch_id = branches.get(row["branch_code"].strip())
    if branch_id is None:
        raise ValueError("kode kantor cabang tidak dikenal")
    npp = row["employer_npp"].strip()
    employer_id = employers.get(npp) if npp else None
    if npp and employer_id is None:
        raise ValueError("NPP pemberi kerja tidak dikenal")
    if category == Category.PU and employer_id is None:
        raise ValueError("peserta PU harus punya pemberi kerja")
    start = (
        _date(row["employment_start"].strip(), "mulai bekerja") if row["employment_start"].strip() else None
    )
    end = _date(row["employment_end"].strip(), "berhenti bekerja") if row["employment_end"].strip() else None
    if employer_id is not None and start is None:
        raise ValueError("tanggal mulai bekerja wajib diisi")
    if end is not None and (start is None or end < start):
        raise ValueError("tanggal berhenti bekerja sebelum tanggal mulai")
    return [
        kpj, encrypt_nik(nik), nik_index(nik), name, birth_date, sex, category, email, phone, branch_id,
        employer_id, start, end,
    ]  # fmt: skip


def import_participants(path: str | Path) -> ImportReport:
    report = ImportReport(kind="import_participants", file_name=Path(path).name)
    today = timezone.localdate()
    branches = dict(Branch.objects.values_list("code", "id"))
    employers = dict(Employer.objects.values_list("npp", "id"))
    seen_kpj: set[str] = set()
    rows: list[list[object]] = []
    with open_csv(path, COLUMNS) as handle:
        for row in csv.DictReader(handle):
            report.read += 1
            line = report.read + 1
            if None in row.values() or None in row:
                report.rejected.append((line, "jumlah kolom tidak sesuai"))
                continue
            try:
                values = _check_row(row, branches, employers, today)
            except ValueError as exc:
                report.rejected.append((line, str(exc)))
                continue
            if values[0] in seen_kpj:
                report.rejected.append((line, "KPJ ganda di berkas ini"))
                continue
            seen_kpj.add(str(values[0]))
            rows.append([line, *values])
    with transaction.atomic():
        batch = ImportBatch.objects.create(kind=report.kind, file_name=report.file_name)
        with connection.cursor() as cursor:
            create_temp_table(_STAGING)
            with cursor.copy("COPY staging_participant FROM STDIN") as copy:
                for values in rows:
                    copy.write_row(values)
            cursor.execute(_POST, {"today": today, "now": timezone.now()})
            (posted,) = cursor.fetchone()
        report.posted = int(posted)
        report.duplicate = report.read - len(report.rejected) - report.posted
        report.save_batch(batch)
    return report
