"""Signature verification against Midtrans's documentation example (docs.midtrans.com, "Receiving
Notifications": order 1111, status 200, gross amount 100000.00, server key askvnoib…)."""

from __future__ import annotations

import json

import pytest

from contributions.gateway.protocol import gross_amount_matches, midtrans_signature, verify_midtrans_signature

DOC_SERVER_KEY = "askvnoibnosifnboseofinbofinfgbiufglnbfg"
DOC_SIGNATURE = (
    "edc076b21793ebe3e17926350f5b8ae67d902fe657b3d0aa31b932d5c127e2375d308a2bc94f3265ac2d80a1f181a79b"
    "997ac178a236fcff35af263fc4d4c231"
)
DOC_BODY = json.dumps(
    {
        "status_code": "200",
        "status_message": "Success, transaction found",
        "transaction_id": "249fc620-6017-4540-af7c-5a1c25788f46",
        "order_id": "1111",
        "payment_type": "bank_transfer",
        "transaction_time": "2015-02-26 14:39:33",
        "transaction_status": "settlement",
        "fraud_status": "accept",
        "gross_amount": "100000.00",
        "signature_key": DOC_SIGNATURE,
    }
)


def test_signature_formula_matches_documentation_example() -> None:
    assert (
        midtrans_signature(
            order_id="1111", status_code="200", gross_amount="100000.00", server_key=DOC_SERVER_KEY
        )
        == DOC_SIGNATURE
    )


def test_documentation_body_verifies() -> None:
    assert verify_midtrans_signature(json.loads(DOC_BODY), DOC_SERVER_KEY) is True


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("gross_amount", "100000"),
        ("gross_amount", "1000000.00"),
        ("status_code", "201"),
        ("order_id", "1112"),
    ],
)
def test_any_changed_field_fails(field: str, value: str) -> None:
    payload = json.loads(DOC_BODY)
    payload[field] = value
    assert verify_midtrans_signature(payload, DOC_SERVER_KEY) is False


def test_wrong_key_and_non_string_fields_fail() -> None:
    assert verify_midtrans_signature(json.loads(DOC_BODY), "another-key") is False
    payload = json.loads(DOC_BODY)
    payload["gross_amount"] = 100000.0
    assert verify_midtrans_signature(payload, DOC_SERVER_KEY) is False


@pytest.mark.parametrize(
    ("gross_amount", "matches"),
    [
        ("110400.00", True),  # Midtrans's format
        ("110400", True),
        ("110400.01", False),
        ("110399.00", False),
        ("", False),
        ("abc", False),
        ("NaN", False),
        ("sNaN", False),  # comparing a signalling NaN raises; it must read as a mismatch
    ],
)
def test_gross_amount_matches_only_our_exact_amount(gross_amount: str, matches: bool) -> None:
    assert gross_amount_matches(gross_amount, 110_400) is matches
