"""Outbound SMS: the `SmsSender` protocol, a fake for development and tests, and Zenziva over httpx.

`SMS_SENDER=fake` (development default) prints each message to the console and keeps it in memory
(`FakeSmsSender.sent`); the outbox row itself is the record. `SMS_SENDER=zenziva` calls Zenziva's
console API: `POST {ZENZIVA_BASE_URL}/sendsms/` form-encoded `userkey`, `passkey`, `to`, `message`;
the JSON answer carries `messageId`, `to`, `status` ("1" = accepted) and `text` (the reason otherwise).
WhatsApp uses the same call on the `sendWA/` path of a WhatsApp-enabled account
(`ZENZIVA_CHANNEL=wa`).
"""

from __future__ import annotations

import sys
import threading
import uuid
from dataclasses import dataclass
from typing import Protocol

import httpx
from django.conf import settings


class SmsTemporaryError(Exception):
    """The provider could not be reached or asked us to retry later: the message may be retried."""


class SmsPermanentError(Exception):
    """The provider refused this message (bad number, no credit, bad key): retrying will not help."""


@dataclass(frozen=True)
class SmsResult:
    provider_id: str


class SmsSender(Protocol):
    name: str

    def send(self, *, to: str, text: str, reference: str) -> SmsResult:
        """Hand one message to the provider; `reference` is our idempotency key (for providers that
        deduplicate). Raises SmsTemporaryError or SmsPermanentError."""
        ...


@dataclass(frozen=True)
class SentSms:
    to: str
    text: str
    reference: str
    provider_id: str


class FakeSmsSender:
    """Development and tests: prints the message and remembers it (class-wide, thread-safe)."""

    name = "fake"
    sent: list[SentSms] = []
    _lock = threading.Lock()

    def send(self, *, to: str, text: str, reference: str) -> SmsResult:
        provider_id = f"fake-{uuid.uuid4().hex}"
        with self._lock:
            FakeSmsSender.sent.append(SentSms(to=to, text=text, reference=reference, provider_id=provider_id))
        if settings.DEBUG:
            print(f"[SMS to {to}] {text}", file=sys.stdout, flush=True)
        return SmsResult(provider_id=provider_id)

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls.sent.clear()


class ZenzivaSender:
    """Zenziva (zenziva.id) reguler / masking SMS, or WhatsApp, by its console REST API."""

    name = "zenziva"

    def __init__(
        self, *, base_url: str, userkey: str, passkey: str, channel: str = "sms", timeout: float = 10.0
    ) -> None:
        if not userkey or not passkey:
            raise SmsPermanentError("ZENZIVA_USERKEY and ZENZIVA_PASSKEY are required")
        self.url = base_url.rstrip("/") + ("/sendWA/" if channel == "wa" else "/sendsms/")
        self.userkey = userkey
        self.passkey = passkey
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> ZenzivaSender:
        return cls(
            base_url=settings.ZENZIVA_BASE_URL,
            userkey=settings.ZENZIVA_USERKEY,
            passkey=settings.ZENZIVA_PASSKEY,
            channel=settings.ZENZIVA_CHANNEL,
            timeout=settings.SMS_SENDER_TIMEOUT,
        )

    def send(self, *, to: str, text: str, reference: str) -> SmsResult:
        data = {"userkey": self.userkey, "passkey": self.passkey, "to": to, "message": text}
        try:
            response = httpx.post(self.url, data=data, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise SmsTemporaryError(type(exc).__name__) from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise SmsTemporaryError(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            raise SmsPermanentError(f"HTTP {response.status_code}")
        try:
            payload = response.json()
        except ValueError as exc:
            raise SmsTemporaryError("answer is not JSON") from exc
        if not isinstance(payload, dict):
            raise SmsTemporaryError("answer is not an object")
        if str(payload.get("status")) != "1":
            raise SmsPermanentError(str(payload.get("text") or "refused")[:200])
        message_id = str(payload.get("messageId") or "")
        if not message_id:
            raise SmsTemporaryError("answer without messageId")
        return SmsResult(provider_id=message_id[:100])


def get_sms_sender() -> SmsSender:
    if settings.SMS_SENDER == "zenziva":
        return ZenzivaSender.from_settings()
    return FakeSmsSender()
