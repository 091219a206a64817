"""Notices: how an app tells a person that something happened, without knowing how people are told.

A domain app describes each of its notices in its own `notices.py`: an event name (which names the
templates, templates/notifications/<lang>/<event>.*.txt), an idempotency key, a plain context (values,
dicts and lists; no model instances to walk) and the person it is for. It hands the `Notice` to
`publish`. The notifications app registers the sink at start-up (NotificationsConfig.ready) and decides
channels, texts and delivery: the domain app never imports it (README, Architecture).

`publish` calls the sink synchronously, in the caller's database transaction: the outbox rows commit
with the change that caused them, or not at all, and their send tasks are enqueued only after that
commit. Idempotent per (key, channel, recipient): publishing the same notice again queues nothing new.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Notice:
    """One notice for one person.

    - `event`: the notice's name, e.g. "payment_received"; the notifications app knows its category.
    - `key`: the idempotency key of this occurrence, e.g. "payment_received:<payment id>".
    - `context`: what the templates show.
    - `participant` / `user`: the participants.Participant / participants.User it is about (their
      contacts on record and the account's choices decide the channels); `email` / `phone`: an
      address given explicitly instead (codes sent before an account exists).
    - `sensitive`: the body holds a secret (a code): it is blanked once sent.
    """

    event: str
    key: str
    context: Mapping[str, Any] = field(default_factory=dict)
    participant: Any = None
    user: Any = None
    email: str | None = None
    phone: str | None = None
    language: str = "id"
    sensitive: bool = False


@dataclass(frozen=True)
class _Sink:
    one: Callable[[Notice], list[int]]
    many: Callable[[Sequence[Notice]], list[int]]


_sink: _Sink | None = None


def register_sink(
    *, one: Callable[[Notice], list[int]], many: Callable[[Sequence[Notice]], list[int]]
) -> None:
    """Set where every notice goes (the notifications app, when Django starts): `one` for a single
    notice, `many` for a fan-out."""
    global _sink
    _sink = _Sink(one=one, many=many)


def _registered() -> _Sink:
    if _sink is None:
        raise ImproperlyConfigured("No notice sink registered: is 'notifications' in INSTALLED_APPS?")
    return _sink


def publish(notice: Notice) -> list[int]:
    """Hand `notice` to the sink, now, in the caller's transaction. Returns the ids of its queued outbox
    rows (the same ids again while they are unsent, none once sent). Raises ImproperlyConfigured when
    no sink is registered: a notice is never dropped silently."""
    return _registered().one(notice)


def publish_many(notices: Sequence[Notice]) -> list[int]:
    """`publish` for a fan-out (the monthly reminders): the sink handles the lot at once (one query for
    the preferences, one INSERT, one send task) in its own transaction, nested in the caller's if
    there is one. Same idempotency per notice."""
    return _registered().many(notices) if notices else []


def absolute_url(path: str) -> str:
    """A link for a message: the portal's public address and `path` (from `reverse`)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path
