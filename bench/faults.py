"""Fault benchmarks for issue 17 (bench/README.md, "Faults"): not part of `make test`.

    PYTHONPATH=. nice -n 5 .venv/bin/python bench/faults.py kills [--rounds 20]
    PYTHONPATH=. nice -n 5 .venv/bin/python bench/faults.py outage [--jobs 1000]

Needs the test services' environment (`eval "$(scripts/services.sh env test)"`, DJANGO_DEBUG=true); it
migrates and fills the DATABASE_URL database, and runs its own redis-server and workers
(tests/faults/worker.py: solo pool, the seams of tests/faults/seams.py).

`kills`: per money task (crediting by the reconcile task, a claim's payout), `rounds` times: the task
pauses after the money moved and before its transaction commits, the worker running it is SIGKILLed,
a second worker is already running (as with more than one worker, or a supervisor's restart). Counts
whether the effect happened exactly once and how long after the kill it was done. The workers run with
the fault tests' short limits (hard limit 10 s, countdown 2 s, margins 1 s: visibility timeout 13 s,
stale run after 11 s), the sweeper every second; production's figures follow from the same formulas.

`outage`: Redis stopped, `jobs` effects recorded (each a `portal.tasks.heartbeat` with its own key),
Redis started, the sweeper every `--sweep-every` seconds (30, as beat in production): time until all
are done, and how many were lost (not done) or run twice.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from portal.celery import app  # noqa: E402
from portal.effects.models import Effect, EffectStatus  # noqa: E402
from portal.effects.services import effect_schedule, effects_sweep  # noqa: E402
from tests.faults.conftest import RedisServer, Worker  # noqa: E402
from tests.faults.seams import bank_transfers  # noqa: E402


def _wait(check: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def _use_broker(url: str) -> None:
    app.conf.broker_url = url
    app._after_fork()  # as tests/faults/conftest.py: rebuild the producer pool for this URL


class Cluster:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.redis = RedisServer(directory)
        self.redis.start()
        _use_broker(self.redis.url())
        database_url = os.environ["DATABASE_URL"]
        self.workers = [Worker(directory, self.redis.url(), database_url, name=n) for n in ("a", "b")]
        for worker in self.workers:
            worker.start()

    def paused_worker(self, point: str) -> Worker:
        pid = int((self.directory / f"paused-{point}").read_text())
        return next(w for w in self.workers if w.process is not None and w.process.pid == pid)

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.redis.stop()


def _crediting_round(cluster: Cluster, sweep_every: float) -> tuple[bool, float]:
    from contributions.models import Payment, PaymentStatus
    from contributions.services import payment_create
    from contributions.tasks import sync_payment
    from participants.ledger.models import EntryKind, LedgerEntry
    from tests.contributions.factories import bpu_participant, gateway_says

    participant = bpu_participant()
    payment = payment_create(
        user=participant.user, participant_public_id=participant.public_id, months=1, channel="bca_va"
    )
    gateway_says(payment, "settlement")
    (cluster.directory / "arm-credit").write_text("")
    sync_payment.delay(payment.pk)
    assert _wait(lambda: (cluster.directory / "paused-credit").exists(), 120), "no pause"
    victim = cluster.paused_worker("credit")
    (cluster.directory / "paused-credit").unlink()
    victim.kill()
    killed = time.monotonic()
    victim.start(wait=False)
    done = _wait(lambda: Payment.objects.get(pk=payment.pk).status == PaymentStatus.SETTLEMENT, 600)
    delay = time.monotonic() - killed
    entries = LedgerEntry.objects.filter(account_id=participant.pk, kind=EntryKind.CONTRIBUTION).count()
    _wait(victim._ready, 120)
    return done and entries == 1, delay


def _payout_round(cluster: Cluster, sweep_every: float) -> tuple[bool, float]:
    from claims.models import Claim, ClaimPayout
    from claims.models import ClaimStatus as S
    from claims.tasks import pay_claim
    from tests.claims.factories import claim_in

    claim = claim_in(S.PAYING)
    (cluster.directory / "arm-payout").write_text("")
    with transaction.atomic():
        effect = effect_schedule(pay_claim, claim.pk)
    assert _wait(lambda: (cluster.directory / "paused-payout").exists(), 120), "no pause"
    victim = cluster.paused_worker("payout")
    (cluster.directory / "paused-payout").unlink()
    victim.kill()
    killed = time.monotonic()
    victim.start(wait=False)

    def paid() -> bool:
        effects_sweep()  # what beat does every 30 s in production
        return Effect.objects.get(pk=effect.pk).status == EffectStatus.DONE

    done = _wait_sweeping(paid, sweep_every, 600)
    delay = time.monotonic() - killed
    moves = [t for t in bank_transfers(cluster.directory) if claim.public_id.hex in t["reference"]]
    once = (
        done
        and Claim.objects.get(pk=claim.pk).status == S.PAID
        and ClaimPayout.objects.filter(claim=claim).count() == 1
        and len(moves) == 1  # the money moved once
    )
    _wait(victim._ready, 120)
    return once, delay


def _wait_sweeping(check: Any, sweep_every: float, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(sweep_every)
    return False


def kills(rounds: int, sweep_every: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cluster = Cluster(Path(tmp))
        try:
            for name, run in (("crediting", _crediting_round), ("payout", _payout_round)):
                results = []
                for n in range(rounds):
                    results.append(run(cluster, sweep_every))
                    ok, delay = results[-1]
                    print(f"  {name} round {n + 1}: once={ok} done {delay:.1f} s after the kill", flush=True)
                delays = sorted(d for _, d in results)
                once = sum(ok for ok, _ in results)
                print(
                    f"{name}: exactly once {once}/{rounds}; done after the kill: "
                    f"median {statistics.median(delays):.1f} s, max {delays[-1]:.1f} s",
                    flush=True,
                )
            print(f"bank: {len(bank_transfers(cluster.directory))} transfers", flush=True)
        finally:
            cluster.stop()


def outage(jobs: int, sweep_every: float) -> None:
    from portal.models import Heartbeat
    from portal.tasks import heartbeat

    with tempfile.TemporaryDirectory() as tmp:
        cluster = Cluster(Path(tmp))
        try:
            Heartbeat.objects.filter(key__startswith="bench-").delete()
            cluster.redis.stop()
            started = time.monotonic()
            ids = []
            for n in range(jobs):
                with transaction.atomic():
                    ids.append(effect_schedule(heartbeat, f"bench-{n}").pk)
            recorded = time.monotonic() - started
            mine = Effect.objects.filter(pk__in=ids)
            cluster.redis.start()
            back = time.monotonic()

            def all_done() -> bool:
                return mine.filter(status=EffectStatus.DONE).count() == jobs

            # Beat's sweep falls anywhere in its period after Redis is back: first after half a period.
            next_sweep = back + sweep_every / 2
            done = False
            while not done and time.monotonic() - back < 600:
                if time.monotonic() >= next_sweep:
                    effects_sweep()
                    next_sweep += sweep_every
                done = all_done()
                time.sleep(0.2)
            took = time.monotonic() - back
            runs = list(mine.values_list("attempts", flat=True))
            beats = Heartbeat.objects.filter(key__startswith="bench-").count()
            print(
                f"outage: {jobs} effects recorded in {recorded:.1f} s with Redis down; all done={done} "
                f"{took:.1f} s after Redis returned; heartbeat rows {beats}; lost {jobs - beats}; "
                f"run more than once {sum(1 for r in runs if r > 1)}",
                flush=True,
            )
        finally:
            cluster.stop()


def _continue_factory_sequences() -> None:
    """The test factories number from 0 in every process; start after what earlier runs left."""
    from participants.models import Participant, User
    from tests.factories import BranchFactory, ParticipantFactory, UserFactory

    start = max(Participant.objects.count(), User.objects.count()) + 1000
    for factory in (UserFactory, ParticipantFactory, BranchFactory):
        factory.reset_sequence(start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["kills", "outage"])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--sweep-every", type=float, default=None)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    _continue_factory_sequences()
    if args.mode == "kills":
        kills(args.rounds, args.sweep_every or 1.0)
    else:
        outage(args.jobs, args.sweep_every or 30.0)


if __name__ == "__main__":
    sys.exit(main())
