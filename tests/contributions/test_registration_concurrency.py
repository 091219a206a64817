"""KPJ allocation under concurrency: two registrations confirmed at the same moment, drawing the same
random number first, both complete with distinct KPJs; two confirmations of one NIK make one KPJ."""

from __future__ import annotations

import datetime as dt
import re
import threading
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection

from contributions import kpj as kpj_module
from contributions.models import PendingBpuRegistration
from contributions.registration import RegistrationError, bpu_registration_confirm, bpu_registration_start
from notifications.services import outbox_deliver_queued
from participants.models import Participant, User
from tests.factories import BranchFactory, make_nik

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("rates")]

BORN = dt.date(1988, 9, 2)
PASSWORD = "Sandi-Bersamaan-2026!"
COLLIDING = "31415926535"


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    """The codes' send tasks are not pushed to the broker; `_start` delivers the queued rows itself."""
    from notifications import tasks

    monkeypatch.setattr(tasks.send_outbox, "delay_on_commit", lambda outbox_id: None)


def _start(nik: str, email: str, branch: Any) -> tuple[PendingBpuRegistration, str]:
    pending = bpu_registration_start(
        nik=nik,
        full_name="Andi Wijaya",
        birth_date=BORN,
        sex="L",
        address="Jl. Pemuda 1, Semarang",
        phone="081298765432",
        email=email,
        work_type="ojol",
        declared_income_idr=2_500_000,
        with_jht=False,
        branch=branch,
    )
    outbox_deliver_queued()  # the code leaves through the outbox: stand in for its worker
    match = re.search(r"^\s+(\d{6})\s*$", mail.outbox[-1].body, re.MULTILINE)
    assert match is not None
    return pending, match.group(1)


def _run_concurrently(jobs: list[tuple[Any, str]]) -> list[Any]:
    results: list[Any] = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def work(i: int, pending: Any, code: str) -> None:
        try:
            barrier.wait()
            results[i] = bpu_registration_confirm(registration_id=pending.pk, code=code, password=PASSWORD)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    connection.close()
    threads = [threading.Thread(target=work, args=(i, p, c)) for i, (p, c) in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_concurrent_registrations_drawing_the_same_number_get_distinct_kpjs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache.clear()
    branch = BranchFactory()
    jobs = [
        _start(make_nik(birth_date=BORN, sex="L", serial=101), "satu@contoh.id", branch),
        _start(make_nik(birth_date=BORN, sex="L", serial=102), "dua@contoh.id", branch),
    ]
    draws: list[str] = []
    lock = threading.Lock()
    first_draw = threading.Barrier(2)
    real = kpj_module.kpj_generate

    def colliding_generator() -> str:
        with lock:
            first = sum(1 for d in draws if d == COLLIDING) < 2
        if first:
            first_draw.wait()  # both threads draw the same number at the same moment
            value = COLLIDING
        else:
            value = real()
        with lock:
            draws.append(value)
        return value

    monkeypatch.setattr(kpj_module, "kpj_generate", colliding_generator)
    results = _run_concurrently(jobs)

    assert all(not isinstance(r, Exception) for r in results), results
    kpjs = sorted(r.participant.kpj for r in results)
    assert len(set(kpjs)) == 2
    assert COLLIDING in kpjs
    assert draws.count(COLLIDING) == 2  # both drew it; the loser retried with a fresh number
    assert len(draws) == 3
    assert Participant.objects.count() == 2
    assert User.objects.count() == 2
    assert set(Participant.objects.values_list("kpj", flat=True)) == set(kpjs)


def test_two_confirmations_of_one_nik_make_one_kpj() -> None:
    cache.clear()
    branch = BranchFactory()
    nik = make_nik(birth_date=BORN, sex="L", serial=103)
    first = _start(nik, "pertama@contoh.id", branch)
    second = _start(nik, "kedua@contoh.id", branch)
    # Starting again voided the first; revive it to get two live confirmations of the same NIK.
    PendingBpuRegistration.objects.filter(pk=first[0].pk).update(voided_at=None)

    results = _run_concurrently([first, second])

    created = [r for r in results if not isinstance(r, Exception)]
    # The loser finds the NIK registered: its code answers "void", like any spent code (no oracle).
    refused = [r for r in results if isinstance(r, RegistrationError) and r.reason == "void"]
    assert len(created) == 1
    assert len(refused) == 1
    assert Participant.objects.count() == 1
    assert User.objects.count() == 1
