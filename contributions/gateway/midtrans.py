"""Midtrans Core API over httpx: `POST /v2/charge`, `GET /v2/{order_id}/status`, `POST /v2/{id}/cancel`.

Authentication is HTTP Basic with the server key as user name and an empty password. `order_id` is our
idempotency key; `gross_amount` is an integer; `custom_expiry` makes Midtrans expire the charge when
we do. Network failures, timeouts and 5xx answers raise GatewayUnavailable; 4xx raise GatewayError.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import structlog
from django.conf import settings

from contributions.gateway.protocol import (
    ChargeRequest,
    ChargeResult,
    GatewayError,
    GatewayUnavailable,
    StatusResult,
    verify_midtrans_signature,
)

log = structlog.get_logger(__name__)
WIB = ZoneInfo("Asia/Jakarta")

SANDBOX_URL = "https://api.sandbox.midtrans.com"
PRODUCTION_URL = "https://api.midtrans.com"

_BANKS = {"bca_va": "bca", "bni_va": "bni", "bri_va": "bri", "permata_va": "permata"}
_STORES = {"indomaret": "indomaret", "alfamart": "alfamart"}


def charge_payload(request: ChargeRequest, *, now: dt.datetime) -> dict[str, Any]:
    """The JSON body of `POST /v2/charge` for one of our channels."""
    minutes = max(1, int((request.expires_at - now).total_seconds() // 60))
    body: dict[str, Any] = {
        "transaction_details": {"order_id": request.order_id, "gross_amount": int(request.amount_idr)},
        "item_details": [
            {
                "id": "iuran-bpu",
                "price": int(request.amount_idr),
                "quantity": 1,
                "name": request.item_name[:50],
            }
        ],
        "custom_expiry": {
            "order_time": now.astimezone(WIB).strftime("%Y-%m-%d %H:%M:%S +0700"),
            "expiry_duration": minutes,
            "unit": "minute",
        },
    }
    if request.customer_name or request.customer_email:
        body["customer_details"] = {"first_name": request.customer_name[:50], "email": request.customer_email}
    channel = request.channel
    if channel in _BANKS:
        body["payment_type"] = "bank_transfer"
        body["bank_transfer"] = {"bank": _BANKS[channel]}
    elif channel == "mandiri_bill":
        body["payment_type"] = "echannel"
        body["echannel"] = {"bill_info1": "Pembayaran:", "bill_info2": "Iuran BPJS TK"}
    elif channel == "qris":
        body["payment_type"] = "qris"
        body["qris"] = {"acquirer": "gopay"}
    elif channel == "gopay":
        body["payment_type"] = "gopay"
    elif channel == "shopeepay":
        body["payment_type"] = "shopeepay"
    elif channel in _STORES:
        body["payment_type"] = "cstore"
        body["cstore"] = {"store": _STORES[channel], "message": request.item_name[:20]}
    else:
        raise GatewayError(f"unsupported channel {channel!r}")
    return body


def _action_url(data: dict[str, Any], name: str) -> str:
    for action in data.get("actions") or []:
        if isinstance(action, dict) and action.get("name") == name:
            return str(action.get("url", ""))
    return ""


def parse_charge(data: dict[str, Any]) -> ChargeResult:
    va_number = ""
    if data.get("va_numbers"):
        va_number = str(data["va_numbers"][0].get("va_number", ""))
    elif data.get("permata_va_number"):
        va_number = str(data["permata_va_number"])
    elif data.get("bill_key"):
        va_number = str(data["bill_key"])
    return ChargeResult(
        transaction_id=str(data.get("transaction_id", "")),
        transaction_status=str(data.get("transaction_status", "")),
        va_number=va_number,
        biller_code=str(data.get("biller_code", "")),
        qr_string=str(data.get("qr_string", "")),
        deeplink_url=_action_url(data, "deeplink-redirect"),
        payment_code=str(data.get("payment_code", "")),
        raw=data,
    )


class MidtransGateway:
    name = "midtrans"
    supports_status_check = True

    def __init__(self, *, server_key: str, base_url: str, timeout: float = 10.0) -> None:
        self.server_key = server_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> MidtransGateway:
        if len(settings.MIDTRANS_SERVER_KEY) < 10:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured("MIDTRANS_SERVER_KEY is not set")
        return cls(
            server_key=settings.MIDTRANS_SERVER_KEY,
            base_url=settings.MIDTRANS_BASE_URL,
            timeout=settings.PAYMENT_GATEWAY_TIMEOUT,
        )

    def _client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url,
            auth=(self.server_key, ""),
            timeout=self.timeout,
            headers={"Accept": "application/json", "Content-Type": "application/json"},
        )

    def _call(self, method: str, path: str, json: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            with self._client() as client:
                response = client.request(method, path, json=json)
        except httpx.HTTPError as exc:  # timeouts, refused connections, TLS errors
            log.warning("midtrans.unavailable", path=path, error=type(exc).__name__)
            raise GatewayUnavailable(str(exc)) from exc
        if response.status_code >= 500:
            raise GatewayUnavailable(f"HTTP {response.status_code}")
        try:
            data: dict[str, Any] = response.json()
        except ValueError as exc:
            raise GatewayUnavailable("response is not JSON") from exc
        # Midtrans answers HTTP 200 with an error `status_code` in the body for many failures.
        code = str(data.get("status_code", response.status_code))
        if code.startswith("5"):
            raise GatewayUnavailable(f"Midtrans status_code {code}")
        data["_status_code"] = code
        return data

    def create_charge(self, request: ChargeRequest) -> ChargeResult:
        from django.utils import timezone

        data = self._call("POST", "/v2/charge", charge_payload(request, now=timezone.now()))
        if data["_status_code"] not in {"200", "201"}:
            raise GatewayError(
                f"Midtrans refused the charge: {data['_status_code']} {data.get('status_message')}"
            )
        return parse_charge(data)

    def get_status(self, order_id: str) -> StatusResult | None:
        data = self._call("GET", f"/v2/{order_id}/status")
        if data["_status_code"] == "404":
            return None
        if not data.get("transaction_status"):
            raise GatewayError(f"Midtrans status without transaction_status: {data['_status_code']}")
        return StatusResult(
            order_id=str(data.get("order_id", order_id)),
            transaction_status=str(data["transaction_status"]),
            gross_amount=str(data.get("gross_amount", "")),
            transaction_id=str(data.get("transaction_id", "")),
            fraud_status=str(data.get("fraud_status", "")),
            status_code=data["_status_code"],
        )

    def cancel(self, order_id: str) -> None:
        """Void a charge that is still pending. 404 (Midtrans never created it) leaves nothing that could
        be paid, so it counts as done. Anything else raises GatewayError, notably 412 ("merchant cannot
        modify the status of the transaction"), Midtrans's answer when the charge is already settled or
        expired: the caller must read the status, not assume a cancel."""
        data = self._call("POST", f"/v2/{order_id}/cancel")
        if data["_status_code"] not in {"200", "404"}:
            raise GatewayError(
                f"Midtrans refused cancel: {data['_status_code']} {data.get('status_message')}"
            )

    def verify_notification(self, payload: dict[str, object]) -> bool:
        return verify_midtrans_signature(payload, self.server_key)
