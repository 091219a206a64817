from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from contributions.services import payment_create
from tests.contributions.factories import bpu_participant

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def _payments_settings(settings: Any, tmp_path: Any) -> None:
    settings.PAYMENT_GATEWAY = "fake"
    settings.MIDTRANS_SERVER_KEY = "SB-Mid-server-test-key-123"
    settings.PAYMENT_EXPIRY_HOURS = 24
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def participant(owner: Any) -> Any:
    return bpu_participant(user=owner)


@pytest.fixture
def payment(participant: Any, owner: Any) -> Any:
    return payment_create(user=owner, participant_public_id=participant.public_id, months=3, channel="bca_va")


def post_notification(client: Client, body: bytes) -> Any:
    return client.post("/payments/midtrans/notification/", data=body, content_type="application/json")


@pytest.fixture
def rates(transactional_db: None) -> None:
    """A transactional database with the reference rows (rates, claim figures) present.

    The test databases are copies of the migrated template, data-migration rows included, and a
    transactional test puts back any it changed (tests/database.py).
    """
