"""The outbox: idempotent queueing, sending once (also concurrently), retries, delivery reports,
the Zenziva client, preferences and the read-only admin."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx
import pytest
import respx
from django.core import mail
from django.db import connection
from django.test import Client

from notifications import services
from notifications.models import NotificationPreference, Outbox, OutboxStatus
from notifications.senders import (
    FakeSmsSender,
    SmsPermanentError,
    SmsResult,
    SmsTemporaryError,
    ZenzivaSender,
)
from notifications.services import SENT, SKIPPED, notify, outbox_deliver
from notifications.tasks import _backoff, send_outbox
from tests.factories import ParticipantFactory, StaffFactory, UserFactory
from tests.notifications.conftest import STATUS_SECRET
from tests.staff_login import staff_login


def queue_sms(phone: str = "081311112222", key: str = "k1", **kwargs: Any) -> Outbox:
    ids = notify(event="sms_reply", event_key=key, context={"kind": "help"}, phone=phone, **kwargs)
    assert len(ids) == 1
    return Outbox.objects.get(pk=ids[0])


def test_notify_is_idempotent_per_event_channel_recipient(db: None) -> None:
    first = queue_sms()
    again = notify(event="sms_reply", event_key="k1", context={"kind": "help"}, phone="0813-1111-2222")
    assert again == [first.pk]  # still queued: returned so it can be enqueued, but no second row
    assert Outbox.objects.count() == 1
    outbox_deliver(outbox_id=first.pk)
    assert notify(event="sms_reply", event_key="k1", context={"kind": "help"}, phone="081311112222") == []
    assert Outbox.objects.count() == 1


def test_task_run_twice_sends_once(db: None) -> None:
    participant = ParticipantFactory(email="a@contoh.id")
    [pk] = notify(
        event="membership_nonaktif",
        event_key="n1",
        context={"name": "A", "kpj": participant.kpj, "since": None, "reason": "x"},
        participant=participant,
    )
    assert send_outbox.apply(args=(pk,)).get() == SENT
    assert send_outbox.apply(args=(pk,)).get() == SKIPPED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["a@contoh.id"]
    row = Outbox.objects.get(pk=pk)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)


class _BlockingSender:
    name = "blocking"

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.calls = 0

    def send(self, *, to: str, text: str, reference: str) -> SmsResult:
        self.calls += 1
        self.entered.set()
        assert self.release.wait(10)
        return SmsResult(provider_id="p-1")


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_time_send_once(monkeypatch: Any) -> None:
    row = queue_sms()
    sender = _BlockingSender()
    monkeypatch.setattr(services, "get_sms_sender", lambda: sender)
    outcomes: dict[str, str] = {}

    def run(name: str) -> None:
        try:
            outcomes[name] = outbox_deliver(outbox_id=row.pk)
        finally:
            connection.close()

    first = threading.Thread(target=run, args=("first",))
    first.start()
    assert sender.entered.wait(10)  # the first worker holds the row and is talking to the provider
    second = threading.Thread(target=run, args=("second",))
    second.start()
    second.join(10)
    sender.release.set()
    first.join(10)
    assert outcomes == {"first": SENT, "second": SKIPPED}
    assert sender.calls == 1
    row.refresh_from_db()
    assert (row.status, row.provider_id, row.attempts) == (OutboxStatus.SENT, "p-1", 1)


class _FlakySender:
    name = "flaky"

    def __init__(self, failures: int, error: type[Exception] = SmsTemporaryError) -> None:
        self.failures = failures
        self.error = error
        self.calls = 0

    def send(self, *, to: str, text: str, reference: str) -> SmsResult:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error("provider down")
        return SmsResult(provider_id=f"p-{self.calls}")


def test_temporary_failures_retry_then_send(db: None, monkeypatch: Any) -> None:
    row = queue_sms()
    sender = _FlakySender(failures=2)
    monkeypatch.setattr(services, "get_sms_sender", lambda: sender)
    send_outbox.apply(args=(row.pk,))
    row.refresh_from_db()
    assert (row.status, row.attempts, row.provider_id, row.last_error) == (OutboxStatus.SENT, 3, "p-3", "")


def test_retries_are_bounded(db: None, monkeypatch: Any, settings: Any) -> None:
    settings.NOTIFICATION_MAX_RETRIES = 3
    row = queue_sms()
    sender = _FlakySender(failures=100)
    monkeypatch.setattr(services, "get_sms_sender", lambda: sender)
    send_outbox.apply(args=(row.pk,))
    row.refresh_from_db()
    assert (row.status, row.attempts, sender.calls) == (OutboxStatus.FAILED, 4, 4)
    assert row.last_error == "SmsTemporaryError: provider down"


def test_permanent_failure_is_not_retried(db: None, monkeypatch: Any) -> None:
    row = queue_sms()
    sender = _FlakySender(failures=100, error=SmsPermanentError)
    monkeypatch.setattr(services, "get_sms_sender", lambda: sender)
    send_outbox.apply(args=(row.pk,))
    row.refresh_from_db()
    assert (row.status, row.attempts, sender.calls) == (OutboxStatus.FAILED, 1, 1)


def test_backoff_grows_and_is_capped() -> None:
    assert [_backoff(n) for n in range(7)] == [30, 60, 120, 120, 120, 120, 120]


def test_sensitive_body_is_removed_once_sent(db: None) -> None:
    [pk] = notify(
        event="activation_code",
        event_key="act-1",
        context={"code": "123456", "minutes": 10, "name": "Budi"},
        phone="081311112222",
        sensitive=True,
    )
    assert "123456" in Outbox.objects.get(pk=pk).body
    outbox_deliver(outbox_id=pk)
    assert "123456" not in Outbox.objects.get(pk=pk).body
    assert FakeSmsSender.sent[0].text.startswith("123456 adalah kode aktivasi")


def test_english_template(db: None) -> None:
    row = queue_sms(language="en")
    assert row.body.startswith("Wrong format.")


@pytest.mark.parametrize("event", sorted(services.EVENTS))
def test_every_event_has_its_templates_in_both_languages(event: str) -> None:
    """`notify` renders the templates of every channel a person may choose; SMS replies are SMS only."""
    from django.template.loader import get_template

    parts = ["sms"] if event == "sms_reply" else ["subject", "email", "sms"]
    for language in services.LANGUAGES:
        for part in parts:
            get_template(f"notifications/{language}/{event}.{part}.txt")


def test_one_time_codes_by_sms_are_removed_once_sent(db: None) -> None:
    """BPU registration codes, like activation codes, do not stay readable in the outbox."""
    (pk,) = notify(
        event="bpu_registration_code",
        event_key="bpu-registration:x:1",
        context={"code": "654321", "minutes": 10, "name": "Siti"},
        phone="081311112222",
        sensitive=True,
    )
    row = Outbox.objects.get(pk=pk)
    assert (row.category, row.channel, row.recipient) == ("service", "sms", "6281311112222")
    assert outbox_deliver(outbox_id=pk) == SENT
    assert outbox_deliver(outbox_id=pk) == SKIPPED
    assert [s.text for s in FakeSmsSender.sent] == [
        "654321 adalah kode pendaftaran peserta BPU Portal Peserta, berlaku 10 menit. "
        "JANGAN berikan kepada siapa pun, termasuk petugas."
    ]
    assert "654321" not in Outbox.objects.get(pk=pk).body


# --- Delivery reports -------------------------------------------------------------------------------

STATUS_URL = "/sms/status/"


def report(body: Any, *, secret: str | None = STATUS_SECRET, raw: bool = False) -> Any:
    headers = {"X-SMS-Secret": secret} if secret is not None else {}
    data = body if raw else json.dumps(body)
    return Client().post(STATUS_URL, data, content_type="application/json", headers=headers)


def sent_sms(db: None = None) -> Outbox:
    row = queue_sms()
    outbox_deliver(outbox_id=row.pk)
    row.refresh_from_db()
    return row


def test_delivery_report_marks_delivered_and_never_goes_back(db: None) -> None:
    row = sent_sms()
    assert report({"message_id": row.provider_id, "status": "delivered"}).status_code == 200
    row.refresh_from_db()
    assert row.status == OutboxStatus.DELIVERED
    assert row.delivered_at is not None
    assert report({"message_id": row.provider_id, "status": "failed"}).status_code == 200
    row.refresh_from_db()
    assert row.status == OutboxStatus.DELIVERED


def test_delivery_report_failed(db: None) -> None:
    row = sent_sms()
    response = Client().post(
        STATUS_URL,
        {"message_id": row.provider_id, "status": "FAILED"},
        headers={"X-SMS-Secret": STATUS_SECRET},
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert (row.status, row.last_error) == (OutboxStatus.FAILED, "provider reported failure")


@pytest.mark.parametrize(
    ("body", "secret", "raw", "status"),
    [
        ({"message_id": "PID", "status": "delivered"}, None, False, 403),
        ({"message_id": "PID", "status": "delivered"}, "wrong", False, 403),
        ({"message_id": "PID", "status": "read"}, STATUS_SECRET, False, 400),
        ({"message_id": "PID"}, STATUS_SECRET, False, 400),
        ({"message_id": ["PID"], "status": "delivered"}, STATUS_SECRET, False, 400),
        ("{oops", STATUS_SECRET, True, 400),
        ({"message_id": "unknown-id", "status": "delivered"}, STATUS_SECRET, False, 404),
        ({"message_id": "PID", "status": "delivered", "pad": "x" * 5000}, STATUS_SECRET, False, 413),
    ],
    ids=[
        "no_secret",
        "wrong_secret",
        "bad_status",
        "missing_status",
        "list",
        "bad_json",
        "unknown",
        "too_big",
    ],
)
def test_bad_delivery_reports_change_nothing(
    db: None, body: Any, secret: str | None, raw: bool, status: int
) -> None:
    row = sent_sms()
    if isinstance(body, dict) and body.get("message_id") == "PID":
        body["message_id"] = row.provider_id
    assert report(body, secret=secret, raw=raw).status_code == status
    row.refresh_from_db()
    assert (row.status, row.delivered_at) == (OutboxStatus.SENT, None)


def test_delivery_report_for_a_queued_message_changes_nothing(db: None) -> None:
    row = queue_sms()
    Outbox.objects.filter(pk=row.pk).update(provider_id="early")
    assert report({"message_id": "early", "status": "delivered"}).status_code == 200
    assert Outbox.objects.get(pk=row.pk).status == OutboxStatus.QUEUED


# --- Zenziva ------------------------------------------------------------------------------------------

ZENZIVA = "https://console.zenziva.test/reguler/api"


def zenziva() -> ZenzivaSender:
    return ZenzivaSender(base_url=ZENZIVA, userkey="u", passkey="p")


@respx.mock
def test_zenziva_sends_form_and_reads_message_id() -> None:
    route = respx.post(f"{ZENZIVA}/sendsms/").mock(
        return_value=httpx.Response(
            200, json={"messageId": "z-77", "to": "6281311112222", "status": "1", "text": "Success"}
        )
    )
    assert zenziva().send(to="6281311112222", text="Halo", reference="r").provider_id == "z-77"
    sent = dict(httpx.QueryParams(route.calls.last.request.content.decode()))
    assert sent == {"userkey": "u", "passkey": "p", "to": "6281311112222", "message": "Halo"}


@respx.mock
@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(200, json={"status": "0", "text": "Saldo tidak cukup"}), SmsPermanentError),
        (httpx.Response(401, text="no"), SmsPermanentError),
        (httpx.Response(503, text="busy"), SmsTemporaryError),
        (httpx.Response(429, text="slow down"), SmsTemporaryError),
        (httpx.Response(200, text="<html>"), SmsTemporaryError),
        (httpx.Response(200, json={"status": "1"}), SmsTemporaryError),
        (httpx.ConnectTimeout("timeout"), SmsTemporaryError),
    ],
    ids=["refused", "unauthorised", "server_error", "rate_limited", "not_json", "no_id", "timeout"],
)
def test_zenziva_errors(response: Any, error: type[Exception]) -> None:
    route = respx.post(f"{ZENZIVA}/sendsms/")
    if isinstance(response, Exception):
        route.mock(side_effect=response)
    else:
        route.mock(return_value=response)
    with pytest.raises(error):
        zenziva().send(to="6281311112222", text="Halo", reference="r")


def test_zenziva_needs_keys() -> None:
    with pytest.raises(SmsPermanentError):
        ZenzivaSender(base_url=ZENZIVA, userkey="", passkey="")


@respx.mock
def test_whatsapp_path() -> None:
    route = respx.post(f"{ZENZIVA}/sendWA/").mock(
        return_value=httpx.Response(200, json={"messageId": "w-1", "status": "1", "text": "Success"})
    )
    sender = ZenzivaSender(base_url=ZENZIVA, userkey="u", passkey="p", channel="wa")
    assert sender.send(to="6281311112222", text="Halo", reference="r").provider_id == "w-1"
    assert route.called


# --- Preferences --------------------------------------------------------------------------------------


def _payment_event(participant: Any) -> list[Outbox]:
    ids = notify(
        event="payment_expired",
        event_key=f"pe:{participant.pk}",
        context={"name": "A", "kpj": participant.kpj, "amount_idr": 1, "order_id": "o", "pay_url": "u"},
        participant=participant,
    )
    return list(Outbox.objects.filter(pk__in=ids).order_by("channel"))


@pytest.mark.parametrize(
    ("email", "sms", "channels"),
    [
        (None, None, ["email"]),
        (True, False, ["email"]),
        (False, True, ["sms"]),
        (True, True, ["email", "sms"]),
        (False, False, []),
    ],
)
def test_preferences_are_respected(
    db: None, email: bool | None, sms: bool | None, channels: list[str]
) -> None:
    user = UserFactory()
    participant = ParticipantFactory(user=user, phone="081311112222")
    if email is not None:
        NotificationPreference.objects.create(user=user, category="payments", email=email, sms=bool(sms))
    assert [r.channel for r in _payment_event(participant)] == channels


def test_without_email_the_default_is_sms(db: None) -> None:
    participant = ParticipantFactory(email="", phone="081311112222")
    assert [(r.channel, r.recipient) for r in _payment_event(participant)] == [("sms", "6281311112222")]


def test_security_notices_always_go_by_email(db: None) -> None:
    from accounts.notices import security_password_changed

    user = UserFactory()
    ParticipantFactory(user=user, phone="081311112222")
    for category in ("payments", "membership", "claims"):
        NotificationPreference.objects.create(user=user, category=category, email=False, sms=False)
    ids = security_password_changed(user=user)
    assert list(Outbox.objects.filter(pk__in=ids).values_list("channel", "recipient")) == [
        ("email", user.email)
    ]


def test_preferences_page(owner: Any, owner_client: Client) -> None:
    ParticipantFactory(user=owner, phone="081311112222")
    page = owner_client.get("/akun/notifikasi/")
    assert page.status_code == 200
    assert "0813****22" in page.content.decode()
    assert "081311112222" not in page.content.decode()
    response = owner_client.post(
        "/akun/notifikasi/", {"payments": "both", "membership": "sms", "claims": "email"}
    )
    assert response.status_code == 302
    assert services.preferences_for_user(user=owner) == {
        "payments": (True, True),
        "membership": (False, True),
        "claims": (True, False),
    }


def test_preferences_page_htmx_fragment(owner: Any) -> None:
    client = Client(headers={"HX-Request": "true"})
    client.force_login(owner)
    response = client.post("/akun/notifikasi/", {"payments": "sms", "membership": "email", "claims": "email"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="prefs">')
    assert "<html" not in body


def test_preferences_page_refuses_bad_input(owner: Any, owner_client: Client) -> None:
    response = owner_client.post(
        "/akun/notifikasi/", {"payments": "pigeon", "membership": "sms", "claims": "email"}
    )
    assert response.status_code == 400
    assert NotificationPreference.objects.count() == 0


def test_preferences_page_needs_login(db: None) -> None:
    response = Client().get("/akun/notifikasi/")
    assert response.status_code == 302
    assert "/akun/login/" in response["Location"]


def test_dashboard_links_to_preferences(owner: Any, owner_client: Client) -> None:
    ParticipantFactory(user=owner)
    assert 'href="/akun/notifikasi/"' in owner_client.get("/peserta/").content.decode()


# --- Admin: read-only -----------------------------------------------------------------------------------


def test_outbox_admin_is_read_only(db: None) -> None:
    row = queue_sms()
    admin = StaffFactory(is_superuser=True)
    client = staff_login(Client(), admin)
    changelist = client.get("/admin/notifications/outbox/")
    assert changelist.status_code == 200
    assert "sms_reply" in changelist.content.decode()
    assert client.get("/admin/notifications/outbox/add/").status_code == 403
    detail = client.get(f"/admin/notifications/outbox/{row.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.post(f"/admin/notifications/outbox/{row.pk}/change/", {"status": "sent"}).status_code == 403
    assert client.post(f"/admin/notifications/outbox/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Outbox.objects.get(pk=row.pk).status == OutboxStatus.QUEUED


# --- Development page -------------------------------------------------------------------------------


def test_dev_sms_page_is_404_in_production(db: None, settings: Any) -> None:
    settings.DEBUG = False
    assert Client().get("/_dev/sms/").status_code == 404  # not even routed
    settings.ROOT_URLCONF = "tests.notifications.urls_debug"
    assert Client().get("/_dev/sms/").status_code == 404  # and the view refuses too
    assert Client().post("/_dev/sms/", {"sender": "081311112222", "text": "HALO"}).status_code == 404
    assert Outbox.objects.count() == 0


def test_dev_sms_page_sends_an_inbound_message(db: None, settings: Any) -> None:
    settings.DEBUG = True
    settings.ROOT_URLCONF = "tests.notifications.urls_debug"
    client = Client()
    assert client.post("/_dev/sms/", {"sender": "081311112222", "text": "HALO"}).status_code == 302
    page = client.get("/_dev/sms/").content.decode()
    assert "Format salah." in page
    assert Outbox.objects.get().recipient == "6281311112222"


def test_stale_queued_messages_are_enqueued_again(db: None, monkeypatch: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from notifications import tasks

    stale, fresh = queue_sms(key="stale"), queue_sms(key="fresh")
    sent = queue_sms(key="sent")
    outbox_deliver(outbox_id=sent.pk)
    Outbox.objects.filter(pk__in=[stale.pk, sent.pk]).update(
        updated_at=timezone.now() - dt.timedelta(minutes=20)
    )
    batches: list[list[int]] = []
    monkeypatch.setattr(tasks.send_outbox_batch, "delay", batches.append)
    assert tasks.send_stale_outbox() == 1
    assert batches == [[stale.pk]]
    assert fresh.pk not in batches[0]


def test_batch_sends_each_once_and_hands_back_temporary_failures(db: None, monkeypatch: Any) -> None:
    from notifications import tasks

    participant = ParticipantFactory(email="batch@contoh.id")
    email_ids = notify(
        event="membership_nonaktif",
        event_key="b1",
        context={"name": "A", "kpj": participant.kpj, "since": None, "reason": "x"},
        participant=participant,
    )
    ok_sms, bad_sms = queue_sms(key="b2"), queue_sms(phone="081399998888", key="b3")

    class _Picky:
        name = "picky"

        def send(self, *, to: str, text: str, reference: str) -> SmsResult:
            if to == "6281399998888":
                raise SmsTemporaryError("busy")
            return SmsResult(provider_id=f"ok-{to}")

    monkeypatch.setattr(services, "get_sms_sender", lambda: _Picky())
    retried: list[Any] = []
    monkeypatch.setattr(
        tasks.send_outbox, "apply_async", lambda args, countdown: retried.append((args, countdown))
    )
    ids = [*email_ids, ok_sms.pk, bad_sms.pk]
    assert tasks.send_outbox_batch(ids) == 2
    assert tasks.send_outbox_batch(ids) == 0  # redelivered: nothing sent twice
    assert retried == [((bad_sms.pk,), 30)] * 2  # still queued, so the redelivered batch tried it again
    assert len(mail.outbox) == 1
    rows = {r.pk: r for r in Outbox.objects.all()}
    assert (rows[ok_sms.pk].status, rows[ok_sms.pk].provider_id, rows[ok_sms.pk].attempts) == (
        "sent",
        "ok-6281311112222",
        1,
    )
    assert (rows[bad_sms.pk].status, rows[bad_sms.pk].attempts, rows[bad_sms.pk].last_error) == (
        "queued",
        2,
        "SmsTemporaryError: busy",
    )
    assert rows[email_ids[0]].status == "sent"
