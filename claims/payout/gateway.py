"""The bank-transfer boundary. Real banks plug in behind `DisbursementGateway`; development and tests
use `FakeBankTransfer`.

The gateway must be idempotent by `reference`: asking again for a reference it already executed returns
the first result and moves no money twice. The payout service relies on this after timeouts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class TransferStatus(StrEnum):
    SUCCESS = "success"
    NAME_MISMATCH = "name_mismatch"
    ACCOUNT_CLOSED = "account_closed"


class TransferTimeout(TimeoutError):
    """The bank did not answer in time; the transfer may or may not have happened. Ask again with the
    same reference."""


@dataclass(frozen=True)
class TransferRequest:
    reference: str
    bank_code: str
    account_number: str
    account_name: str
    amount_idr: int


@dataclass(frozen=True)
class TransferResult:
    status: TransferStatus
    bank_reference: str = ""
    message: str = ""


class DisbursementGateway(Protocol):
    def transfer(self, request: TransferRequest) -> TransferResult:
        """Send `amount_idr` to the account. Raises TransferTimeout when the outcome is unknown."""
        ...


class FakeBankTransfer:
    """A bank that decides by the account number's last digits (development, tests):

    - `...9001` → the account name does not match (refused), `...9002` → the account is closed (refused),
    - `...9003` → time out (every call), `...9004` → time out on the first call for a reference, then
      the transfer is found executed (a timeout after the money moved);
    - anything else → success.

    It remembers executed references (per process) so a repeated reference never pays twice.
    """

    _executed: dict[str, TransferResult] = {}
    _seen: set[str] = set()
    _lock = threading.Lock()

    def transfer(self, request: TransferRequest) -> TransferResult:
        with self._lock:
            if request.reference in self._executed:
                return self._executed[request.reference]
            first_call = request.reference not in self._seen
            self._seen.add(request.reference)
        suffix = request.account_number[-4:]
        if suffix == "9003" or (suffix == "9004" and first_call):
            if suffix == "9004":
                self._remember(request, TransferResult(TransferStatus.SUCCESS, f"FAKE-{request.reference}"))
            raise TransferTimeout(request.reference)
        if suffix == "9001":
            result = TransferResult(TransferStatus.NAME_MISMATCH, message="account name mismatch")
        elif suffix == "9002":
            result = TransferResult(TransferStatus.ACCOUNT_CLOSED, message="account closed")
        else:
            result = TransferResult(TransferStatus.SUCCESS, f"FAKE-{request.reference}")
        self._remember(request, result)
        return result

    def _remember(self, request: TransferRequest, result: TransferResult) -> None:
        with self._lock:
            self._executed[request.reference] = result

    @classmethod
    def transfers_for(cls, reference: str) -> TransferResult | None:
        return cls._executed.get(reference)


def get_gateway() -> DisbursementGateway:
    """The configured gateway (`CLAIMS_DISBURSEMENT_GATEWAY`, a dotted class path; the fake by default)."""
    path = getattr(settings, "CLAIMS_DISBURSEMENT_GATEWAY", "claims.payout.gateway.FakeBankTransfer")
    gateway: DisbursementGateway = import_string(path)()
    return gateway
