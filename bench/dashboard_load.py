"""Open-loop HTTP load on the participant dashboard (budget: p95 <= 50 ms at 100 req/s, 0 errors;
at 4x that rate for 60 s no 500s — overload must be answered 503).

    python bench/dashboard_load.py prepare --users 1000       # sessions for scale participants
    python bench/dashboard_load.py run --url http://127.0.0.1:8765/peserta/ --rate 100 --seconds 60

`prepare` links N scale participants (from `seed_scale`) to new accounts and writes one logged-in
session cookie per account to .local/bench-sessions.txt. `run` sends requests at a fixed rate whatever
the server's speed (open loop: a slow server does not slow the load down, like real users), each with a
random session, and reports latency percentiles and the status codes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

SESSIONS = Path(__file__).resolve().parent.parent / ".local" / "bench-sessions.txt"


def prepare(users: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.utils import timezone

    from accounts.middleware import LAST_ACTIVITY_KEY
    from participants.models import Participant, User

    backend = "django.contrib.auth.backends.ModelBackend"
    cookies = []
    with transaction.atomic():
        # Accounts made by an earlier `prepare` get fresh sessions; new ones only for the shortfall.
        accounts = list(User.objects.filter(email__endswith="@bench.invalid").order_by("pk")[:users])
        ids = list(
            Participant.objects.filter(kpj__startswith="3", user__isnull=True)
            .order_by("?")
            .values_list("id", flat=True)[: users - len(accounts)]
        )
        for pk in ids:
            user = User.objects.create_user(f"bench{pk}@bench.invalid", None)
            Participant.objects.filter(pk=pk).update(user=user)
            accounts.append(user)
        for user in accounts:
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = backend
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session[LAST_ACTIVITY_KEY] = int(timezone.now().timestamp())
            session.create()
            cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    SESSIONS.write_text("\n".join(cookies) + "\n")
    print(f"{len(cookies)} sessions written to {SESSIONS}")


async def run(url: str, rate: float, seconds: float) -> int:
    import httpx

    cookies = SESSIONS.read_text().split()
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
    async with httpx.AsyncClient(limits=limits, timeout=30, follow_redirects=False) as client:

        async def one() -> None:
            started = time.perf_counter()
            try:
                response = await client.get(url, headers={"Cookie": random.choice(cookies)})
                statuses[str(response.status_code)] += 1
            except httpx.HTTPError as exc:
                statuses[type(exc).__name__] += 1
                return
            latencies.append((time.perf_counter() - started) * 1000)

        tasks = []
        begin = time.perf_counter()
        total = int(rate * seconds)
        for n in range(total):
            delay = begin + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one()))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - begin
    latencies.sort()

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] if latencies else float("nan")
        )

    print(f"target {rate:.0f} req/s for {seconds:.0f}s: sent {total}, achieved {total / elapsed:.1f} req/s")
    print(f"status codes: {dict(sorted(statuses.items()))}")
    if latencies:
        print(
            f"latency ms: p50 {pct(50):.1f}  p95 {pct(95):.1f}  p99 {pct(99):.1f}  "
            f"max {latencies[-1]:.1f}  mean {statistics.fmean(latencies):.1f}"
        )
    return 0 if statuses.get("500", 0) == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--users", type=int, default=1000)
    r = sub.add_parser("run")
    r.add_argument("--url", required=True)
    r.add_argument("--rate", type=float, default=100)
    r.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.users)
        return 0
    return asyncio.run(run(args.url, args.rate, args.seconds))


if __name__ == "__main__":
    sys.exit(main())
