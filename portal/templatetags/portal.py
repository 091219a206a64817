"""Template filters shared by every page: money, dates, percentages, SVG numbers and masked identifiers.

One display format per kind of value (ARCHITECTURE.md rule 17): `rupiah` for money, `tanggal` for a
date, `waktu` for a moment (always with "WIB"), `persen` for a percentage, on the web and in PDFs alike.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import template
from django.utils import formats, timezone

from portal.masking import mask_nik as _mask_nik
from portal.money import format_rupiah

register = template.Library()
_WIB = ZoneInfo("Asia/Jakarta")  # the portal's times are Western Indonesian Time, whatever the server's zone


@register.filter
def rupiah(value: int | None) -> str:
    """`{{ 1234567|rupiah }}` → `Rp1.234.567`."""
    if value in (None, ""):
        return ""
    return format_rupiah(int(value))


@register.filter
def tanggal(value: dt.date | dt.datetime | str | None) -> str:
    """Long date in the active language: `Minggu, 22 November 2026`. Takes the ISO strings that
    document snapshots store ("2026-11-22") too."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return formats.date_format(value, "DATE_FORMAT")


@register.filter
def bulan(value: dt.date | str | None) -> str:
    """Month and year in the active language: `Desember 2026` (ISO strings from snapshots too)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return formats.date_format(value, "YEAR_MONTH_FORMAT")


@register.filter
def waktu(value: dt.datetime | str | None) -> str:
    """A moment in WIB: `Selasa, 8 Desember 2026, 14.05 WIB` (ISO strings from snapshots too)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value, _WIB)
    return f"{formats.date_format(value, 'DATETIME_FORMAT')} WIB"


@register.filter
def persen(value: Decimal | int | str | None) -> str:
    """`Decimal("5.7000")` → `5,7%` (Indonesian) / `5.7%` (English): no trailing zeros, no rounding."""
    if value in (None, ""):
        return ""
    number = Decimal(str(value))
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", formats.get_format("DECIMAL_SEPARATOR")) + "%"


@register.filter
def svgnum(value: float | int | Decimal) -> str:
    """A number for an SVG or machine-read attribute: always a dot, never grouped or localised
    (`x="75,25"` makes the browser drop the shape)."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


@register.filter
def mask_nik(value: str | None) -> str:
    """`3171234501900001` → `3171********0001`."""
    return _mask_nik(value or "")
