from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from notifications.senders import FakeSmsSender
from participants.ledger.models import JhtBalance
from tests.factories import ParticipantFactory, make_nik

SECRET = "test-inbound-secret"
STATUS_SECRET = "test-status-secret"
BIRTH = dt.date(1988, 7, 9)
KPJ = "11122233344"
PHONE = "6281311112222"


@pytest.fixture(autouse=True)
def _sms_settings(settings: Any) -> Iterator[None]:
    settings.SMS_SENDER = "fake"
    settings.SMS_INBOUND_SECRET = SECRET
    settings.SMS_STATUS_SECRET = STATUS_SECRET
    settings.SMS_INBOUND_RATE_PER_SENDER = 10
    settings.SMS_REGISTER_RATE_PER_KPJ = 5
    settings.PORTAL_BASE_URL = "https://portal.test"
    cache.clear()
    FakeSmsSender.reset()
    yield
    FakeSmsSender.reset()


@pytest.fixture
def nik() -> str:
    return make_nik(birth_date=BIRTH, sex="L", serial=777)


@pytest.fixture
def person(db: None, nik: str) -> Any:
    participant = ParticipantFactory(
        nik=nik, kpj=KPJ, birth_date=BIRTH, sex="L", full_name="Budi  Santoso", phone="081311112222"
    )
    JhtBalance.objects.create(account=participant, balance_idr=12_345_678, worker_idr=12_345_678)
    return participant
