"""Where `portal.notices.publish` lands (registered in NotificationsConfig.ready): a notice becomes
outbox rows, one per channel, in the publisher's transaction.

The notice says what happened and for whom; this app decides the channels (category and the
account's choices, `resolve_routes`), renders the texts and delivers. Of the publishers it knows only
the recipients (participants' User and Participant): never the payments, claims, bookings or requests
the notices are about (a contract in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from notifications.models import CONFIGURABLE_CATEGORIES, NotificationPreference
from notifications.services import EVENTS, build_rows, notify, outbox_insert, resolve_routes
from portal.notices import Notice


def queue_notice(notice: Notice) -> list[int]:
    """One notice: `notify` (rows in the caller's transaction, one send task per row after commit)."""
    return notify(
        event=notice.event,
        event_key=notice.key,
        context=notice.context,
        user=notice.user,
        participant=notice.participant,
        email=notice.email,
        phone=notice.phone,
        language=notice.language,
        sensitive=notice.sensitive,
    )


def queue_notices(notices: Sequence[Notice]) -> list[int]:
    """A fan-out chunk: one query for the accounts' choices, one bulk INSERT (keys already queued are
    skipped), one `send_outbox_batch` task for the chunk after commit. Returns the queued ids."""
    from notifications.tasks import send_outbox_batch

    people = [(n, n.user if n.user is not None else _account_of(n)) for n in notices]
    categories = {EVENTS[n.event] for n in notices} & set(CONFIGURABLE_CATEGORIES)
    user_ids = {user.pk for _n, user in people if user is not None}
    prefs = {
        (uid, category): (email, sms)
        for uid, category, email, sms in NotificationPreference.objects.filter(
            user_id__in=user_ids, category__in=categories
        ).values_list("user_id", "category", "email", "sms")
    }
    rows = []
    for notice, user in people:
        category = EVENTS[notice.event]
        routes = resolve_routes(
            category=category,
            user=user,
            participant=notice.participant,
            email=notice.email,
            phone=notice.phone,
            prefs=prefs.get((user.pk, category)) if user is not None else None,
            use_prefs=False,
        )
        rows += build_rows(
            event=notice.event,
            event_key=notice.key,
            context=notice.context,
            routes=routes,
            user=user,
            participant=notice.participant,
            language=notice.language,
            sensitive=notice.sensitive,
        )
    with transaction.atomic():
        ids = outbox_insert(rows)
        if ids:
            send_outbox_batch.delay_on_commit(ids)
    return ids


def _account_of(notice: Notice) -> Any:
    participant = notice.participant
    return participant.user if participant is not None and participant.user_id is not None else None
