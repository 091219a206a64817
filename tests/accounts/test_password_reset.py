"""Password reset by code (accounts.password_reset): the request does the same work for known and
unknown addresses — one recorded job, nothing sent — and the worker queues the code in the
notification outbox for accounts only."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from accounts.models import PasswordResetMail
from accounts.password_reset import password_reset_mail_send, password_reset_mail_sweep
from notifications.models import Outbox
from notifications.services import outbox_deliver
from tests.accounts.test_lockout import _body
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESET_URL = "/akun/password/reset/"
CONFIRM_URL = "/akun/password/reset/confirm/"


def _reset(client: Client, email: str, django_capture_on_commit_callbacks: Any) -> tuple[Any, list[Any]]:
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(RESET_URL, {"email": email})
    return response, callbacks


def test_known_and_unknown_addresses_cost_the_request_the_same_and_get_the_same_answer(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    UserFactory(email="lupa@contoh.id")
    known, unknown = Client(), Client()
    first, first_jobs = _reset(known, "lupa@contoh.id", django_capture_on_commit_callbacks)
    second, second_jobs = _reset(unknown, "tidak-ada@contoh.id", django_capture_on_commit_callbacks)
    assert (first.status_code, first.url) == (second.status_code, second.url) == (302, CONFIRM_URL)
    # The page repeats the address typed; otherwise it is the same.
    assert _body(known.get(CONFIRM_URL)) == _body(unknown.get(CONFIRM_URL)).replace("tidak-ada@", "lupa@")
    # Inside each request: one recorded job and one task after commit; nothing sent, nothing queued.
    assert (len(first_jobs), len(second_jobs)) == (1, 1)
    assert mail.outbox == []
    assert Outbox.objects.count() == 0
    rows = {row.email: row for row in PasswordResetMail.objects.all()}
    assert set(rows) == {"lupa@contoh.id", "tidak-ada@contoh.id"}
    assert rows["tidak-ada@contoh.id"].code == ""
    # The worker: a code in the outbox for the account, nothing at all for the unknown address.
    assert password_reset_mail_send(mail_id=rows["lupa@contoh.id"].pk) is True
    assert password_reset_mail_send(mail_id=rows["tidak-ada@contoh.id"].pk) is False
    row = Outbox.objects.get()
    assert (row.event, row.channel, row.recipient, row.status, row.sensitive) == (
        "password_reset_code",
        "email",
        "lupa@contoh.id",
        "queued",
        True,
    )
    assert all(r.code == "" and r.done_at is not None for r in PasswordResetMail.objects.all())
    # Twice is once.
    assert password_reset_mail_send(mail_id=rows["lupa@contoh.id"].pk) is False
    assert Outbox.objects.count() == 1


def test_the_worker_sends_the_code_and_it_resets_the_password(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    user = UserFactory(email="lupa@contoh.id")
    client = Client()
    _reset(client, "LUPA@contoh.id", django_capture_on_commit_callbacks)
    password_reset_mail_send(mail_id=PasswordResetMail.objects.get().pk)
    row = Outbox.objects.get(event="password_reset_code")
    outbox_deliver(outbox_id=row.pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lupa@contoh.id"]
    assert message.subject == "Kode atur ulang kata sandi Portal Peserta"
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


def test_the_code_mail_is_in_the_visitors_language(
    db: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    UserFactory(email="lupa@contoh.id")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _reset(client, "lupa@contoh.id", django_capture_on_commit_callbacks)
    password_reset_mail_send(mail_id=PasswordResetMail.objects.get().pk)
    row = Outbox.objects.get(event="password_reset_code")
    assert (row.language, row.subject) == ("en", "Participant portal password reset code")


def test_the_sweep_sends_what_the_broker_lost_and_forgets_done_rows(db: None) -> None:
    UserFactory(email="lupa@contoh.id")
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        old = PasswordResetMail.objects.create(email="lupa@contoh.id", code="ABC123")
        clock.shift(dt.timedelta(minutes=4))
        fresh = PasswordResetMail.objects.create(email="lupa@contoh.id", code="DEF456")
        assert password_reset_mail_sweep() == 0  # nothing is five minutes old yet
        clock.shift(dt.timedelta(minutes=1, seconds=1))
        assert password_reset_mail_sweep() == 1
        assert list(Outbox.objects.values_list("event", flat=True)) == ["password_reset_code"]
        assert PasswordResetMail.objects.get(pk=fresh.pk).done_at is None
        clock.shift(dt.timedelta(days=1, minutes=1))
        password_reset_mail_sweep()
        assert not PasswordResetMail.objects.filter(pk=old.pk).exists()
        assert PasswordResetMail.objects.get(pk=fresh.pk).done_at is not None
