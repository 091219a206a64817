import logging
from typing import Any

import pytest
import structlog

from portal.logging import MaskingFormatter
from portal.masking import mask_name, mask_nik, mask_personal_numbers


def test_mask_nik_keeps_region_and_serial() -> None:
    assert mask_nik("3171234501900001") == "3171********0001"


@pytest.mark.parametrize("value", ["12345", "31712345019000011", ""])
def test_mask_nik_hides_malformed_values_entirely(value: str) -> None:
    assert mask_nik(value) == "*" * len(value)


def test_mask_personal_numbers_in_free_text() -> None:
    text = "login nik=3171234501900001 kk 3171010101010002 phone 081234567890 kpj 12345678901"
    assert mask_personal_numbers(text) == (
        "login nik=3171********0001 kk 3171********0002 phone 0812****90 kpj 12345678901"
    )


def test_longer_digit_runs_are_not_partially_masked() -> None:
    # 17 digits is not a NIK; masking a window of it would corrupt ids such as order numbers.
    assert mask_personal_numbers("order 12345678901234567") == "order 12345678901234567"


def _formatter(renderer: Any) -> MaskingFormatter:
    return MaskingFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        foreign_pre_chain=[structlog.stdlib.add_log_level],
    )


@pytest.mark.parametrize(
    "renderer", [structlog.processors.JSONRenderer(), structlog.dev.ConsoleRenderer(colors=False)]
)
def test_every_log_line_is_masked(renderer: Any) -> None:
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "lookup %s failed",
        ("3171234501900001",),
        None,
    )
    line = _formatter(renderer).format(record)
    assert "3171234501900001" not in line
    assert "3171********0001" in line


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Budi Santoso", "Bu** Sa*****"),
        ("Siti  Nur Al", "Si** Nu* A*"),  # a two-letter word keeps one letter; runs of spaces collapse
        ("I Made Oka", "I Ma** Ok*"),
        ("", ""),
    ],
)
def test_mask_name_for_public_pages(name: str, masked: str) -> None:
    assert mask_name(name) == masked
