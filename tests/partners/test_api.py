"""The SNAP endpoints through the full request stack: tokens, inquiry, payment, bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from contributions.billing import bill_preview
from contributions.models import Payment, PaymentMonth, Receipt
from contributions.models import PaymentStatus as S
from contributions.services import payment_create
from participants.ledger.models import JhtBalance
from participants.models import Category, Contribution, MembershipStatus, StatusReason
from partners.credentials import credential_revoke, partner_switch
from partners.models import Credential, Inquiry, PartnerPayment, RequestJournal
from tests.contributions.factories import bpu_participant
from tests.factories import ParticipantFactory
from tests.partners.conftest import NOW, SnapClient

pytestmark = pytest.mark.django_db


def _code(response: Any) -> str:
    return response.json()["responseCode"]


def _nothing_credited() -> None:
    assert Payment.objects.count() == 0
    assert Contribution.objects.count() == 0
    assert PartnerPayment.objects.count() == 0


# --- access token -------------------------------------------------------------------------------


def test_token_is_issued_for_a_good_signature(partner: Any, frozen: Any) -> None:
    response = SnapClient().token()
    assert response.status_code == 200
    body = response.json()
    assert body["responseCode"] == "2007300"
    assert body["tokenType"] == "Bearer"
    assert body["expiresIn"] == "900"
    assert len(body["accessToken"]) >= 40
    assert response["X-TIMESTAMP"] == "2026-03-10T10:00:00+07:00"


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"X-SIGNATURE": "AAAA"}, 401, "4017300"),
        ({"X-CLIENT-KEY": "unknown-bank"}, 401, "4017300"),
        ({"X-TIMESTAMP": "2026-03-10T09:50:00+07:00"}, 401, "4017300"),  # 10 minutes old
        ({"X-TIMESTAMP": "2026-03-10T10:10:00+07:00"}, 401, "4017300"),  # 10 minutes ahead
        ({"X-TIMESTAMP": "10/03/2026 10:00"}, 400, "4007301"),
        ({"X-SIGNATURE": ""}, 400, "4007302"),
    ],
)
def test_token_refused(partner: Any, frozen: Any, overrides: dict[str, str], status: int, code: str) -> None:
    response = SnapClient().token(**overrides)
    assert (response.status_code, _code(response)) == (status, code)
    assert "accessToken" not in response.json()


def test_token_refused_for_revoked_credential_and_switched_off_partner(partner: Any, frozen: Any) -> None:
    credential_revoke(credential=Credential.objects.get(partner=partner))
    assert _code(SnapClient().token()) == "4017300"
    partner.credentials.update(revoked_at=None)
    partner_switch(partner=partner, on=False)
    assert _code(SnapClient().token()) == "4017300"
    partner_switch(partner=partner, on=True)
    assert _code(SnapClient().token()) == "2007300"


def test_token_endpoint_refuses_malformed_json(partner: Any, frozen: Any) -> None:
    client = SnapClient()
    headers = {k: v for k, v in client.bank.token_headers().items() if k != "Content-Type"}
    response = client.client.post(
        "/snap/v1.0/access-token/b2b", data="{not json", content_type="application/json", headers=headers
    )
    assert (response.status_code, _code(response)) == (400, "4007300")


def test_rotation_two_credentials_work_until_the_old_is_revoked(
    partner: Any, frozen: Any, snap: SnapClient
) -> None:
    from partners.credentials import credential_create

    old = Credential.objects.get(partner=partner)
    credential_create(partner=partner, public_key_pem=old.public_key_pem, secret="new-secret-after-rotation")
    participant = bpu_participant()
    # The token issued before the rotation keeps working with the old secret...
    assert snap.inquiry(participant.kpj).status_code == 200
    # ...and a new token signs with the new credential's secret (the newest key verifies first).
    fresh = SnapClient()
    fresh.bank.secret = "new-secret-after-rotation"
    assert fresh.token().status_code == 200
    assert fresh.inquiry(participant.kpj, "inq-2").status_code == 200
    credential_revoke(credential=old)
    assert _code(snap.inquiry(participant.kpj, "inq-3")) == "4012401"  # the old credential's token died


# --- transaction checks ---------------------------------------------------------------------------


def test_token_expires(partner: Any, frozen: Any, snap: SnapClient) -> None:
    participant = bpu_participant()
    frozen.shift(dt.timedelta(seconds=901))
    response = snap.inquiry(participant.kpj)
    assert (response.status_code, _code(response)) == (401, "4012401")
    assert Inquiry.objects.count() == 0


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"secret": "wrong-secret"}, 401, "4012400"),
        ({"at": NOW - dt.timedelta(minutes=6)}, 401, "4012400"),
        ({"at": NOW + dt.timedelta(minutes=6)}, 401, "4012400"),
        ({"drop": "X-EXTERNAL-ID"}, 400, "4002402"),
        ({"drop": "X-SIGNATURE"}, 400, "4002402"),
        ({"external_id": "x" * 37}, 400, "4002401"),
    ],
)
def test_inquiry_refused_before_anything_is_read(
    partner: Any, frozen: Any, snap: SnapClient, kwargs: dict[str, Any], status: int, code: str
) -> None:
    participant = bpu_participant()
    response = snap.inquiry(participant.kpj, **kwargs)
    assert (response.status_code, _code(response)) == (status, code)
    assert "virtualAccountData" not in response.json()
    assert Inquiry.objects.count() == 0
    assert RequestJournal.objects.count() == 0


def test_unknown_token_and_switched_off_partner(partner: Any, frozen: Any, snap: SnapClient) -> None:
    participant = bpu_participant()
    good = snap.bank.token
    snap.bank.token = "not-a-token"
    assert _code(snap.inquiry(participant.kpj)) == "4012401"
    snap.bank.token = good
    partner_switch(partner=partner, on=False)
    assert _code(snap.inquiry(participant.kpj)) == "4012401"
    assert Inquiry.objects.count() == 0


def test_malformed_json_is_a_bad_request(partner: Any, frozen: Any, snap: SnapClient) -> None:
    response = snap.post("/snap/v1.0/transfer-va/inquiry", "{oops")
    assert (response.status_code, _code(response)) == (400, "4002400")


# --- inquiry ---------------------------------------------------------------------------------------


def test_inquiry_quotes_the_web_bill(partner: Any, frozen: Any, snap: SnapClient) -> None:
    participant = bpu_participant(income_idr=2_000_000, full_name="Dewi Lestari")
    response = snap.inquiry(participant.kpj, "inq-1", months=3)
    assert response.status_code == 200
    body = response.json()
    bill = bill_preview(participant=participant, months=3)
    data = body["virtualAccountData"]
    assert body["responseCode"] == "2002400"
    assert data["inquiryStatus"] == "00"
    assert data["virtualAccountName"] == "De** Le*****"
    assert data["customerNo"] == participant.kpj
    assert data["virtualAccountNo"] == "   88899" + participant.kpj
    assert data["totalAmount"] == {"value": f"{bill.total_idr}.00", "currency": "IDR"}
    assert [d["billNo"] for d in data["billDetails"]] == ["202603", "202604", "202605"]
    assert sum(int(d["billAmount"]["value"][:-3]) for d in data["billDetails"]) == bill.total_idr
    assert Inquiry.objects.get().amount_idr == bill.total_idr


def test_inquiry_unknown_kpj_reveals_nothing(partner: Any, frozen: Any, snap: SnapClient) -> None:
    response = snap.inquiry("99999999999")
    assert (response.status_code, _code(response)) == (404, "4042412")
    data = response.json()["virtualAccountData"]
    assert data["inquiryStatus"] == "01"
    assert "virtualAccountName" not in data
    assert "totalAmount" not in data


def test_inquiry_not_payable(partner: Any, frozen: Any, snap: SnapClient) -> None:
    wage_earner = ParticipantFactory(category=Category.PU, full_name="Budi Santoso")
    response = snap.inquiry(wage_earner.kpj, "a")
    assert (response.status_code, _code(response)) == (404, "4042419")
    data = response.json()["virtualAccountData"]
    assert data["virtualAccountName"] == "Bu** Sa*****"
    assert set(data) == {
        "partnerServiceId", "customerNo", "virtualAccountNo", "inquiryRequestId",
        "virtualAccountName", "inquiryStatus", "inquiryReason",
    }  # fmt: skip
    claimed = bpu_participant(status=MembershipStatus.NONAKTIF, status_reason=StatusReason.CLAIMED)
    assert _code(snap.inquiry(claimed.kpj, "b")) == "4042419"
    # Nonaktif for unpaid months is payable: paying reactivates.
    lapsed = bpu_participant(status=MembershipStatus.NONAKTIF, status_reason=StatusReason.UNPAID_3_MONTHS)
    assert _code(snap.inquiry(lapsed.kpj, "c")) == "2002400"
    assert Inquiry.objects.count() == 1


def test_inquiry_refuses_while_a_web_payment_is_open(partner: Any, frozen: Any, snap: SnapClient) -> None:
    participant = bpu_participant()
    payment_create(
        user=participant.user, participant_public_id=participant.public_id, months=1, channel="bca_va"
    )
    response = snap.inquiry(participant.kpj)
    assert (response.status_code, _code(response)) == (404, "4042419")
    assert Inquiry.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("partnerServiceId", "   12345", "4002401"),
        ("virtualAccountNo", "   8889900000000000", "4002401"),
        ("customerNo", "12ab", "4002401"),
        ("inquiryRequestId", "", "4002402"),
    ],
)
def test_inquiry_field_checks(
    partner: Any, frozen: Any, snap: SnapClient, field: str, value: str, code: str
) -> None:
    import json

    participant = bpu_participant()
    body = json.loads(snap.bank.inquiry_body(participant.kpj, "inq-1"))
    body[field] = value
    response = snap.post("/snap/v1.0/transfer-va/inquiry", json.dumps(body, separators=(",", ":")))
    assert (response.status_code, _code(response)) == (400, code)
    assert field in response.json()["responseMessage"]


# --- payment ---------------------------------------------------------------------------------------


def _quote(snap: SnapClient, kpj: str, request_id: str = "inq-1") -> str:
    response = snap.inquiry(kpj, request_id)
    assert response.status_code == 200, response.json()
    return response.json()["virtualAccountData"]["totalAmount"]["value"]


def test_payment_credits_once_like_a_gateway_settlement(partner: Any, frozen: Any, snap: SnapClient) -> None:
    participant = bpu_participant(
        status=MembershipStatus.NONAKTIF, status_reason=StatusReason.UNPAID_3_MONTHS
    )
    amount = _quote(snap, participant.kpj)
    response = snap.payment(participant.kpj, "inq-1", amount, external_id="9001")
    assert response.status_code == 200, response.json()
    data = response.json()["virtualAccountData"]
    assert response.json()["responseCode"] == "2002500"
    assert data["paymentFlagStatus"] == "00"
    assert data["paidAmount"] == {"value": amount, "currency": "IDR"}
    payment = Payment.objects.get()
    assert (payment.status, payment.channel, payment.gateway) == (S.SETTLEMENT, "mitra", "mitra")
    assert payment.amount_idr == int(amount[:-3])
    assert data["additionalInfo"]["receiptNumber"] == Receipt.objects.get(payment=payment).number
    participant.refresh_from_db()
    assert participant.status == MembershipStatus.AKTIF
    assert participant.status_reason == StatusReason.PAID_AGAIN
    assert participant.protected_until == dt.date(2026, 3, 31)
    contribution = Contribution.objects.get(participant=participant)
    assert contribution.period == dt.date(2026, 3, 1)
    assert JhtBalance.objects.get(account=participant).balance_idr == contribution.jht_worker_idr
    assert PartnerPayment.objects.get().payment == payment

    # The same request again (same X-EXTERNAL-ID, same body): the first answer, nothing more.
    again = snap.payment(participant.kpj, "inq-1", amount, external_id="9001")
    assert (again.status_code, again.json()) == (200, response.json())
    # The same payment under a new X-EXTERNAL-ID: already paid.
    other = snap.payment(participant.kpj, "inq-1", amount, external_id="9002")
    assert (other.status_code, _code(other)) == (404, "4042514")
    # The same X-EXTERNAL-ID with a different body: conflict.
    conflict = snap.payment(participant.kpj, "inq-1", "1.00", external_id="9001")
    assert (conflict.status_code, _code(conflict)) == (409, "4092500")
    assert Payment.objects.count() == 1
    assert Contribution.objects.count() == 1
    assert PaymentMonth.objects.count() == 1


def test_payment_with_another_amount_is_refused(partner: Any, frozen: Any, snap: SnapClient) -> None:
    participant = bpu_participant()
    amount = _quote(snap, participant.kpj)
    wrong = f"{int(amount[:-3]) + 1}.00"
    response = snap.payment(participant.kpj, "inq-1", wrong)
    assert (response.status_code, _code(response)) == (404, "4042513")
    assert response.json()["virtualAccountData"]["paymentFlagStatus"] == "01"
    cents = snap.payment(participant.kpj, "inq-1", f"{amount[:-3]}.50")
    assert (cents.status_code, _code(cents)) == (404, "4042513")
    bad_format = snap.payment(participant.kpj, "inq-1", "12,000")
    assert (bad_format.status_code, _code(bad_format)) == (400, "4002501")
    _nothing_credited()


def test_payment_without_inquiry_or_for_another_kpj(partner: Any, frozen: Any, snap: SnapClient) -> None:
    participant = bpu_participant()
    other = bpu_participant()
    amount = _quote(snap, participant.kpj)
    assert _code(snap.payment(participant.kpj, "never-asked", amount)) == "4042512"
    assert _code(snap.payment(other.kpj, "inq-1", amount)) == "4042518"
    _nothing_credited()


def test_payment_refused_when_the_bill_changed_since_the_inquiry(
    partner: Any, frozen: Any, snap: SnapClient
) -> None:
    participant = bpu_participant(income_idr=1_000_000)
    amount = _quote(snap, participant.kpj)
    participant.bpu_profile.declared_income_idr = 3_000_000
    participant.bpu_profile.save()
    response = snap.payment(participant.kpj, "inq-1", amount)
    assert (response.status_code, _code(response)) == (404, "4042513")
    _nothing_credited()


def test_two_inquiries_for_the_same_month_credit_one(partner: Any, frozen: Any, snap: SnapClient) -> None:
    participant = bpu_participant()
    first = _quote(snap, participant.kpj, "inq-a")
    second = _quote(snap, participant.kpj, "inq-b")
    assert _code(snap.payment(participant.kpj, "inq-a", first)) == "2002500"
    response = snap.payment(participant.kpj, "inq-b", second)
    assert (response.status_code, _code(response)) == (404, "4042514")
    assert Payment.objects.count() == 1


def test_service_not_allowed_for_partner(partner: Any, frozen: Any, snap: SnapClient) -> None:
    partner.services = ["balance"]
    partner.save()
    participant = bpu_participant()
    response = snap.inquiry(participant.kpj)
    assert (response.status_code, _code(response)) == (403, "4032401")


def test_rate_limit(partner: Any, frozen: Any, snap: SnapClient, settings: Any) -> None:
    settings.SNAP_RATE_LIMIT_PER_MINUTE = 2
    participant = bpu_participant()
    assert _code(snap.inquiry(participant.kpj, "a")) == "2002400"
    assert _code(snap.inquiry(participant.kpj, "b")) == "2002400"
    response = snap.inquiry(participant.kpj, "c")
    assert (response.status_code, _code(response)) == (429, "4292400")


def test_token_rate_limit_is_per_client_and_address(partner: Any, frozen: Any, settings: Any) -> None:
    settings.SNAP_TOKEN_RATE_LIMIT_PER_MINUTE = 2
    client = SnapClient()
    assert _code(client.token()) == "2007300"
    assert _code(client.token(**{"X-SIGNATURE": "AAAA"})) == "4017300"
    limited = client.token()
    assert (limited.status_code, _code(limited)) == (429, "4297300")
    assert "accessToken" not in limited.json()
    other = SnapClient()
    other.client = type(other.client)(REMOTE_ADDR="10.1.2.3")
    assert _code(other.token()) == "2007300"  # the partner's own server, from another address
