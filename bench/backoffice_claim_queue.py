"""Claim review queue at 100,000 claims (budget: changelist <= 15 SQL queries and <= 300 ms server time).

    export DATABASE_URL=postgres://.../portal_bench_backoffice   # a database of your own cluster
    python manage.py migrate
    PYTHONPATH=. python bench/backoffice_claim_queue.py prepare --claims 100000
    PYTHONPATH=. python bench/backoffice_claim_queue.py run --repeat 30

`prepare` creates two branches, one KPJ per claim (bulk_create; NIK blobs are a placeholder, nothing here
decrypts them) and N claims spread over every status and ±15 days of due dates, then ANALYZE. `run` signs
a reviewer (JKT01) and an auditor in (password + TOTP session record), requests the changelist in-process
with Django's test client and reports SQL queries and wall time per page (median / p95): the default
queue, three filters, a KPJ search, and page 50.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from typing import Any

STATUSES = [
    ("paid", 55),
    ("rejected", 8),
    ("cancelled", 5),
    ("in_review", 12),
    ("submitted", 3),
    ("verifying", 1),
    ("revision_requested", 5),
    ("resubmitted", 2),
    ("approved", 4),
    ("paying", 5),
]


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def prepare(claims: int) -> None:
    setup()
    from django.db import connection
    from django.utils import timezone

    from claims.models import Claim, ClaimCheck
    from participants.models import Branch, Participant
    from participants.nik import encrypt_nik

    rng = random.Random(6)
    jkt, _ = Branch.objects.get_or_create(code="JKT01", defaults={"name": "Jakarta Salemba"})
    bdg, _ = Branch.objects.get_or_create(code="BDG01", defaults={"name": "Bandung"})
    blob = encrypt_nik("3171011403850007")
    today = timezone.localdate()
    weights = [w for _, w in STATUSES]
    names = [s for s, _ in STATUSES]
    start = Participant.objects.count()
    batch = 5000
    t0 = time.perf_counter()
    for offset in range(0, claims, batch):
        people = [
            Participant(
                kpj=f"{40000000000 + start + i:011d}",
                nik_encrypted=blob,
                nik_index=f"bench-{start + i:058d}",
                full_name=f"Peserta Bench {start + i}",
                birth_date=today.replace(year=1980),
                sex="L",
                category="PU",
                status="nonaktif",
                status_since=today,
                branch=jkt if (start + i) % 2 == 0 else bdg,
                registered_on=today.replace(year=2010),
            )
            for i in range(offset, min(offset + batch, claims))
        ]
        Participant.objects.bulk_create(people, batch_size=batch)
        rows = []
        for p in people:
            status = rng.choices(names, weights)[0]
            gross = rng.choice([3_000_000, 12_000_000, 40_000_000, 75_000_000, 300_000_000])
            rows.append(
                Claim(
                    participant=p,
                    branch_id=p.branch_id,
                    nik_index=p.nik_index,
                    reason="resign",
                    status=status,
                    gross_idr=gross,
                    net_idr=gross,
                    bank_code="014",
                    bank_account_number="1234567890",
                    bank_account_name=p.full_name,
                    submitted_at=timezone.now(),
                    due_date=today + dt_days(rng.randint(-15, 15)),
                    interview_required=gross > 15_000_000,
                    second_approval_required=gross > 50_000_000,
                )
            )
        Claim.objects.bulk_create(rows, batch_size=batch)
        checks = [
            ClaimCheck(
                claim=c,
                code="name_match",
                result=rng.choice(["pass", "pass", "pass", "warning", "fail"]),
                message="-",
            )
            for c in rows
        ]
        ClaimCheck.objects.bulk_create(checks, batch_size=batch)
        print(f"{offset + len(people)} claims", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load (visibility map)
    print(f"prepared {claims} claims in {time.perf_counter() - t0:.0f} s")


def dt_days(n: int) -> Any:
    import datetime as dt

    return dt.timedelta(days=n)


def staff(email: str, role: str, branch_code: str | None) -> Any:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    from participants.models import Branch, User

    user, _ = User.objects.get_or_create(
        email=email,
        defaults={"is_staff": True, "branch": Branch.objects.get(code=branch_code) if branch_code else None},
    )
    user.groups.add(Group.objects.get(name=role))
    if not Authenticator.objects.filter(user=user).exists():
        TOTP.activate(user, "MRSW23ZNOBSXI5LHMFZS22TLOQWTAMJB")
    return user


def signed_in(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.session
    session["account_authentication_methods_user"] = str(user.pk)
    session["account_authentication_methods"] = [{"method": "mfa", "at": time.time(), "type": "totp"}]
    session.save()
    return client


def run(repeat: int) -> None:
    setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims.models import Claim

    total = Claim.objects.count()
    kpj = (
        Claim.objects.filter(participant__branch__code="JKT01")
        .values_list("participant__kpj", flat=True)
        .first()
    )
    pages = {
        "queue (open, by due date)": "",
        "filter: breached": "?jatuh_tempo=breached",
        "filter: failed checks": "?verifikasi=fail",
        "filter: Rp50-250 juta + 2nd approval": "?jumlah=50to250&second_approval_required__exact=1",
        "all statuses, page 50": "?status=semua&p=50",
        "search by KPJ": f"?q={kpj}",
    }
    users = {
        "reviewer JKT01": staff("bench.petugas@bench.local", "reviewer", "JKT01"),
        "auditor (all)": staff("bench.auditor@bench.local", "auditor", None),
    }
    print(f"claims in the database: {total:,}")
    for who, user in users.items():
        client = signed_in(user)
        for label, query in pages.items():
            url = f"/admin/claims/claim/{query}"
            client.get(url)  # warm-up
            times, queries = [], 0
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as captured:
                    t0 = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                queries = len(captured.captured_queries)
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            median = statistics.median(times)
            print(f"{who:15} {label:38} queries {queries:2}  median {median:6.1f} ms  p95 {p95:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--claims", type=int, default=100_000)
    r = sub.add_parser("run")
    r.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    if args.cmd == "prepare":
        prepare(args.claims)
    else:
        run(args.repeat)


if __name__ == "__main__":
    main()
