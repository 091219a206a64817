"""What every payment gateway offers us, and the Midtrans notification format we speak internally.

Both implementations (Midtrans Core API and the fake gateway) send Midtrans-format notifications, so
one endpoint and one verification function serve both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Protocol


class GatewayError(Exception):
    """The gateway refused the request, or answered something we cannot use. Retrying will not help."""


class GatewayUnavailable(GatewayError):
    """The gateway is down, slow or answered 5xx. Nothing was recorded as created; retrying is safe."""


@dataclass(frozen=True)
class ChargeRequest:
    order_id: str
    amount_idr: int
    channel: str
    expires_at: dt.datetime
    customer_name: str = ""
    customer_email: str = ""
    item_name: str = "Iuran BPJS Ketenagakerjaan"


@dataclass(frozen=True)
class ChargeResult:
    transaction_id: str
    transaction_status: str
    va_number: str = ""
    biller_code: str = ""
    qr_string: str = ""
    deeplink_url: str = ""
    payment_code: str = ""
    raw: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class StatusResult:
    order_id: str
    transaction_status: str
    gross_amount: str
    transaction_id: str = ""
    fraud_status: str = ""
    status_code: str = ""


class PaymentGateway(Protocol):
    name: str
    supports_status_check: bool

    def create_charge(self, request: ChargeRequest) -> ChargeResult: ...

    def get_status(self, order_id: str) -> StatusResult | None:
        """The gateway's view of a charge; None when the gateway does not know the order."""
        ...

    def cancel(self, order_id: str) -> None: ...

    def verify_notification(self, payload: dict[str, object]) -> bool: ...


def midtrans_signature(*, order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    """`SHA512(order_id + status_code + gross_amount + ServerKey)`, hex, over the exact strings given."""
    data = f"{order_id}{status_code}{gross_amount}{server_key}".encode()
    return hashlib.sha512(data).hexdigest()


def verify_midtrans_signature(payload: dict[str, object], server_key: str) -> bool:
    """Constant-time check of a Midtrans notification's `signature_key`. Non-string fields fail."""
    fields = [payload.get(name) for name in ("order_id", "status_code", "gross_amount", "signature_key")]
    if not all(isinstance(value, str) for value in fields):
        return False
    order_id, status_code, gross_amount, received = (str(v) for v in fields)
    expected = midtrans_signature(
        order_id=order_id, status_code=status_code, gross_amount=gross_amount, server_key=server_key
    )
    return hmac.compare_digest(expected.encode(), received.lower().encode())


def gross_amount_matches(gross_amount: str, amount_idr: int) -> bool:
    """Whether a gateway's `gross_amount` ("110400.00") is exactly our amount in whole rupiah.

    The one amount check for notifications, status re-checks, the sync task and reconciliation: the
    amount that counts is ours, from the database; a malformed gateway value never matches.
    """
    try:
        return Decimal(gross_amount) == Decimal(amount_idr)
    except (InvalidOperation, TypeError, ValueError):
        return False
