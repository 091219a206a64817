"""BPU due-date reminder fan-out: 100,000 reminders queued and sent by real Celery workers.

Budget (issue #7): the fan-out for 100,000 BPU due-date reminders completes in ≤ 5 minutes of worker
time.

Setup: `PEOPLE` active BPU participants with an unpaid current month (80 % with an email address, the
rest reached by SMS through the fake sender). Run: (1) the fan-out itself
(`contributions.notices.due_reminders_fan_out`, what the beat task runs on the 12th: chunks of 500, one
bulk INSERT of outbox rows and one `send_outbox_batch` task per chunk); (2) a real Celery worker on the
`notifications` queue, prefork with 2 processes (2 cores), renders nothing (messages are rendered at
queue time) and sends each message through Django's email backend (`memorymail://`, which builds the
full MIME message) or the fake SMS sender, locking each outbox row. Timed until every reminder's
outbox row is `sent`. Worker time = fan-out wall time + send wall time; CPU seconds are reported too.

Needs a migrated throwaway database (it creates rows and does not delete them):
    createdb portal_bench_fanout; DATABASE_URL=.../portal_bench_fanout manage.py migrate
    DATABASE_URL=.../portal_bench_fanout .venv/bin/python bench/notification_fanout.py [people]
    ... bench/notification_fanout.py --reuse    # again on the previous run's participants
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["SMS_SENDER"] = "fake"
os.environ["EMAIL_URL"] = "memorymail://"
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

PEOPLE = 100_000


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else PEOPLE
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from bench._people import make_participants
    from contributions.billing import current_period
    from contributions.notices import due_reminders_fan_out
    from notifications.models import Outbox, OutboxStatus
    from portal.celery import app

    print(f"{platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()}")
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("notifications")
    from participants.models import Category, Participant

    t0 = time.perf_counter()
    if "--reuse" in sys.argv:
        # The previous run's participants (the only unpaid BPU ones), their reminders forgotten.
        ids = list(
            Participant.objects.filter(category=Category.BPU, protected_until__isnull=True).values_list(
                "pk", flat=True
            )
        )
        Outbox.objects.filter(event="due_reminder", participant_id__in=ids).delete()
        print(f"setup: reusing {len(ids)} BPU participants ({time.perf_counter() - t0:.1f} s)")
    else:
        prefix = f"8{random.randrange(10**3):03d}"
        people = make_participants(n, kpj_prefix=prefix)
        ids = [p.pk for p in people]
        print(f"setup: {n} BPU participants in {time.perf_counter() - t0:.1f} s")
        # Only this run's participants are due (earlier runs' are marked paid for the period).
        Participant.objects.filter(category=Category.BPU).exclude(pk__in=ids).update(
            protected_until=dt.date(2099, 12, 31)
        )
    period = current_period()

    cpu0 = time.process_time()
    t0 = time.perf_counter()
    queued = due_reminders_fan_out(period=period)
    fan_out = time.perf_counter() - t0
    fan_out_cpu = time.process_time() - cpu0
    print(f"fan-out: {queued} messages queued in {fan_out:.1f} s ({fan_out_cpu:.1f} s CPU in this process)")
    connection.close()

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            "notifications",
            "-c",
            "2",
            "--pool",
            "prefork",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    t0 = time.perf_counter()
    reminders = Outbox.objects.filter(event="due_reminder", participant_id__in=ids)
    try:
        while True:
            left = reminders.exclude(status=OutboxStatus.SENT).count()
            if left == 0:
                break
            if time.perf_counter() - t0 > 1800:
                print(f"timed out with {left} unsent")
                break
            time.sleep(1)
    finally:
        sending = time.perf_counter() - t0
        worker.terminate()
        worker.wait(60)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    sent = reminders.filter(status=OutboxStatus.SENT).count()
    by_channel = dict(reminders.values_list("channel").annotate(n=Count("id")).order_by())
    total = fan_out + sending
    print(
        f"send: {sent}/{queued} sent by 2 worker processes in {sending:.1f} s "
        f"({sent / sending:.0f} messages/s; worker CPU {children.ru_utime + children.ru_stime:.1f} s); "
        f"channels {by_channel}"
    )
    print(
        f"worker time (fan-out + send): {total:.1f} s = {total / 60:.2f} min; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    ok = sent == queued == reminders.count() and total <= 300
    print(f"budget ≤ 5 minutes for {n} reminders: {'OK' if ok else 'NOT MET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
