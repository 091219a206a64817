"""What every kind of figure change shares: the refusal, the snapshot of a row, the protocol."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.db.models import Model

from participants.rates.models import FigureProposal

ONE_DAY = dt.timedelta(days=1)


class ProposalError(Exception):
    """A refused proposal or decision; nothing changed. `code` is stable, `message` is for staff."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Applied:
    before: list[dict[str, Any]]
    after: list[dict[str, Any]]
    target_id: int


def day_text(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else "—"


def month_text(value: dt.date) -> str:
    return value.strftime("%m/%Y")


def snapshot(row: Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """A row as JSON: its table, id and the named fields as text (None stays None)."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(row, name)
        if isinstance(value, list):
            values[name] = [str(v) for v in value]
        else:
            values[name] = None if value is None else str(value)
    return {"table": row._meta.model_name, "id": row.pk, "fields": values}


def record_history(row: Model, *, actor: Any, proposal: FigureProposal) -> None:
    """The row's history (simple-history) names the approver and the proposal."""
    row._history_user = actor  # type: ignore[attr-defined]
    row._change_reason = f"usulan #{proposal.pk}"  # type: ignore[attr-defined]


def fits(value: Decimal, *, max_digits: int, decimal_places: int) -> bool:
    """Whether `value` fits a DecimalField of that size without rounding."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or -exponent > decimal_places:
        return False
    return len(value.quantize(Decimal(1).scaleb(-decimal_places)).as_tuple().digits) <= max_digits


class Change:
    """The protocol of a change kind (participants/rates/changes/__init__.py). Subclasses are frozen
    dataclasses; `_dates`, `_decimals` and `_tuples` name the fields stored in the JSON payload as ISO
    dates, decimal strings and lists."""

    kind: ClassVar[str]
    _dates: ClassVar[tuple[str, ...]] = ()
    _decimals: ClassVar[tuple[str, ...]] = ()
    _tuples: ClassVar[tuple[str, ...]] = ()

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, (Decimal, dt.date)):
                value = str(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Any:
        values = dict(payload)
        for name in cls._dates:
            if values.get(name) is not None:
                values[name] = dt.date.fromisoformat(values[name])
        for name in cls._decimals:
            values[name] = Decimal(values[name])
        for name in cls._tuples:
            values[name] = tuple(values[name])
        return cls(**values)

    @property
    def target_id(self) -> int | None:
        return None

    def check(self, today: dt.date) -> None:
        raise NotImplementedError

    def apply(self, *, actor: Any, proposal: FigureProposal) -> Applied:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError
