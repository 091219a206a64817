"""The one error of the verification services."""

from __future__ import annotations


class VerificationError(Exception):
    """A refused action; nothing changed. `code` is stable (tests, logs), `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
