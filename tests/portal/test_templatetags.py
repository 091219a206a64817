import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation


def render(source: str, **context: object) -> str:
    return Template("{% load portal %}" + source).render(Context(context))


def test_rupiah_filter() -> None:
    assert render("{{ amount|rupiah }}", amount=1234567) == "Rp1.234.567"


def test_rupiah_filter_on_empty_value() -> None:
    assert render("{{ amount|rupiah }}", amount=None) == ""


@pytest.mark.parametrize(
    ("language", "expected"),
    [("id", "Minggu, 22 November 2026"), ("en", "Sunday, 22 November 2026")],
)
def test_tanggal_filter_long_date(language: str, expected: str) -> None:
    with translation.override(language):
        assert render("{{ d|tanggal }}", d=dt.date(2026, 11, 22)) == expected


def test_tanggal_filter_uses_jakarta_time_for_datetimes() -> None:
    # 20:00 UTC on Saturday is already Sunday 03:00 in Jakarta.
    moment = dt.datetime(2026, 11, 21, 20, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
    with translation.override("id"):
        assert render("{{ d|tanggal }}", d=moment) == "Minggu, 22 November 2026"


def test_mask_nik_filter() -> None:
    assert render("{{ nik|mask_nik }}", nik="3171234501900001") == "3171********0001"
