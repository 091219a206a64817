"""Notification handling throughput: settlement notifications with duplicates, 2 processes x 4 threads.

Budget (issue): ≥ 200 notifications/s sustained on 2 cores with no duplicates credited.

Setup: `PAYMENTS` BPU participants, each with a 3-month payment opened through the fake gateway and
settled at the gateway. Load: every payment's settlement notification is delivered `COPIES` times (the
original plus duplicates), shuffled, by 2 worker processes (one per core, like 2 gunicorn workers) of 4
threads each, through Django's full request stack (middleware included, via the test client — no
socket or load generator competing for the CPU). Afterwards it checks that every payment was credited
exactly once (3 contribution rows, 3 ledger entries, one settlement event, one stored notification).

Needs a migrated throwaway database (it creates rows and does not delete them):
    createdb portal_bench_payments; DATABASE_URL=.../portal_bench_payments manage.py migrate
    DATABASE_URL=.../portal_bench_payments .venv/bin/python bench/notifications.py [payments] [copies]
"""

from __future__ import annotations

import multiprocessing as mp
import os
import platform
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("PAYMENT_GATEWAY", "fake")

PAYMENTS = 1000
COPIES = 3
PROCESSES = 2
THREADS = 4
URL = "/payments/midtrans/notification/"


def setup(n: int) -> list[bytes]:
    import django

    django.setup()
    from django.test.utils import override_settings

    from contributions.models import BpuProfile, FakeCharge
    from contributions.services import payment_create
    from participants.models import Category, Participant, User
    from tests.contributions.factories import notification
    from tests.factories import ParticipantFactory, UserFactory

    # Re-runnable on the same database: continue the factories' sequences after existing rows.
    ParticipantFactory.reset_sequence(Participant.objects.count() + 1)
    UserFactory.reset_sequence(User.objects.count() + 1)
    bodies = []
    # The webhook never checks a password: hash the factory's passwords cheaply (setup was ~200 s).
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        users = [UserFactory() for _ in range(n)]
    for user in users:
        participant = ParticipantFactory(category=Category.BPU, user=user)
        BpuProfile.objects.create(participant=participant, declared_income_idr=3_000_000, with_jht=True)
        payment = payment_create(
            user=participant.user, participant_public_id=participant.public_id, months=3, channel="bca_va"
        )
        FakeCharge.objects.filter(order_id=payment.order_id).update(transaction_status="settlement")
        bodies.append(notification(payment, "settlement"))
    return bodies


def worker(core: int, bodies: list[bytes], start_at: float, out: mp.Queue) -> None:  # type: ignore[type-arg]
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core % (os.cpu_count() or 1)})
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    Client().post(URL, data=b"{}", content_type="application/json")  # warm the process
    chunks = [bodies[i::THREADS] for i in range(THREADS)]
    latencies: list[float] = []
    codes: dict[int, int] = {}
    lock = threading.Lock()

    def run(chunk: list[bytes]) -> None:
        client = Client()
        try:
            for body in chunk:
                t0 = time.perf_counter()
                for _attempt in range(5):  # the gateway redelivers on non-2xx
                    code = client.post(URL, data=body, content_type="application/json").status_code
                    if code != 503:
                        break
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    codes[code] = codes.get(code, 0) + 1
        finally:
            connection.close()

    while time.time() < start_at:
        time.sleep(0.01)
    cpu0 = time.process_time()
    began = time.time()
    threads = [threading.Thread(target=run, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put((latencies, codes, time.time(), time.process_time() - cpu0, began))


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else PAYMENTS
    copies = int(sys.argv[2]) if len(sys.argv) > 2 else COPIES
    print(f"{platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()}")
    t0 = time.perf_counter()
    bodies = setup(n)
    print(f"setup: {n} payments in {time.perf_counter() - t0:.1f} s")
    deliveries = [b for b in bodies for _ in range(copies)]
    random.Random(42).shuffle(deliveries)
    from django.db import connection

    connection.close()
    ctx = mp.get_context("spawn")
    out: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    start_at = time.time() + 8.0  # both processes start together after their imports
    procs = [
        ctx.Process(target=worker, args=(i, deliveries[i::PROCESSES], start_at, out))
        for i in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    end = max(r[2] for r in results)
    latencies = [lat for r in results for lat in r[0]]
    codes: dict[int, int] = {}
    for r in results:
        for code, count in r[1].items():
            codes[code] = codes.get(code, 0) + count
    elapsed = end - min(r[4] for r in results)  # from the first worker's actual start
    rate = len(deliveries) / elapsed
    app_cpu = sum(r[3] for r in results)
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000
    print(
        f"{len(deliveries)} notifications ({n} unique settlements x {copies}) in {elapsed:.1f} s: "
        f"{rate:.0f} notifications/s; latency median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {p95:.1f} ms; answers {codes}"
    )

    from django.db.models import Count

    from contributions.models import GatewayNotification, Payment, PaymentEvent
    from participants.ledger.models import LedgerEntry
    from participants.models import Contribution

    order_ids = [b.split(b'"order_id": "')[1].split(b'"')[0].decode() for b in bodies]
    payments = Payment.objects.filter(order_id__in=order_ids)
    participant_ids = list(payments.values_list("participant_id", flat=True))
    bad_contrib = (
        Contribution.objects.filter(participant_id__in=participant_ids)
        .values("participant_id")
        .annotate(n=Count("id"))
        .exclude(n=3)
        .count()
    )
    bad_ledger = (
        LedgerEntry.objects.filter(account_id__in=participant_ids)
        .values("account_id")
        .annotate(n=Count("id"))
        .exclude(n=3)
        .count()
    )
    settled = PaymentEvent.objects.filter(payment__in=payments, to_status="settlement").count()
    stored = GatewayNotification.objects.filter(payment__in=payments).count()
    ok = (
        bad_contrib == 0
        and bad_ledger == 0
        and settled == n
        and stored == n
        and codes.get(200) == len(deliveries)
    )
    print(
        f"credited exactly once: {'yes' if ok else 'NO'} (settlement events {settled}/{n}, stored "
        f"{stored}/{n}, participants with !=3 contributions {bad_contrib}, with !=3 ledger {bad_ledger})"
    )
    print(
        f"app CPU (both workers, PostgreSQL excluded): {app_cpu * 1000 / len(deliveries):.1f} ms "
        f"per notification; load average during the run: {os.getloadavg()[0]:.1f}"
    )
    print(f"budget ≥ 200 notifications/s: {'OK' if rate >= 200 else 'UNDER'}")
    return 0 if ok and rate >= 200 else 1


if __name__ == "__main__":
    raise SystemExit(main())
