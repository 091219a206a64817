"""Reading statements on behalf of a user: only statements of the user's own KPJs."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from participants.models import Participant, User
from participants.statements.models import Statement


def statements_of_participant(*, participant: Participant, limit: int = 10) -> QuerySet[Statement]:
    return Statement.objects.filter(participant=participant).order_by("-requested_at")[:limit]


def statement_get_for_user(*, user: User, statement_id: uuid.UUID | str) -> Statement:
    """One statement of one of the user's KPJs by its public id; 404 for anything else."""
    try:
        return Statement.objects.select_related("participant").get(
            public_id=statement_id, participant__user=user
        )
    except (Statement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
