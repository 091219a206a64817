"""The fake gateway: the default in development and tests.

It keeps its charges in `FakeCharge` rows and speaks Midtrans's notification format, signed with
`MIDTRANS_SERVER_KEY`, so everything after "the gateway says so" runs the real code path. The sandbox
page (`/_dev/gateway/`, DEBUG only) changes a charge's status here and POSTs the notification over HTTP
to our own endpoint (`PORTAL_BASE_URL`).
"""

from __future__ import annotations

import json
import secrets
import uuid
from typing import Any

import httpx
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from contributions.gateway.protocol import (
    ChargeRequest,
    ChargeResult,
    GatewayError,
    StatusResult,
    midtrans_signature,
    verify_midtrans_signature,
)
from contributions.models import FakeCharge

STATUS_CODES = {
    "pending": "201",
    "settlement": "200",
    "capture": "200",
    "deny": "202",
    "expire": "407",
    "cancel": "200",
    "refund": "200",
}
_PAYMENT_TYPES = {
    "bca_va": "bank_transfer",
    "bni_va": "bank_transfer",
    "bri_va": "bank_transfer",
    "permata_va": "bank_transfer",
    "mandiri_bill": "echannel",
    "qris": "qris",
    "gopay": "gopay",
    "shopeepay": "shopeepay",
    "indomaret": "cstore",
    "alfamart": "cstore",
}


def _digits(n: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(n))


class FakeGateway:
    name = "fake"
    supports_status_check = True

    def __init__(self, *, server_key: str) -> None:
        self.server_key = server_key

    @classmethod
    def from_settings(cls) -> FakeGateway:
        return cls(server_key=settings.MIDTRANS_SERVER_KEY)

    def create_charge(self, request: ChargeRequest) -> ChargeResult:
        charge, _ = FakeCharge.objects.get_or_create(
            order_id=request.order_id,
            defaults={
                "transaction_id": str(uuid.uuid4()),
                "payment_type": _PAYMENT_TYPES[request.channel],
                "gross_amount": f"{int(request.amount_idr)}.00",
            },
        )
        refs: dict[str, str] = {}
        kind = charge.payment_type
        if kind == "bank_transfer":
            refs["va_number"] = "8808" + _digits(12)
        elif kind == "echannel":
            refs["va_number"] = _digits(12)
            refs["biller_code"] = "70012"
        elif kind == "qris":
            refs["qr_string"] = (
                f"00020101021226620014COM.FAKE.WWW{request.order_id}5204000053033605802ID6304ABCD"
            )
        elif kind in {"gopay", "shopeepay"}:
            refs["deeplink_url"] = f"https://simulator.invalid/{kind}/{charge.transaction_id}"
            refs["qr_string"] = f"FAKE-{kind.upper()}-{request.order_id}"
        else:
            refs["payment_code"] = _digits(14)
        return ChargeResult(
            transaction_id=charge.transaction_id,
            transaction_status="pending",
            va_number=refs.get("va_number", ""),
            biller_code=refs.get("biller_code", ""),
            qr_string=refs.get("qr_string", ""),
            deeplink_url=refs.get("deeplink_url", ""),
            payment_code=refs.get("payment_code", ""),
        )

    def get_status(self, order_id: str) -> StatusResult | None:
        charge = FakeCharge.objects.filter(order_id=order_id).first()
        if charge is None:
            return None
        return StatusResult(
            order_id=order_id,
            transaction_status=charge.transaction_status,
            gross_amount=charge.gross_amount,
            transaction_id=charge.transaction_id,
            fraud_status="accept",
            status_code=STATUS_CODES.get(charge.transaction_status, "200"),
        )

    def get_statuses(self, order_ids: list[str]) -> dict[str, StatusResult | None]:
        """`get_status` for many orders at once (the daily reconciliation): one query per 5,000."""
        found: dict[str, StatusResult | None] = dict.fromkeys(order_ids)
        for i in range(0, len(order_ids), 5000):
            chunk = order_ids[i : i + 5000]
            for charge in FakeCharge.objects.filter(order_id__in=chunk):
                found[charge.order_id] = StatusResult(
                    order_id=charge.order_id,
                    transaction_status=charge.transaction_status,
                    gross_amount=charge.gross_amount,
                    transaction_id=charge.transaction_id,
                    fraud_status="accept",
                    status_code=STATUS_CODES.get(charge.transaction_status, "200"),
                )
        return found

    def cancel(self, order_id: str) -> None:
        """Like Midtrans: a pending charge is voided; an unknown or already cancelled one is fine; a paid,
        expired or denied one refuses with a GatewayError (Midtrans's HTTP 412)."""
        if FakeCharge.objects.filter(order_id=order_id, transaction_status="pending").update(
            transaction_status="cancel"
        ):
            return
        status = (
            FakeCharge.objects.filter(order_id=order_id).values_list("transaction_status", flat=True).first()
        )
        if status not in (None, "cancel"):
            raise GatewayError(f"412 merchant cannot modify the status of the transaction ({status})")

    def verify_notification(self, payload: dict[str, object]) -> bool:
        return verify_midtrans_signature(payload, self.server_key)

    # --- The simulator side (sandbox page, tests, benchmarks) ----------------------------------

    def notification_for(
        self, charge: FakeCharge, transaction_status: str, *, gross_amount: str | None = None
    ) -> dict[str, Any]:
        """A correctly signed Midtrans-format notification for the charge in `transaction_status`."""
        status_code = STATUS_CODES.get(transaction_status, "200")
        amount = gross_amount if gross_amount is not None else charge.gross_amount
        payload: dict[str, Any] = {
            "transaction_time": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
            "transaction_status": transaction_status,
            "transaction_id": charge.transaction_id,
            "status_message": "midtrans payment notification",
            "status_code": status_code,
            "payment_type": charge.payment_type,
            "order_id": charge.order_id,
            "merchant_id": "FAKE00001",
            "gross_amount": amount,
            "fraud_status": "accept",
            "currency": "IDR",
        }
        if transaction_status in {"settlement", "capture"}:
            payload["settlement_time"] = payload["transaction_time"]
        payload["signature_key"] = midtrans_signature(
            order_id=charge.order_id, status_code=status_code, gross_amount=amount, server_key=self.server_key
        )
        return payload

    def pay(self, order_id: str) -> bool:
        """The payer pays at the bank: only a charge that is still pending can be paid (a cancelled VA
        no longer accepts money). True when it was paid now."""
        return bool(
            FakeCharge.objects.filter(order_id=order_id, transaction_status="pending").update(
                transaction_status="settlement"
            )
        )

    def set_status(self, order_id: str, transaction_status: str) -> FakeCharge:
        charge = FakeCharge.objects.get(order_id=order_id)
        charge.transaction_status = transaction_status
        charge.save(update_fields=["transaction_status"])
        return charge

    @staticmethod
    def send(payload: dict[str, Any], *, base_url: str | None = None) -> int:
        """POST the notification to our own endpoint over real HTTP; returns the HTTP status."""
        url = (base_url or settings.PORTAL_BASE_URL).rstrip("/") + reverse(
            "contributions:midtrans_notification"
        )
        response = httpx.post(
            url,
            content=json.dumps(payload),
            headers={"Content-Type": "application/json"},
            timeout=10.0,
        )
        return response.status_code
