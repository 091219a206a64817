from __future__ import annotations

import datetime as dt
import importlib
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
    """Transactional tests flush tables, rate rows from the data migrations included: load them again."""
    from django.apps import apps

    from participants.models import Rate

    if not Rate.objects.filter(program="KLAIM", component="second_approval_threshold").exists():
        importlib.import_module("participants.migrations.0002_rates_and_development").load(apps, None)
        importlib.import_module("claims.migrations.0002_second_approval_threshold").load(apps, None)
