"""The effects sweeper, scheduled by beat (CELERY_BEAT_SCHEDULE "effects-sweep")."""

from __future__ import annotations

from portal.celery import idempotent_task


@idempotent_task()
def sweep_effects() -> int:
    """Send again the effects past their deadline (portal.effects.services.effects_sweep)."""
    from portal.effects.services import effects_sweep

    return effects_sweep()
