"""Password reset by code through the notification outbox (accounts.adapter.send_mail): the request
answers alike for known and unknown addresses and sends nothing itself; the worker sends the code."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from notifications.models import Outbox
from notifications.services import outbox_deliver
from tests.accounts.test_lockout import _body
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESET_URL = "/akun/password/reset/"
CONFIRM_URL = "/akun/password/reset/confirm/"


def _reset(client: Client, email: str) -> Any:
    return client.post(RESET_URL, {"email": email})


def test_known_and_unknown_addresses_get_the_same_answer_and_only_known_ones_a_queued_code(
    db: None,
) -> None:
    UserFactory(email="lupa@contoh.id")
    known, unknown = Client(), Client()
    first = _reset(known, "lupa@contoh.id")
    second = _reset(unknown, "tidak-ada@contoh.id")
    assert (first.status_code, first.url) == (second.status_code, second.url) == (302, CONFIRM_URL)
    # The page repeats the address typed; otherwise it is the same.
    assert _body(known.get(CONFIRM_URL)) == _body(unknown.get(CONFIRM_URL)).replace("tidak-ada@", "lupa@")
    # Nothing was sent inside either request: the known address has one queued message.
    assert mail.outbox == []
    row = Outbox.objects.get()
    assert (row.event, row.channel, row.recipient, row.status) == (
        "password_reset_code",
        "email",
        "lupa@contoh.id",
        "queued",
    )
    assert row.sensitive


def test_the_worker_sends_the_code_and_it_resets_the_password(db: None) -> None:
    user = UserFactory(email="lupa@contoh.id")
    client = Client()
    _reset(client, "LUPA@contoh.id")
    row = Outbox.objects.get(event="password_reset_code")
    outbox_deliver(outbox_id=row.pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lupa@contoh.id"]
    assert message.subject.endswith("Kode atur ulang kata sandi Portal Peserta")
    match = re.search(r"^\s+(\S+)\s*$", message.body, re.MULTILINE)
    assert match is not None, message.body
    row.refresh_from_db()
    assert match.group(1) not in row.body  # the stored copy is blanked once sent
    response = client.post(CONFIRM_URL, {"code": match.group(1)})
    assert response.status_code == 302
    response = client.post(response.url, {"password1": "Sandi-Baru-2026!", "password2": "Sandi-Baru-2026!"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Sandi-Baru-2026!")


def test_the_code_mail_is_in_the_visitors_language(db: None, settings: Any) -> None:
    UserFactory(email="lupa@contoh.id")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _reset(client, "lupa@contoh.id")
    row = Outbox.objects.get(event="password_reset_code")
    assert (row.language, row.subject) == ("en", "Participant portal password reset code")
