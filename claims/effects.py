"""The jobs a claim's move schedules after commit: automated verification, the payout and a decision
letter's PDF.

The state machine (claims/transitions.py) decides when; the tasks (claims/tasks.py) do the work, and
the work moves the claim again through the state machine. So that the state machine does not import
the tasks that import it, ClaimsConfig.ready registers the three tasks here once, and transitions
asks for them when it schedules (`portal.effects.services.effect_schedule`: recorded with the move,
sent only if it commits, swept if lost).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class OnCommitTask(Protocol):
    name: str  # a Celery task: `effect_schedule` records it by name

    def apply_async(self, *args: Any, **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class ClaimJobs:
    verify: OnCommitTask  # takes a claim id
    pay: OnCommitTask  # takes a claim id
    render_letter: OnCommitTask  # takes a letter id


_jobs: ClaimJobs | None = None


def register(jobs: ClaimJobs) -> None:
    global _jobs
    _jobs = jobs


def jobs() -> ClaimJobs:
    """The registered jobs; RuntimeError before Django has started (a move never drops its effects)."""
    if _jobs is None:
        raise RuntimeError("claims.effects: no jobs registered (ClaimsConfig.ready has not run)")
    return _jobs
