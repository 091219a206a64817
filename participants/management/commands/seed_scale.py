"""Generate a large, realistic data set for benchmarks: `seed_scale --participants N --months M`.

Participants (with encrypted NIKs consistent with their birth date and sex) and employers are streamed
with COPY; contributions are generated in SQL and posted like `import_contributions` posts them
(`post_checked_contributions`: same rates and rounding, ledger entries and balance rows through
`ledger_post_batch`), one chunk of participants per transaction. Each run adds N new KPJs after the
ones it made before.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from participants.imports.base import create_temp_table
from participants.imports.contributions import load_rates, post_checked_contributions
from participants.models import Branch, ImportBatch
from participants.nik import encrypt_nik, nik_index

FIRST = ["Budi", "Siti", "Agus", "Dewi", "Rudi", "Sri", "Andi", "Nur", "Joko", "Rina", "Eko", "Ayu",
         "Hendra", "Wati", "Bambang", "Lestari", "Yusuf", "Fitri", "Dedi", "Indah"]  # fmt: skip
LAST = ["Santoso", "Wijaya", "Saputra", "Lestari", "Hidayat", "Nugroho", "Kusuma", "Siregar",
        "Harahap", "Simanjuntak", "Pratama", "Rahmawati", "Setiawan", "Purnomo", "Gunawan"]  # fmt: skip
REGIONS = ["317101", "327301", "357801", "337401", "127101", "517101", "737101", "647201"]
KPJ_BASE = 30_000_000_000  # scale data lives in 3xxxxxxxxxx

_CONTRIBUTIONS = """
CREATE TEMP TABLE checked_contribution ON COMMIT DROP AS
SELECT p.id AS participant_id, emp.employer_id, e.risk_class,
       (%(last_month)s::date - make_interval(months => k))::date AS period,
       (round((2500000 + (p.id * 7919) %% 15000000) * power(1.05, -(k / 12.0)) / 1000) * 1000)::bigint
           AS wage,
       (%(last_month)s::date - make_interval(months => k) + interval '1 month 9 days')::date AS paid_on,
       (%(last_month)s::date - make_interval(months => k) + interval '1 month 9 days')::date::timestamp
           AT TIME ZONE 'Asia/Jakarta' AS paid_at,
       NULL::text AS problem
FROM participants_participant p
JOIN participants_employment emp ON emp.participant_id = p.id
JOIN participants_employer e ON e.id = emp.employer_id
CROSS JOIN generate_series(0, %(months)s - 1) AS k
WHERE p.id BETWEEN %(lo)s AND %(hi)s
"""


class Command(BaseCommand):
    help = "Generate N participants with M months of contributions each (benchmark data)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--participants", type=int, required=True)
        parser.add_argument("--months", type=int, default=24)
        parser.add_argument("--chunk", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, participants: int, months: int, chunk: int, seed: int, **opts: Any) -> None:
        if participants < 1 or not 0 <= months <= 600 or chunk < 1:
            raise CommandError("--participants must be >= 1, --months 0..600, --chunk >= 1")
        rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
        started = time.perf_counter()
        branch_ids = self._branches()
        employer_ids = self._employers(max(1, participants // 200), branch_ids, rng)
        first_id, last_id = self._participants(participants, branch_ids, employer_ids, rng)
        self.stdout.write(f"{participants} participants in {time.perf_counter() - started:.1f}s")
        if months:
            posted = self._contributions(first_id, last_id, months, chunk)
            self.stdout.write(f"{posted} contributions in {time.perf_counter() - started:.1f}s total")

    def _branches(self) -> list[int]:
        for n in range(1, 21):
            Branch.objects.get_or_create(code=f"SC{n:03d}", defaults={"name": f"Cabang Skala {n}"})
        return list(Branch.objects.filter(code__startswith="SC").values_list("id", flat=True))

    def _employers(self, count: int, branch_ids: list[int], rng: random.Random) -> list[int]:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(max(npp::bigint), 90000000) FROM participants_employer "
                "WHERE npp ~ '^9[0-9]{7}$'"
            )
            (start,) = cursor.fetchone()
            with cursor.copy(
                "COPY participants_employer (npp, name, risk_class, branch_id) FROM STDIN"
            ) as copy:
                for i in range(1, count + 1):
                    copy.write_row(
                        [str(start + i), f"PT Skala {start + i}", rng.randint(1, 5), rng.choice(branch_ids)]
                    )
            cursor.execute(
                "SELECT id FROM participants_employer WHERE npp::bigint > %s AND npp ~ '^9[0-9]{7}$'", [start]
            )
            return [row[0] for row in cursor.fetchall()]

    def _participants(
        self, count: int, branch_ids: list[int], employer_ids: list[int], rng: random.Random
    ) -> tuple[int, int]:
        today = timezone.localdate()
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(max(kpj::bigint), %s) FROM participants_participant WHERE kpj LIKE '3%%'",
                [KPJ_BASE],
            )
            (start,) = cursor.fetchone()
            cursor.execute("SELECT coalesce(max(id), 0) FROM participants_participant")
            (before_id,) = cursor.fetchone()
            columns = (
                "public_id, kpj, nik_encrypted, nik_index, full_name, birth_date, sex, address, phone, "
                "email, category, status, status_reason, status_since, branch_id, registered_on, "
                "created_at, updated_at"
            )
            with cursor.copy(f"COPY participants_participant ({columns}) FROM STDIN") as copy:
                for i in range(1, count + 1):
                    born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 14600))
                    sex = rng.choice("LP")
                    day = born.day + (40 if sex == "P" else 0)
                    birth = f"{day:02d}{born.month:02d}{born.year % 100:02d}"
                    nik = f"{rng.choice(REGIONS)}{birth}{rng.randint(1, 9999):04d}"
                    registered = today - dt.timedelta(days=rng.randrange(400, 5000))
                    copy.write_row([
                        uuid.uuid4(), str(start + i), encrypt_nik(nik), nik_index(nik),
                        f"{rng.choice(FIRST)} {rng.choice(LAST)}", born, sex, "", "", "",
                        "PU", "aktif", "registered", registered, rng.choice(branch_ids), registered, now, now,
                    ])  # fmt: skip
            cursor.execute("SELECT min(id), max(id) FROM participants_participant WHERE id > %s", [before_id])
            first_id, last_id = cursor.fetchone()
            cursor.execute(
                "INSERT INTO participants_employment (participant_id, employer_id, start_date, exit_reason) "
                "SELECT p.id, (%s::bigint[])[1 + (p.id %% %s)], p.registered_on, '' "
                "FROM participants_participant p WHERE p.id BETWEEN %s AND %s",
                [employer_ids, len(employer_ids), first_id, last_id],
            )
        return int(first_id), int(last_id)

    def _contributions(self, first_id: int, last_id: int, months: int, chunk: int) -> int:
        last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        posted = 0
        for lo in range(first_id, last_id + 1, chunk):
            hi = min(lo + chunk - 1, last_id)
            with transaction.atomic():
                batch = ImportBatch.objects.create(kind="seed_scale", file_name=f"participants {lo}-{hi}")
                create_temp_table(
                    _CONTRIBUTIONS, {"last_month": last_month, "months": months, "lo": lo, "hi": hi}
                )
                with connection.cursor() as cursor:
                    cursor.execute("SELECT DISTINCT period FROM checked_contribution")
                    exact_integer = load_rates([row[0] for row in cursor.fetchall()])
                posted += post_checked_contributions(
                    batch_id=batch.pk, now=timezone.now(), exact_integer=exact_integer
                )
            self.stdout.write(f"  participants {lo}-{hi}: {posted} contributions so far")
        return posted
