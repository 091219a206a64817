"""The notices of the participants area (portal.notices): a yearly statement is ready."""

from __future__ import annotations

from django.urls import reverse

from participants.statements.models import Statement
from portal.notices import Notice, absolute_url, publish


def statement_ready(*, statement: Statement) -> list[int]:
    """To the participant's contacts, and the account that asked for it; once per statement."""
    participant = statement.participant
    context = {
        "name": participant.full_name,
        "kpj": participant.kpj,
        "year": statement.year,
        "url": absolute_url(reverse("participants:dashboard")),
    }
    return publish(
        Notice(
            event="statement_ready",
            key=f"statement_ready:{statement.pk}",
            context=context,
            participant=participant,
            user=statement.requested_by if getattr(statement, "requested_by_id", None) else None,
        )
    )
