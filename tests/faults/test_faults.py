"""Fault injection (marker `faults`, run by `make test` with the browser and real-worker tests).

Redis stopped while users act, and the worker's main process SIGKILLed mid-task; afterwards every
effect happened exactly once, nothing is stuck, and users saw success or 503, never 500. The
benchmark (bench/faults.py) repeats the kills 20 times per money task.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from claims.models import Claim, ClaimHistory, ClaimPayout
from claims.models import ClaimStatus as S
from contributions.models import Payment, PaymentStatus, Receipt
from contributions.services import payment_create
from notifications.models import Outbox
from participants.ledger.models import EntryKind, LedgerEntry
from participants.statements.models import DocumentStatus, Statement
from portal.effects.models import Effect, EffectStatus
from portal.effects.services import effect_schedule, effects_sweep
from tests.contributions.factories import bpu_participant, gateway_says, notification
from tests.factories import ParticipantFactory, UserFactory
from tests.faults.conftest import RedisServer, Worker, wait_until
from tests.faults.seams import bank_transfers

pytestmark = pytest.mark.faults

SUCCESS_OR_503 = {200, 302, 503}


def _all_effects_done_once() -> None:
    assert list(Effect.objects.values_list("status", "attempts").distinct()) == [(EffectStatus.DONE, 1)]


def _swept_until_done(what: Any, *, timeout: float = 60) -> None:
    """The beat sweeper's job, run here at once: send what is due until `what` is true."""

    def check() -> Any:
        effects_sweep()
        return what()

    def state() -> str:
        return repr(list(Effect.objects.order_by("pk").values_list("task", "status", "attempts", "due_at")))

    try:
        wait_until(check, timeout=timeout, what="the swept effects to be done")
    except BaseException:
        print("effects:", state())  # shown with the failure
        raise


def _open_effects() -> int:
    return Effect.objects.exclude(status=EffectStatus.DONE).count()


# --- Redis stopped ---------------------------------------------------------------------------------
# One outage for the three scenarios: each worker reconnection costs seconds, and a worker that loses
# Redis twice in quick succession can stop consuming altogether (a kombu bug, README "Operations").


def test_redis_outage_during_payment_statement_and_claim(faults: tuple[RedisServer, Worker]) -> None:
    import datetime as dt

    from django.urls import reverse

    from claims.services import claim_submit
    from tests.claims.factories import ready_draft, resigned_person
    from tests.participants.factories_pages import post_months

    redis_server, worker = faults
    # (a) a settled payment whose notification arrives during the outage
    payer = bpu_participant()
    payment = payment_create(
        user=payer.user, participant_public_id=payer.public_id, months=3, channel="bca_va"
    )
    gateway_says(payment, "settlement")
    body = notification(payment, "settlement")
    gateway = Client(raise_request_exception=False)
    # (b) a participant asking for a statement
    owner = UserFactory()
    member = ParticipantFactory(user=owner, registered_on=dt.date(2024, 1, 1))
    post_months(member, dt.date(2024, 1, 1), dt.date(2024, 12, 1))
    browser = Client(raise_request_exception=False)
    browser.force_login(owner)
    statement_url = reverse("participants:statement_request", kwargs={"public_id": member.public_id})
    # (c) a claim ready to be submitted
    draft = ready_draft(resigned_person())

    redis_server.stop()
    notified = gateway.post("/payments/midtrans/notification/", data=body, content_type="application/json")
    assert notified.status_code in {200, 503}
    asked = [browser.post(statement_url, {"year": "2024"}).status_code for _ in range(2)]  # asks again
    assert set(asked) <= SUCCESS_OR_503
    claim = claim_submit(user=draft.user, claim_id=draft.public_id)  # commits; the send fails quietly
    assert claim.status == S.SUBMITTED
    # Down long enough for the worker to have lost it too.
    wait_until(lambda: worker.failed_reconnections() >= 1, timeout=30, what="the worker to lose Redis")
    redis_server.start()

    if notified.status_code == 503:  # refused before anything changed: the gateway tries again
        assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    retried = gateway.post("/payments/midtrans/notification/", data=body, content_type="application/json")
    assert retried.status_code == 200
    assert browser.post(statement_url, {"year": "2024"}).status_code in {200, 302}  # re-sends if stuck

    statement = Statement.objects.get(participant=member)

    def all_done() -> bool:
        return (
            _open_effects() == 0
            and Receipt.objects.get(payment=payment).rendered_at is not None
            and Statement.objects.get(pk=statement.pk).status == DocumentStatus.READY
            and Claim.objects.get(pk=claim.pk).status == S.IN_REVIEW
        )

    try:
        _swept_until_done(all_done, timeout=60)
    except pytest.fail.Exception:
        # kombu #2629: a worker that lost Redis sometimes never consumes again after it returns (seen
        # on a loaded machine). The documented remedy is restarting it (README "Operations"); what this
        # test guards is that nothing recorded is lost or done twice meanwhile, asserted below.
        worker.stop()
        worker.start()
        _swept_until_done(all_done, timeout=60)
    _all_effects_done_once()
    assert sorted(Effect.objects.values_list("task", flat=True)) == [
        "claims.tasks.verify_claim",
        "contributions.tasks.render_receipt",
        "contributions.tasks.send_payment_receipt",
        "participants.tasks.render_statement",
    ]
    # (a) credited once, "pembayaran diterima" queued once per channel
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SETTLEMENT
    assert LedgerEntry.objects.filter(account_id=payer.pk, kind=EntryKind.CONTRIBUTION).count() == 3
    _once_per_channel(event="payment_received", event_key=f"payment_received:{payment.pk}")
    # (b) one statement, rendered once, announced once per channel
    assert Statement.objects.filter(participant=member).count() == 1
    _once_per_channel(event="statement_ready")
    # (c) verified once
    moves = list(ClaimHistory.objects.filter(claim=claim).values_list("from_status", "to_status"))
    assert moves.count((S.SUBMITTED, S.VERIFYING)) == 1
    assert moves.count((S.VERIFYING, S.IN_REVIEW)) == 1
    # A worker that lost Redis may later stop consuming (kombu's Redis transport, README "Operations"):
    # the tests below start from a fresh one, as an operator would restart it.
    worker.stop()


def _once_per_channel(**filters: Any) -> None:
    channels = list(Outbox.objects.filter(**filters).values_list("channel", flat=True))
    assert len(channels) >= 1
    assert len(channels) == len(set(channels))


# --- The worker's main process SIGKILLed mid-task ---------------------------------------------------


@pytest.mark.parametrize("run", [1, 2])
def test_worker_killed_mid_payout_pays_once(faults: tuple[RedisServer, Worker], run: int) -> None:
    from django.db import transaction

    from claims.tasks import pay_claim
    from tests.claims.factories import claim_in

    _redis, worker = faults
    claim = claim_in(S.PAYING, gross_idr=5_000_000 + run, net_idr=5_000_000 + run)
    worker.arm("payout")
    with transaction.atomic():
        effect_schedule(pay_claim, claim.pk)
    worker.wait_paused("payout")  # the bank moved the money; our transaction is open
    worker.kill()
    assert Claim.objects.get(pk=claim.pk).status == S.PAYING  # rolled back with the worker
    worker.start()
    _swept_until_done(lambda: Claim.objects.get(pk=claim.pk).status == S.PAID and _open_effects() == 0)

    effect = Effect.objects.get(task="claims.tasks.pay_claim")
    assert (effect.status, effect.attempts) == (EffectStatus.DONE, 2)  # killed once, then done
    letter = Effect.objects.get(task="claims.tasks.render_claim_letter")
    assert (letter.status, letter.attempts) == (EffectStatus.DONE, 1)
    mine = [t for t in bank_transfers(worker.fault_dir) if claim.public_id.hex in t["reference"]]
    assert len(mine) == 1  # money moved once
    assert ClaimPayout.objects.filter(claim=claim).count() == 1
    debits = LedgerEntry.objects.filter(kind=EntryKind.CLAIM_PAYOUT, account_id=claim.participant_id)
    assert list(debits.values_list("amount_idr", flat=True)) == [-10_000_000]


def test_worker_killed_mid_statement_pdf_renders_once(faults: tuple[RedisServer, Worker]) -> None:
    from django.db import transaction

    from participants.tasks import render_statement

    _redis, worker = faults
    participant = ParticipantFactory()
    statement = Statement.objects.create(
        participant=participant,
        year=2025,
        document_number="RSJHT/2025/TEST-0001",
        requested_by=participant.user,
    )
    worker.arm("pdf")
    with transaction.atomic():
        effect_schedule(render_statement, statement.pk)
    worker.wait_paused("pdf")
    worker.kill()
    assert Statement.objects.get(pk=statement.pk).status == DocumentStatus.REQUESTED
    worker.start()
    _swept_until_done(
        lambda: Statement.objects.get(pk=statement.pk).status == DocumentStatus.READY and _open_effects() == 0
    )
    effect = Effect.objects.get()
    assert (effect.status, effect.attempts) == (EffectStatus.DONE, 2)
    _once_per_channel(event="statement_ready")


def test_worker_killed_mid_crediting_is_redelivered_and_credits_once(
    faults: tuple[RedisServer, Worker],
) -> None:
    """Crediting from the reconcile task (no effect row: a late-acknowledged message). The killed
    worker's message comes back from Redis after the visibility timeout (13 s with this worker's
    limits, 240 s in production) and credits once."""
    from contributions.tasks import sync_payment

    _redis, worker = faults
    participant = bpu_participant()
    payment = payment_create(
        user=participant.user, participant_public_id=participant.public_id, months=1, channel="bca_va"
    )
    gateway_says(payment, "settlement")
    worker.arm("credit")
    sync_payment.delay(payment.pk)
    worker.wait_paused("credit")
    worker.kill()
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    worker.start()
    wait_until(
        lambda: Payment.objects.get(pk=payment.pk).status == PaymentStatus.SETTLEMENT,
        timeout=120,  # kombu looks for expired unacked messages every 10 s, on a loaded machine later
        what="the redelivered crediting",
    )
    assert LedgerEntry.objects.filter(account_id=participant.pk, kind=EntryKind.CONTRIBUTION).count() == 1
    assert Receipt.objects.filter(payment=payment).count() == 1
