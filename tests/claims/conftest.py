from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

# 2026-03-02 (Monday) 10:00 WIB: 1.5 months after the default resignation date (15 January 2026).
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def _claims_settings(settings: Any, tmp_path: Any) -> None:
    settings.CLAIMS_DISBURSEMENT_GATEWAY = "claims.payout.gateway.FakeBankTransfer"
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
def rates(transactional_db: None) -> None:
    """A transactional database with the reference rows (rates, claim figures) present.

    The test databases are copies of the migrated template, data-migration rows included, and a
    transactional test puts back any it changed (tests/database.py).
    """
