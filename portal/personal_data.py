""" "Data saya": what the portal holds about a person, gathered from every app that holds some.

Each app registers a provider at start-up (its AppConfig.ready) that takes the signed-in user and returns
one `Section` (its title and plain rows: strings, numbers, dates, lists and dicts). The page and its JSON
export (UU PDP 27/2022 art. 7 and 13: access to and a copy of one's own data) only walk the sections, so
no app below reads another app's tables and a new app adds its data by registering one provider.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    """One part of the export: `key` names it in the JSON, `title` on the page (translated); `rows` are
    records (one dict each), `summary` a single record."""

    key: str
    title: str
    rows: Sequence[Mapping[str, Any]] = field(default_factory=list)
    summary: Mapping[str, Any] = field(default_factory=dict)


Provider = Callable[[Any], Section | None]
_providers: list[tuple[int, Provider]] = []


def register_section(*, order: int, provider: Provider) -> None:
    """Add a provider (idempotent: registering the same function twice keeps one). `order` sorts the
    sections on the page."""
    if all(existing is not provider for _, existing in _providers):
        _providers.append((order, provider))
        _providers.sort(key=lambda item: item[0])


def personal_data_of_user(*, user: Any) -> list[Section]:
    """Every registered section for `user` (providers return None when they hold nothing)."""
    sections = []
    for _, provider in _providers:
        section = provider(user)
        if section is not None:
            sections.append(section)
    return sections
