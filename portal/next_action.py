"""One "next action" per participant: the types and the registry of the apps that contribute facts.

The dashboard lives in `participants`, below the apps that know about bills (contributions) and claims
(claims) in the layer order, so it cannot ask them. Instead each of those apps registers a source at
start-up (its AppConfig.ready) that returns what it knows about one person's KPJs: candidate actions
and the programmes a KPJ takes part in. `participants.overview.next_action` adds its own candidates
(status, missing months, protection) and picks the most urgent one, so every dashboard says the same
thing and never "nothing to do" next to a problem (docs/design.md#next-action).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

# Tones are the design system's alert tones (static/css/portal.css .alert-<tone>).
DANGER, WARNING, INFO, SUCCESS = "danger", "warning", "info", "success"


@dataclass(frozen=True)
class Action:
    """A thing the person should do, or know. Lower `priority` is more urgent (see RANKS)."""

    priority: int
    tone: str
    title: Any
    body: Any = ""
    label: Any = ""
    url: str = ""


# Ranks shared by every source, most urgent first.
RANK_PAY_OPEN_BILL = 10  # a bill is waiting and will expire
RANK_CLAIM_NEEDS_YOU = 20  # a claim is waiting for a correction or a draft is unfinished
RANK_NOT_PROTECTED = 30  # BPU: not (or no longer) protected
RANK_MISSING_MONTHS = 40  # months without iuran
RANK_WAGE_DROP = 50
RANK_CLAIM_IN_PROGRESS = 60  # nothing to do, but something is moving
RANK_ALL_GOOD = 100


@dataclass
class Facts:
    """What one app knows about a person's KPJs (keys are Participant primary keys)."""

    actions: list[Action] = field(default_factory=list)
    programmes: dict[int, set[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class KpjRef:
    pk: int
    public_id: Any
    category: str


Source = Callable[..., Facts]  # source(*, user_id: int, kpjs: Sequence[KpjRef]) -> Facts
_sources: dict[str, Source] = {}


def register_source(name: str, source: Source) -> None:
    """Register (or replace, so a reloaded app does not add it twice) one app's facts source."""
    _sources[name] = source


def facts_for(*, user_id: int, kpjs: Sequence[KpjRef]) -> list[Facts]:
    """Every registered source's facts, in registration order. Each source costs at most one query."""
    return [source(user_id=user_id, kpjs=kpjs) for source in _sources.values()]


def most_urgent(actions: Sequence[Action]) -> Action | None:
    return min(actions, key=lambda a: a.priority, default=None)
