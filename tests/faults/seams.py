"""What the fault-injection worker (tests/faults/worker.py) changes in itself, so a test can kill it at
a chosen point and count what really happened afterwards.

A test arms a pause by creating `arm-<point>` in FAULT_DIR; the next run reaching that point deletes
it, writes `paused-<point>` and waits there to be SIGKILLed. The fake bank writes every transfer it
executes to FAULT_DIR/bank.jsonl: the bank's own memory survives the worker, as a real bank's does.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from claims.payout.gateway import FakeBankTransfer, TransferRequest, TransferResult, TransferStatus


def fault_dir() -> Path:
    return Path(os.environ["FAULT_DIR"])


def pause_if_armed(point: str) -> None:
    armed = fault_dir() / f"arm-{point}"
    if not armed.exists():
        return
    armed.unlink()
    (fault_dir() / f"paused-{point}").write_text(str(os.getpid()))
    time.sleep(600)  # the test kills the worker here; never reached otherwise


def bank_transfers(directory: Path | None = None) -> list[dict[str, Any]]:
    """Every transfer the fake bank executed (the worker's FAULT_DIR, or `directory` for a test)."""
    ledger = (directory or fault_dir()) / "bank.jsonl"
    if not ledger.exists():
        return []
    return [json.loads(line) for line in ledger.read_text().splitlines() if line]


class DurableFakeBank(FakeBankTransfer):
    """The fake bank, deduplicating by reference across worker restarts (like the real one)."""

    def transfer(self, request: TransferRequest) -> TransferResult:
        for done in bank_transfers():
            if done["reference"] == request.reference:
                return TransferResult(TransferStatus.SUCCESS, done["bank_reference"])
        result = super().transfer(request)
        with (fault_dir() / "bank.jsonl").open("a") as ledger:
            row = {"reference": request.reference, "amount_idr": request.amount_idr}
            ledger.write(json.dumps({**row, "bank_reference": result.bank_reference}) + "\n")
            ledger.flush()
            os.fsync(ledger.fileno())
        pause_if_armed("payout")  # the money moved, our transaction has not committed
        return result


def install() -> None:
    """Wrap the seams into this process (the worker calls it once Django is set up)."""
    from django.conf import settings

    import contributions.services as payments
    import participants.statements.services as statements

    settings.CLAIMS_DISBURSEMENT_GATEWAY = "tests.faults.seams.DurableFakeBank"

    render_pdf = statements.render_pdf

    def render_then_pause(*args: Any, **kwargs: Any) -> bytes:
        pdf = render_pdf(*args, **kwargs)
        pause_if_armed("pdf")  # rendered, not stored, the statement row still locked
        return pdf

    statements.render_pdf = render_then_pause

    credit = payments._credit

    def credit_then_pause(*args: Any, **kwargs: Any) -> None:
        credit(*args, **kwargs)
        pause_if_armed("credit")  # ledger written, not committed

    payments._credit = credit_then_pause
