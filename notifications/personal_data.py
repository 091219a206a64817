""" "Data saya" section of notifications (portal.personal_data): the messages sent to the person (event,
channel, address, times and subject; never the body, which may have held a code)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from notifications.models import Outbox
from participants.models import User
from portal.personal_data import Section

LIMIT = 500  # the newest; older messages are in the outbox's own retention


def notices_section(user: User) -> Section | None:
    rows = [
        {
            "created_at": o.created_at,
            "sent_at": o.sent_at,
            "event": o.event,
            "channel": o.get_channel_display(),
            "recipient": o.recipient,
            "subject": o.subject,
            "status": o.get_status_display(),
        }
        for o in Outbox.objects.filter(Q(user=user) | Q(participant__user=user)).order_by("-created_at")[
            :LIMIT
        ]
    ]
    if not rows:
        return None
    return Section(key="notices", title=_("Pemberitahuan yang dikirim"), rows=rows)
