"""Activation quotas per (KPJ, client) plus a per-KPJ ceiling (accounts.quotas): a stranger's attempts
on the owner's KPJ use up the stranger's quota, never the owner's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory

from accounts.models import PendingActivation
from accounts.quotas import quota_hit
from participants.models import Participant
from tests.accounts.conftest import activation_data

pytestmark = pytest.mark.django_db

ACTIVATE_URL = "/akun/aktivasi/"
REFUSED = "Terlalu banyak percobaan aktivasi"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1


def _start(client: Client, nik: str, address: str, **overrides: str) -> Any:
    return client.post(
        ACTIVATE_URL,
        activation_data(nik, **overrides),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=address,
    )


def test_a_strangers_attempts_leave_the_owners_quota_untouched(participant: Participant, nik: str) -> None:
    stranger = Client()
    for _ in range(5):
        response = _start(stranger, nik, "198.51.100.5", birth_date="1990-05-18")
        assert response.status_code == 200
        assert REFUSED not in response.content.decode()
    response = _start(stranger, nik, "198.51.100.5")
    assert REFUSED in response.content.decode()
    assert PendingActivation.objects.count() == 0
    # The owner, from their own connection, activates normally.
    response = _start(Client(), nik, "203.0.113.8")
    assert response.status_code == 302
    assert response.url == "/akun/aktivasi/kode/"
    assert PendingActivation.objects.filter(participant=participant).count() == 1


def test_the_ceiling_per_kpj_holds_attempts_spread_over_many_addresses(
    settings: Any, participant: Participant, nik: str
) -> None:
    settings.ACTIVATION_RATE_PER_KPJ_CEILING = 3
    for n in range(3):
        response = _start(Client(), nik, f"100.64.0.{n}", birth_date="1990-05-18")
        assert REFUSED not in response.content.decode()
    response = _start(Client(), nik, "203.0.113.8")
    assert REFUSED in response.content.decode()
    assert PendingActivation.objects.count() == 0


def test_a_refused_client_does_not_fill_the_ceiling(settings: Any) -> None:
    """Hammering past its own quota, one client adds at most that quota to the subject's ceiling."""
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.9")
    settings.TRUSTED_PROXY_COUNT = 0
    kwargs = {"scope": "test", "subject": "kpj-1", "per_client": 100, "per_subject_client": 2, "ceiling": 3}
    assert [quota_hit(request=request, **kwargs) for _ in range(10)] == [True, True] + [False] * 8
    other = RequestFactory().post("/", REMOTE_ADDR="198.51.100.10")
    assert [quota_hit(request=other, **kwargs) for _ in range(2)] == [True, False]


def test_one_client_trying_many_kpjs_is_stopped_per_client(
    settings: Any, participant: Participant, nik: str
) -> None:
    settings.ACTIVATION_RATE_PER_IP = 3
    client = Client()
    for kpj in ("10000000001", "10000000002", "10000000003"):
        assert REFUSED not in _start(client, nik, "198.51.100.5", kpj=kpj).content.decode()
    assert REFUSED in _start(client, nik, "198.51.100.5").content.decode()
    assert _start(Client(), nik, "203.0.113.8").status_code == 302
