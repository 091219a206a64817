"""A bank playing SNAP against our own endpoints over HTTP (development sandbox, demo command, bench,
journey test): signs like a partner, with the partner's private key and client secret."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.utils import timezone

from partners.signatures import format_timestamp, minify, sign_token_request, sign_transaction

TOKEN_PATH = "/snap/v1.0/access-token/b2b"  # noqa: S105 - a path
INQUIRY_PATH = "/snap/v1.0/transfer-va/inquiry"
PAYMENT_PATH = "/snap/v1.0/transfer-va/payment"
BALANCE_PATH = "/snap/v1.0/jht/balance-inquiry"


@dataclass
class Exchange:
    """One request and its answer, as the sandbox shows them."""

    title: str
    method: str
    path: str
    headers: dict[str, str]
    body: str
    status: int
    answer: Any


@dataclass
class FakeBank:
    base_url: str
    client_id: str
    private_key_pem: str
    secret: str
    service_id: str
    channel_id: str = "95221"
    token: str = ""
    log: list[Exchange] = field(default_factory=list)
    client: httpx.Client | None = None

    def _http(self) -> httpx.Client:
        if self.client is None:
            self.client = httpx.Client(base_url=self.base_url, timeout=10.0)
        return self.client

    def _send(self, title: str, path: str, headers: dict[str, str], body: str) -> Exchange:
        response = self._http().post(path, content=body.encode(), headers=headers)
        try:
            answer = response.json()
        except ValueError:
            answer = response.text[:500]
        exchange = Exchange(title, "POST", path, headers, body, response.status_code, answer)
        self.log.append(exchange)
        return exchange

    def token_headers(self, *, at: dt.datetime | None = None) -> dict[str, str]:
        timestamp = format_timestamp(at or timezone.now())
        return {
            "Content-Type": "application/json",
            "X-TIMESTAMP": timestamp,
            "X-CLIENT-KEY": self.client_id,
            "X-SIGNATURE": sign_token_request(
                private_key_pem=self.private_key_pem, client_id=self.client_id, timestamp=timestamp
            ),
        }

    def get_token(self, title: str = "access-token/b2b") -> Exchange:
        exchange = self._send(
            title, TOKEN_PATH, self.token_headers(), minify({"grantType": "client_credentials"})
        )
        if exchange.status == 200:
            self.token = exchange.answer["accessToken"]
        return exchange

    def signed_headers(
        self,
        path: str,
        body: str,
        *,
        external_id: str | None = None,
        at: dt.datetime | None = None,
        secret: str | None = None,
    ) -> dict[str, str]:
        timestamp = format_timestamp(at or timezone.now())
        signature = sign_transaction(
            secret=secret or self.secret,
            method="POST",
            path=path,
            token=self.token,
            minified_body=body,
            timestamp=timestamp,
        )
        return {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {self.token}",
            "X-TIMESTAMP": timestamp,
            "X-SIGNATURE": signature,
            "X-PARTNER-ID": self.client_id,
            "X-EXTERNAL-ID": external_id or str(uuid.uuid4().int)[:20],
            "CHANNEL-ID": self.channel_id,
        }

    def va(self, kpj: str) -> dict[str, str]:
        padded = self.service_id.rjust(8)
        return {"partnerServiceId": padded, "customerNo": kpj, "virtualAccountNo": padded + kpj}

    def inquiry_body(self, kpj: str, request_id: str, months: int = 1) -> str:
        body: dict[str, Any] = {**self.va(kpj), "inquiryRequestId": request_id, "channelCode": 6011}
        if months != 1:
            body["additionalInfo"] = {"months": months}
        return minify(body)

    def payment_body(self, kpj: str, request_id: str, amount: str) -> str:
        return minify(
            {
                **self.va(kpj),
                "paymentRequestId": request_id,
                "paidAmount": {"value": amount, "currency": "IDR"},
                "trxDateTime": format_timestamp(timezone.now()),
                "referenceNo": request_id[-16:],
            }
        )

    def post(self, title: str, path: str, body: str, **kwargs: Any) -> Exchange:
        return self._send(title, path, self.signed_headers(path, body, **kwargs), body)

    def inquiry(self, kpj: str, request_id: str | None = None, **kwargs: Any) -> Exchange:
        request_id = request_id or uuid.uuid4().hex
        return self.post("transfer-va/inquiry", INQUIRY_PATH, self.inquiry_body(kpj, request_id), **kwargs)

    def payment(self, kpj: str, request_id: str, amount: str, **kwargs: Any) -> Exchange:
        return self.post(
            "transfer-va/payment", PAYMENT_PATH, self.payment_body(kpj, request_id, amount), **kwargs
        )


def demo_bank(base_url: str, client: httpx.Client | None = None) -> FakeBank:
    from partners import demo

    return FakeBank(
        base_url=base_url,
        client_id=demo.CLIENT_ID,
        private_key_pem=demo.private_key_pem(),
        secret=demo.SECRET,
        service_id=demo.SERVICE_ID,
        channel_id=demo.CHANNEL_ID,
        client=client,
    )


def pretty(exchange: Exchange) -> str:
    return json.dumps(exchange.answer, indent=2, ensure_ascii=False)
