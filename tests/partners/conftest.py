from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from partners import demo
from partners.fakebank import INQUIRY_PATH, PAYMENT_PATH, FakeBank, demo_bank
from partners.models import Credential, Partner

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def _partner_settings(settings: Any, tmp_path: Any) -> None:
    settings.PAYMENT_GATEWAY = "fake"
    settings.MIDTRANS_SERVER_KEY = "SB-Mid-server-test-key-123"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    cache.clear()  # rate-limit counters and tokens of other tests


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def partner(db: None) -> Partner:
    demo.load_demo_partner()
    # Active since long before the frozen clock some tests run on.
    Partner.objects.filter(client_id=demo.CLIENT_ID).update(active_from=NOW - dt.timedelta(days=365))
    Credential.objects.filter(partner__client_id=demo.CLIENT_ID).update(
        created_at=NOW - dt.timedelta(days=365)
    )
    return Partner.objects.get(client_id=demo.CLIENT_ID)


class SnapClient:
    """The demo bank, sending through Django's test client (the full request stack, no socket)."""

    def __init__(self) -> None:
        self.client = Client()
        self.bank: FakeBank = demo_bank("http://testserver")

    def token(self, **overrides: str) -> Any:
        headers = {**self.bank.token_headers(), **overrides}
        response = self.client.post(
            "/snap/v1.0/access-token/b2b",
            data=json.dumps({"grantType": "client_credentials"}),
            content_type="application/json",
            headers={k: v for k, v in headers.items() if k != "Content-Type"},
        )
        if response.status_code == 200:
            self.bank.token = response.json()["accessToken"]
        return response

    def post(self, path: str, body: str, *, drop: str = "", **kwargs: Any) -> Any:
        headers = self.bank.signed_headers(path, body, **kwargs)
        headers.pop("Content-Type")
        headers.pop(drop, None)
        return self.client.post(path, data=body, content_type="application/json", headers=headers)

    def inquiry(self, kpj: str, request_id: str = "inq-1", months: int = 1, **kwargs: Any) -> Any:
        return self.post(INQUIRY_PATH, self.bank.inquiry_body(kpj, request_id, months), **kwargs)

    def payment(self, kpj: str, request_id: str, amount: str, **kwargs: Any) -> Any:
        return self.post(PAYMENT_PATH, self.bank.payment_body(kpj, request_id, amount), **kwargs)


@pytest.fixture
def snap(partner: Partner) -> SnapClient:
    client = SnapClient()
    assert client.token().status_code == 200
    return client
