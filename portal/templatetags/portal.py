"""Template filters shared by every page: money, dates and masked identifiers."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats, timezone

from portal.masking import mask_nik as _mask_nik
from portal.money import format_rupiah

register = template.Library()


@register.filter
def rupiah(value: int | None) -> str:
    """`{{ 1234567|rupiah }}` → `Rp1.234.567`."""
    if value in (None, ""):
        return ""
    return format_rupiah(int(value))


@register.filter
def tanggal(value: dt.date | dt.datetime | None) -> str:
    """Long date in the active language: `Minggu, 22 November 2026`."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return formats.date_format(value, "DATE_FORMAT")


@register.filter
def mask_nik(value: str | None) -> str:
    """`3171234501900001` → `3171********0001`."""
    return _mask_nik(value or "")
