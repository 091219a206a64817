"""Participant search of the back office among 1,000,000 participants (budget: <= 50 ms by NIK or KPJ).

    export DATABASE_URL=postgres://.../portal_scale
    PYTHONPATH=. python bench/backoffice_participant_search.py --repeat 200

Read-only: every connection is switched to `default_transaction_read_only` before use, so nothing can be
written to the scale database (it belongs to someone else and keeps main's schema). It samples real KPJs
and NIKs (NIKs decrypted with the configured development keys), then times what the admin changelist
runs for a search: `ParticipantAdmin.get_queryset` (branch scope) + `get_search_results` + the first
page (51 rows, ordered by -pk), for a national auditor (all branches) and a branch reviewer.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.contrib import admin
    from django.db import connection
    from django.db.backends.signals import connection_created
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from accounts.roles import StaffRole
    from participants.models import Participant, User
    from participants.nik import decrypt_nik

    def read_only(sender: Any, connection: Any, **kwargs: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET default_transaction_read_only = on")

    connection_created.connect(read_only)
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SHOW default_transaction_read_only")
        assert cursor.fetchone()[0] == "on"
        cursor.execute("SELECT count(*) FROM participants_participant")
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT kpj, nik_encrypted, branch_id FROM participants_participant"
            " TABLESAMPLE SYSTEM (0.05) LIMIT %s",
            [args.repeat],
        )
        sample = cursor.fetchall()
    records = []  # (kpj, nik or "", branch id)
    for kpj, blob, branch in sample:
        try:
            nik = decrypt_nik(blob)
        except Exception:  # a scale row encrypted with another key: no NIK search for it
            nik = ""
        records.append((kpj, nik, branch))
    with_nik = sum(1 for _k, nik, _b in records if nik)
    print(f"participants: {total:,}; sampled {len(records)} KPJs, {with_nik} NIKs decrypted")

    model_admin = admin.site._registry[Participant]
    auditor = User(email="bench-auditor@bench.local", is_staff=True, is_active=True)
    auditor._portal_staff_roles = frozenset({StaffRole.AUDITOR})  # type: ignore[attr-defined]
    reviewer = User(email="bench-petugas@bench.local", is_staff=True, is_active=True)
    reviewer._portal_staff_roles = frozenset({StaffRole.REVIEWER})  # type: ignore[attr-defined]

    sql_times: list[float] = []

    def search(user: Any, term: str) -> tuple[float, int]:
        request = RequestFactory().get("/admin/participants/participant/", {"q": term})
        request.user = user
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            queryset = model_admin.get_queryset(request)
            queryset, _distinct = model_admin.get_search_results(request, queryset, term)
            rows = list(queryset.select_related("branch").order_by("-pk")[:51])
            took = (time.perf_counter() - t0) * 1000
        assert len(captured.captured_queries) == 1
        sql_times.append(float(captured.captured_queries[0]["time"]) * 1000)
        return took, len(rows)

    for who, user in (("auditor (all branches)", auditor), ("reviewer (own branch)", reviewer)):
        for label, index in (("KPJ", 0), ("NIK (blind index)", 1)):
            times, found = [], 0
            sql_times.clear()
            for record in random.sample(records, len(records)):
                term = record[index]
                if not term:
                    continue
                user.branch_id = record[2]  # the reviewer works in the participant's branch
                took, rows = search(user, term)
                times.append(took)
                found += rows > 0
            if not times:
                print(f"{who:24} {label:18} no terms")
                continue
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            print(
                f"{who:24} {label:18} n={len(times):4} found={found:4} "
                f"median {statistics.median(times):5.2f} ms  p95 {p95:5.2f} ms  max {times[-1]:5.2f} ms"
                f"  (SQL alone: median {statistics.median(sql_times):5.2f} ms)"
            )


if __name__ == "__main__":
    main()
