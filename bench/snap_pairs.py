"""SNAP partner payments: inquiry + payment pairs over HTTP from a fake bank against gunicorn.

Budget (issue #24): ≥ 200 pairs/s on 2 cores with production settings, p95 ≤ 150 ms per pair, every
payment credited exactly once.

Setup (in this process): `PAIRS` BPU participants with a declared income, and the demo partner (its
published key pair; the client secret is encrypted with this run's throwaway NIK key). Server: gunicorn
with gunicorn.conf.py (2 workers x 4 threads), production settings from bench/production_env.sh.
Load: `CLIENTS` threads of the fake bank (partners.fakebank, real signatures), each with a keep-alive
HTTP connection, one access token for all; each pair = inquiry for a fresh KPJ, then payment of the
quoted amount. Receipts are rendered by a worker in production: here their tasks are only enqueued in
Redis and purged afterwards. Checks: every answer 2002400/2002500, one payment, one contribution and
one ledger entry per pair.

Needs a migrated throwaway database (it creates rows and does not delete them):
    eval "$(scripts/services.sh env test)"; . bench/production_env.sh
    createdb ... portal_bench_snap; DATABASE_URL=.../portal_bench_snap .venv/bin/python manage.py migrate
    DATABASE_URL=.../portal_bench_snap nice -n 5 .venv/bin/python bench/snap_pairs.py [pairs] 2>/tmp/bench.log
"""

from __future__ import annotations

import contextlib
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

PAIRS = 3000
CLIENTS = 8
PORT = int(os.environ.get("BENCH_PORT", "8766"))


def setup(pairs: int) -> list[str]:
    import django

    django.setup()
    from django.core.cache import cache

    from bench._people import make_participants
    from contributions.models import BpuProfile
    from partners.demo import CLIENT_ID, load_demo_partner
    from partners.models import Credential

    cache.clear()  # tokens and rate-limit counters of an earlier run
    prefix = f"8{random.randrange(10**3):03d}"
    people = make_participants(pairs, kpj_prefix=prefix, bpu=True)
    BpuProfile.objects.bulk_create(
        BpuProfile(participant=p, declared_income_idr=2_000_000, with_jht=True) for p in people
    )
    # The client secret is encrypted with this run's throwaway NIK key: re-register it every run.
    Credential.objects.filter(partner__client_id=CLIENT_ID).delete()
    load_demo_partner()
    return [p.kpj for p in people]


def serve() -> subprocess.Popen[bytes]:
    env = {**os.environ, "WEB_BIND": f"127.0.0.1:{PORT}", "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "portal.wsgi", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open("/tmp/bench-snap-gunicorn.log", "wb"),  # noqa: SIM115, S108 - lives as long as the server
    )
    import httpx

    for _ in range(300):
        try:
            # Any answer will do (405: GET on a POST endpoint); /healthz also checks the Celery workers.
            httpx.get(f"http://127.0.0.1:{PORT}/snap/v1.0/access-token/b2b", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start: see /tmp/bench-snap-gunicorn.log")


def server_cpu_seconds(master: int) -> float:
    """User + system CPU of gunicorn's workers so far (from /proc; clock ticks → seconds)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def loop_ms() -> float:
    """CPU time of a fixed pure-Python loop: how slow this machine's CPU is right now (contention,
    frequency), to compare runs made under different load."""
    started, total = time.process_time(), 0
    for i in range(3_000_000):
        total += i
    return (time.process_time() - started) * 1000


def main() -> None:
    pairs = int(sys.argv[1]) if len(sys.argv) > 1 else PAIRS
    kpjs = setup(pairs)
    server = serve()
    try:
        import httpx

        from partners.fakebank import demo_bank

        base = f"http://127.0.0.1:{PORT}"
        first = demo_bank(base)
        token = first.get_token()
        assert token.status == 200, token.answer
        latencies: list[float] = []
        codes: dict[str, int] = {}
        lock = threading.Lock()
        work = list(kpjs)
        # Warm each worker process (URLconf, imports) like a serving worker is before its first request.
        for _ in range(8):
            first.inquiry("00000000000")

        def client() -> None:
            bank = demo_bank(base, client=httpx.Client(base_url=base, timeout=30))
            bank.token = first.token
            while True:
                with lock:
                    if not work:
                        return
                    kpj = work.pop()
                request_id = uuid.uuid4().hex
                started = time.perf_counter()
                asked = bank.inquiry(kpj, request_id)
                answer = asked.answer if isinstance(asked.answer, dict) else {}
                outcome = [answer.get("responseCode", "?")]
                if asked.status == 200:
                    amount = asked.answer["virtualAccountData"]["totalAmount"]["value"]
                    paid = bank.payment(kpj, request_id, amount)
                    paid_answer = paid.answer if isinstance(paid.answer, dict) else {}
                    outcome.append(paid_answer.get("responseCode", "?"))
                elapsed = time.perf_counter() - started
                bank.log.clear()
                with lock:
                    latencies.append(elapsed)
                    key = "/".join(outcome)
                    codes[key] = codes.get(key, 0) + 1

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        cpu_before = server_cpu_seconds(server.pid)
        wall = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - wall
        server_cpu = server_cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=30)

    from contributions.models import Payment
    from participants.ledger.models import LedgerEntry
    from participants.models import Contribution
    from portal.celery import app

    kpj_set = set(kpjs)
    payments = Payment.objects.filter(participant__kpj__in=kpj_set).count()
    contributions = Contribution.objects.filter(participant__kpj__in=kpj_set).count()
    entries = LedgerEntry.objects.filter(account__kpj__in=kpj_set).count()
    with app.connection_for_write() as conn:
        for queue in ("payments", "pdf", "notifications", "celery"):
            with contextlib.suppress(Exception):  # a queue that does not exist has nothing to purge
                conn.default_channel.queue_purge(queue)
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cpus; load {os.getloadavg()}; "
        f"3M-step Python loop {loop_ms():.0f} ms CPU"
    )
    print(
        f"pairs: {len(latencies)} in {wall:.1f} s = {len(latencies) / wall:.0f} pairs/s "
        f"({CLIENTS} client threads, 2 workers x 4 threads)"
    )
    print(
        f"pair latency: median {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms"
    )
    print(f"app CPU (gunicorn workers) per pair: {server_cpu / len(latencies) * 1000:.1f} ms")
    print(f"answers: {codes}")
    print(
        f"credited: {payments} payments, {contributions} contributions, {entries} ledger entries "
        f"for {pairs} pairs"
    )
    ok = payments == contributions == entries == pairs and codes == {"2002400/2002500": pairs}
    print("exactly once: " + ("yes" if ok else "NO"))


if __name__ == "__main__":
    main()
