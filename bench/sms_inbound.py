"""Inbound SMS throughput: `POST /sms/inbound/` with a reply queued for each, 2 processes x 4 threads.

Budget (issue #7): ≥ 200 messages/s on 2 cores with a reply queued for each.

Setup: `PEOPLE` participants with a JHT balance row, half of them registered for the SMS service.
Load: `MESSAGES` inbound messages, each with its own provider message id, shuffled: 60 % `SALDO <KPJ>`
from the registered phone, 10 % `SALDO` from an unregistered phone, 15 % `DAFTAR SALDO#…` with
matching data (new registrations) or a wrong date of birth (refused), 15 % free text (help). Every
sender stays under the per-sender rate limit. Delivered through Django's full request stack (test
client, middleware included) by 2 worker processes (one per core, like 2 gunicorn workers) of 4
threads. Each reply is written to the outbox and its send task enqueued in Redis (the real broker)
after commit; the queued tasks are purged afterwards. Checks: every message answered 200, one
InboundSms row and one queued reply per message.

Needs a migrated throwaway database (it creates rows and does not delete them):
    createdb portal_bench_sms; DATABASE_URL=.../portal_bench_sms manage.py migrate
    DATABASE_URL=.../portal_bench_sms .venv/bin/python bench/sms_inbound.py [messages]
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import platform
import random
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SMS_SENDER", "fake")
os.environ.setdefault("SMS_INBOUND_SECRET", "bench-secret")

MESSAGES = 6000
PEOPLE = 2000
PROCESSES = 2
THREADS = 4
URL = "/sms/inbound/"


def setup(messages: int) -> list[bytes]:
    import django

    django.setup()
    from django.core.cache import cache
    from django.utils import timezone

    from bench._people import make_participants
    from notifications.models import SmsRegistration
    from participants.ledger.models import EntryKind
    from participants.ledger.services import NewEntry, ledger_post_batch

    cache.clear()  # rate-limit counters of an earlier run
    prefix = f"9{random.randrange(10**3):03d}"
    people = make_participants(PEOPLE, kpj_prefix=prefix, bpu=False)
    # Opening balances through the ledger, like every balance (one entry each, balance = sum of entries).
    ledger_post_batch(
        entries=[
            NewEntry(
                account_id=p.pk,
                kind=EntryKind.CORRECTION,
                amount_idr=1_000_000 + i,
                value_date=timezone.localdate(),
                idempotency_key=f"bench-sms:{p.pk}",
                reason="saldo awal benchmark",
            )
            for i, p in enumerate(people)
        ]
    )
    registered = people[: PEOPLE // 2]
    SmsRegistration.objects.bulk_create(
        SmsRegistration(participant=p, phone="62" + p.phone[1:]) for p in registered
    )
    rng = random.Random(7)
    bodies = []
    unregistered = people[PEOPLE // 2 :]
    for i in range(messages):
        roll = rng.random()
        if roll < 0.60:
            p = registered[i % len(registered)]
            sender, text = p.phone, f"SALDO {p.kpj}"
        elif roll < 0.70:
            p = people[i % len(people)]
            sender, text = f"0857{i:08d}", f"SALDO {p.kpj}"
        elif roll < 0.85:
            p = unregistered[i % len(unregistered)]
            dob = "15-06-1985" if i % 2 else "16-06-1985"
            sender = f"0858{i:08d}"
            text = f"DAFTAR SALDO#{p.nik}#{p.full_name}#{dob}#{p.kpj}"
        else:
            sender, text = f"0859{i:08d}", "cek saldo jht saya dong"
        bodies.append(json.dumps({"from": sender, "text": text, "message_id": uuid.uuid4().hex}).encode())
    rng.shuffle(bodies)
    return bodies


def worker(core: int, bodies: list[bytes], start_at: float, out: mp.Queue) -> None:  # type: ignore[type-arg]
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core % (os.cpu_count() or 1)})
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    headers = {"X-SMS-Secret": os.environ["SMS_INBOUND_SECRET"]}
    Client().post(URL, data=b"{}", content_type="application/json", headers=headers)  # warm up
    chunks = [bodies[i::THREADS] for i in range(THREADS)]
    latencies: list[float] = []
    codes: dict[int, int] = {}
    lock = threading.Lock()

    def run(chunk: list[bytes]) -> None:
        client = Client()
        try:
            for body in chunk:
                t0 = time.perf_counter()
                code = client.post(
                    URL, data=body, content_type="application/json", headers=headers
                ).status_code
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
    n = int(sys.argv[1]) if len(sys.argv) > 1 else MESSAGES
    print(f"{platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()}")
    t0 = time.perf_counter()
    bodies = setup(n)
    print(f"setup: {PEOPLE} participants, {n} messages in {time.perf_counter() - t0:.1f} s")
    from django.db import connection

    from notifications.models import InboundSms, Outbox

    before_inbound, before_replies = (
        InboundSms.objects.count(),
        Outbox.objects.filter(event="sms_reply").count(),
    )
    connection.close()
    ctx = mp.get_context("spawn")
    out: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    start_at = time.time() + 8.0
    procs = [
        ctx.Process(target=worker, args=(i, bodies[i::PROCESSES], start_at, out)) for i in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = max(r[2] for r in results) - min(r[4] for r in results)
    latencies = [lat for r in results for lat in r[0]]
    codes: dict[int, int] = {}
    for r in results:
        for code, count in r[1].items():
            codes[code] = codes.get(code, 0) + count
    rate = n / elapsed
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000
    app_cpu = sum(r[3] for r in results)
    print(
        f"{n} inbound messages in {elapsed:.1f} s: {rate:.0f} messages/s; latency median "
        f"{statistics.median(latencies) * 1000:.1f} ms, p95 {p95:.1f} ms; answers {codes}"
    )
    inbound = InboundSms.objects.count() - before_inbound
    replies = Outbox.objects.filter(event="sms_reply").count() - before_replies
    ok = codes.get(200) == n and inbound == n and replies == n
    print(f"one InboundSms and one queued reply per message: {'yes' if ok else 'NO'} ({inbound}, {replies})")
    print(
        f"app CPU (both workers, PostgreSQL and Redis excluded): {app_cpu * 1000 / n:.1f} ms per message; "
        f"load average: {os.getloadavg()[0]:.1f}"
    )
    from portal.celery import app

    with app.connection_for_write() as conn:
        purged = conn.default_channel.queue_purge("notifications")
    print(f"purged {purged} queued send tasks")
    print(f"budget ≥ 200 messages/s: {'OK' if rate >= 200 else 'UNDER'}")
    return 0 if ok and rate >= 200 else 1


if __name__ == "__main__":
    raise SystemExit(main())
