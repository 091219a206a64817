"""Fixtures for the accounts tests: a clean cache (rate-limit counters) and a participant to activate."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import NoReverseMatch, reverse

from participants.models import Participant
from tests.factories import ParticipantFactory, make_nik

BIRTH_DATE = dt.date(1990, 5, 17)
ACTIVATION_PASSWORD = "Sandi-Aktivasi-2026!"


def dashboard_url() -> str:
    """Where a fresh login lands; `/peserta/` until the participants app names its dashboard."""
    try:
        return reverse("participants:dashboard")
    except NoReverseMatch:
        return "/peserta/"


@pytest.fixture(autouse=True)
def _clean_cache_and_redirect(settings: Any) -> Iterator[None]:
    cache.clear()
    try:
        reverse("participants:dashboard")
    except NoReverseMatch:
        settings.LOGIN_REDIRECT_URL = "/peserta/"
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _outbox_worker_for_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Codes leave through the notification outbox task. These tests stand in for the worker: the
    task runs as soon as it is enqueued, for activation messages (other notices stay queued)."""
    from notifications import tasks
    from notifications.models import Outbox
    from notifications.services import outbox_deliver

    def run(outbox_id: int) -> None:
        if Outbox.objects.filter(pk=outbox_id, event__startswith="activation").exists():
            outbox_deliver(outbox_id=outbox_id)

    monkeypatch.setattr(tasks.send_outbox, "delay_on_commit", run)


@pytest.fixture
def nik() -> str:
    return make_nik(birth_date=BIRTH_DATE, sex="L", serial=4321)


@pytest.fixture
def participant(db: None, nik: str) -> Participant:
    return ParticipantFactory.create(nik=nik, kpj="12345678901", birth_date=BIRTH_DATE, sex="L")


def activation_data(nik_value: str, /, **overrides: str) -> dict[str, str]:
    data = {
        "nik": nik_value,
        "kpj": "12345678901",
        "birth_date": "1990-05-17",
        "email": "budi@contoh.id",
        "password1": ACTIVATION_PASSWORD,
        "password2": ACTIVATION_PASSWORD,
    }
    data.update(overrides)
    return data


def code_from_outbox(index: int = -1) -> str:
    match = re.search(r"^\s+(\d{6})\s*$", mail.outbox[index].body, re.MULTILINE)
    assert match is not None, mail.outbox[index].body
    return match.group(1)


def start_activation(client: Client, nik_value: str, /, **overrides: str) -> Any:
    return client.post(reverse("accounts:activate"), activation_data(nik_value, **overrides))
