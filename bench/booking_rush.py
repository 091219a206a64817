"""Antrian online under a rush: many accounts booking the same few slots at once, and the slot list.

Setup: one branch service (30-minute slots, `CAPACITY` seats, open 08:00-15:00 Monday to Friday) and
`USERS` accounts. Load: `THREADS` threads each take accounts from a shared queue and book the first
slot of the first open day that still has a free seat (what people do when a branch publishes its
quota), calling `booking_create` directly (no HTTP stack: this measures the seat-taking, not Django's
middleware). Afterwards it checks that no slot holds more bookings than seats and that every seat
counter equals its number of bookings. Then it times `free_slots` (the slot list of 14 days) with every
slot of the window having a row.

Needs a migrated throwaway database (it creates rows and does not delete them):
    DATABASE_URL=.../portal_bench_branches manage.py migrate
    DATABASE_URL=.../portal_bench_branches .venv/bin/python bench/booking_rush.py [users] [threads]
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import queue
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

USERS = 600
THREADS = 8
CAPACITY = 4


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count, F
    from django.utils import timezone

    from branches.models import Booking, BranchService, OpeningHours, ServiceKind, TimeSlot
    from branches.selectors import free_slots
    from branches.services import BookingError, booking_create
    from participants.models import Branch, User

    users_n = int(sys.argv[1]) if len(sys.argv) > 1 else USERS
    threads_n = int(sys.argv[2]) if len(sys.argv) > 2 else THREADS
    settings.BRANCHES_BOOKING_RATE_LIMIT = (1000, 3600)
    run = int(time.time())
    branch = Branch.objects.create(code=f"B{run % 10**8}", name="Bench")
    for weekday in range(5):
        OpeningHours.objects.create(
            branch=branch, weekday=weekday, opens_at=dt.time(8), closes_at=dt.time(15)
        )
    service = BranchService.objects.create(branch=branch, service=ServiceKind.KONSULTASI, capacity=CAPACITY)
    users = User.objects.bulk_create([User(email=f"rush{run}-{i}@bench.local") for i in range(users_n)])
    now = timezone.now()
    days = free_slots(branch_service=service, now=now)
    starts = [s.starts_at for d in days for s in d.slots]

    work: queue.Queue[User] = queue.Queue()
    for u in users:
        work.put(u)
    latencies: list[float] = []
    outcomes = {"booked": 0, "full": 0, "other": 0}
    lock = threading.Lock()

    def worker() -> None:
        index = 0
        try:
            while True:
                try:
                    user = work.get_nowait()
                except queue.Empty:
                    return
                while index < len(starts):
                    t0 = time.perf_counter()
                    try:
                        booking_create(
                            user=user, branch_service_id=service.pk, starts_at=starts[index], now=now
                        )
                        result = "booked"
                    except BookingError as exc:
                        result = "full" if exc.code == "full" else "other"
                    elapsed = time.perf_counter() - t0
                    with lock:
                        latencies.append(elapsed)
                        outcomes[result] += 1
                    if result == "booked":
                        break
                    index += 1
        finally:
            connection.close()

    t0 = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads_n)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - t0

    over = TimeSlot.objects.filter(branch_service=service, booked_count__gt=F("capacity")).count()
    mismatched = (
        TimeSlot.objects.filter(branch_service=service)
        .annotate(n=Count("bookings"))
        .exclude(n=F("booked_count"))
        .count()
    )
    booked = Booking.objects.filter(slot__branch_service=service).count()
    q = sorted(latencies)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores (shared), python {platform.python_version()}"
    )
    print(f"users {users_n}, threads {threads_n}, capacity {CAPACITY}/slot, slots offered {len(starts)}")
    print(
        f"attempts {len(q)} ({outcomes}), bookings {booked}, wall {wall:.2f}s, {booked / wall:.0f} bookings/s"
    )
    p95 = q[int(len(q) * 0.95)]
    print(f"attempt latency median {statistics.median(q) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
    print(f"overbooked slots {over}, counter mismatches {mismatched}")

    timings = []
    for _ in range(50):
        t1 = time.perf_counter()
        free_slots(branch_service=service, now=now)
        timings.append(time.perf_counter() - t1)
    timings.sort()
    rows = TimeSlot.objects.filter(branch_service=service).count()
    slow = timings[int(len(timings) * 0.95)]
    print(
        f"free_slots (14 days, {rows} slot rows): "
        f"median {statistics.median(timings) * 1000:.1f} ms, p95 {slow * 1000:.1f} ms"
    )
    if over or mismatched:
        sys.exit(1)


if __name__ == "__main__":
    main()
