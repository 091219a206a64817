from __future__ import annotations

from typing import Any

import structlog

log = structlog.get_logger(__name__)


class ServiceRequestError(Exception):
    """A refused participant or staff action; nothing was changed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


def refuse(event: str, code: str, message: str, **fields: Any) -> ServiceRequestError:
    log.info(event, code=code, **fields)
    return ServiceRequestError(code, message)
