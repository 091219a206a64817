"""New KPJ numbers for self-registered BPU participants.

A new KPJ is 10 random digits (first digit non-zero, from `secrets`) followed by a Luhn check digit:
11 digits like every KPJ, not guessable from any other KPJ (no sequence to walk), and a mistyped digit
is caught by the check digit. Uniqueness is the database's unique constraint on `Participant.kpj`: an
insert that collides (a concurrent registration drew the same number, or an imported KPJ has it) is
retried with a fresh number inside a savepoint. With 9·10⁹ bodies a collision is very rare; the retry
makes it harmless.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.db import IntegrityError, transaction
from stdnum import luhn

MAX_ATTEMPTS = 8


def kpj_generate() -> str:
    """A random 11-digit KPJ whose last digit is the Luhn check digit of the first ten."""
    body = str(10**9 + secrets.randbelow(9 * 10**9))
    return body + luhn.calc_check_digit(body)


def kpj_check_digit_ok(kpj: str) -> bool:
    """True for numbers made by `kpj_generate` (older, imported KPJs have no check digit)."""
    return len(kpj) == 11 and kpj.isdigit() and luhn.is_valid(kpj)


class KpjExhausted(RuntimeError):
    """No free number after MAX_ATTEMPTS draws (practically impossible unless the generator is broken)."""


def _is_kpj_collision(exc: IntegrityError) -> bool:
    cause = exc.__cause__
    constraint = getattr(getattr(cause, "diag", None), "constraint_name", "") or ""
    return "kpj" in constraint


def kpj_allocate[T](create: Callable[[str], T], *, generate: Callable[[], str] | None = None) -> T:
    """Call `create(kpj)` with fresh numbers until one inserts without a KPJ collision.

    `create` must insert the participant row; it runs in a savepoint so a collision rolls back only
    that attempt. Other integrity errors propagate. Must be called inside a transaction.
    """
    draw = generate or kpj_generate
    for _attempt in range(MAX_ATTEMPTS):
        kpj = draw()
        try:
            with transaction.atomic():
                return create(kpj)
        except IntegrityError as exc:
            if not _is_kpj_collision(exc):
                raise
    raise KpjExhausted("no free KPJ number found")
