"""Reading what a service recorded as durable effects (portal/effects), instead of patching tasks."""

from __future__ import annotations

from typing import Any

from portal.effects.models import Effect


def recorded_effects(**filters: Any) -> list[tuple[str, list[Any]]]:
    """(task name, args) of every effect row, oldest first."""
    return [(e.task, e.args) for e in Effect.objects.filter(**filters).order_by("pk")]
