"""The Midtrans Core API client against respx-mocked endpoints (no network in tests)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
import respx

from contributions.gateway.midtrans import MidtransGateway, charge_payload
from contributions.gateway.protocol import ChargeRequest, GatewayError, GatewayUnavailable

BASE = "https://api.sandbox.midtrans.com"
NOW = dt.datetime(2026, 3, 10, 3, 0, tzinfo=dt.UTC)


def _gateway() -> MidtransGateway:
    return MidtransGateway(server_key="SB-Mid-server-abc", base_url=BASE, timeout=2)


def _request(channel: str) -> ChargeRequest:
    return ChargeRequest(
        order_id="IU-1", amount_idr=36_800, channel=channel, expires_at=NOW + dt.timedelta(hours=24)
    )


@pytest.mark.parametrize(
    ("channel", "payment_type", "extra"),
    [
        ("bca_va", "bank_transfer", {"bank_transfer": {"bank": "bca"}}),
        ("permata_va", "bank_transfer", {"bank_transfer": {"bank": "permata"}}),
        (
            "mandiri_bill",
            "echannel",
            {"echannel": {"bill_info1": "Pembayaran:", "bill_info2": "Iuran BPJS TK"}},
        ),
        ("qris", "qris", {"qris": {"acquirer": "gopay"}}),
        ("gopay", "gopay", {}),
        ("shopeepay", "shopeepay", {}),
        ("alfamart", "cstore", {"cstore": {"store": "alfamart", "message": "Iuran BPJS Ketenagak"}}),
    ],
)
def test_charge_payload(channel: str, payment_type: str, extra: dict[str, object]) -> None:
    body = charge_payload(_request(channel), now=NOW)
    assert body["payment_type"] == payment_type
    assert body["transaction_details"] == {"order_id": "IU-1", "gross_amount": 36_800}
    assert isinstance(body["transaction_details"]["gross_amount"], int)
    assert body["custom_expiry"] == {
        "order_time": "2026-03-10 10:00:00 +0700",
        "expiry_duration": 1440,
        "unit": "minute",
    }
    for key, value in extra.items():
        assert body[key] == value


@respx.mock
def test_create_va_charge_parses_va_number() -> None:
    route = respx.post(f"{BASE}/v2/charge").respond(
        201,
        json={
            "status_code": "201",
            "transaction_id": "tx-1",
            "transaction_status": "pending",
            "va_numbers": [{"bank": "bca", "va_number": "12345678901"}],
        },
    )
    result = _gateway().create_charge(_request("bca_va"))
    assert (result.va_number, result.transaction_id) == ("12345678901", "tx-1")
    request = route.calls.last.request
    assert request.headers["Authorization"].startswith("Basic ")
    import base64

    assert base64.b64decode(request.headers["Authorization"][6:]) == b"SB-Mid-server-abc:"


@respx.mock
def test_create_gopay_parses_deeplink() -> None:
    respx.post(f"{BASE}/v2/charge").respond(
        200,
        json={
            "status_code": "201",
            "transaction_id": "tx-2",
            "transaction_status": "pending",
            "actions": [{"name": "deeplink-redirect", "method": "GET", "url": "gojek://gopay/x"}],
        },
    )
    assert _gateway().create_charge(_request("gopay")).deeplink_url == "gojek://gopay/x"


@respx.mock
@pytest.mark.parametrize(
    "response",
    [httpx.Response(502), httpx.Response(200, json={"status_code": "503", "status_message": "busy"})],
)
def test_server_errors_are_unavailable(response: httpx.Response) -> None:
    respx.post(f"{BASE}/v2/charge").mock(return_value=response)
    with pytest.raises(GatewayUnavailable):
        _gateway().create_charge(_request("bca_va"))


@respx.mock
def test_timeout_is_unavailable() -> None:
    respx.post(f"{BASE}/v2/charge").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(GatewayUnavailable):
        _gateway().create_charge(_request("bca_va"))


@respx.mock
def test_refusal_is_gateway_error() -> None:
    respx.post(f"{BASE}/v2/charge").respond(
        200, json={"status_code": "406", "status_message": "duplicate order"}
    )
    with pytest.raises(GatewayError) as exc:
        _gateway().create_charge(_request("bca_va"))
    assert not isinstance(exc.value, GatewayUnavailable)


@respx.mock
def test_get_status_and_unknown_order() -> None:
    respx.get(f"{BASE}/v2/IU-1/status").respond(
        200,
        json={
            "status_code": "200",
            "order_id": "IU-1",
            "transaction_status": "settlement",
            "gross_amount": "36800.00",
            "fraud_status": "accept",
            "transaction_id": "tx-1",
        },
    )
    respx.get(f"{BASE}/v2/IU-2/status").respond(
        404, json={"status_code": "404", "status_message": "not found"}
    )
    status = _gateway().get_status("IU-1")
    assert status is not None
    assert (status.transaction_status, status.gross_amount) == (
        "settlement",
        "36800.00",
    )
    assert _gateway().get_status("IU-2") is None
