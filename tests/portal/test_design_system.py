"""The design system's shared pieces: display filters, input fields and the living example page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import translation

from portal.forms import DateInputField, RupiahField, parse_date_input
from portal.templatetags.portal import bulan, persen, svgnum, tanggal, waktu


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (75.25, "75.25"),
        (70.0, "70"),
        (0, "0"),
        (-0.001, "0"),
        (Decimal("12.345"), "12.35"),
        (1234567, "1234567"),
    ],
)
def test_svg_numbers_use_a_dot_in_every_language(value: object, expected: str) -> None:
    with translation.override("id"):
        assert svgnum(value) == expected


def test_percent_drops_trailing_zeros_in_the_active_language() -> None:
    with translation.override("id"):
        assert persen(Decimal("5.7000")) == "5,7%"
        assert persen(Decimal("10")) == "10%"
    with translation.override("en"):
        assert persen(Decimal("5.63")) == "5.63%"


def test_dates_and_times_one_style_with_wib() -> None:
    moment = dt.datetime(2026, 12, 8, 7, 5, tzinfo=dt.UTC)  # 14.05 in Jakarta
    with translation.override("id"):
        assert tanggal(dt.date(2026, 12, 8)) == "Selasa, 8 Desember 2026"
        assert tanggal("2026-12-08") == "Selasa, 8 Desember 2026"
        assert waktu(moment) == "Selasa, 8 Desember 2026, 14.05 WIB"
        assert waktu(moment.isoformat()) == "Selasa, 8 Desember 2026, 14.05 WIB"
        assert bulan("2026-03-01") == "Maret 2026"


class _Form(forms.Form):
    amount = RupiahField(min_value=1)
    day = DateInputField()


@pytest.mark.parametrize("typed", ["3500000", "3.500.000", "Rp3.500.000", "rp 3.500.000", " 3.500.000 "])
def test_rupiah_with_or_without_dots(typed: str) -> None:
    form = _Form({"amount": typed, "day": "17-05-1990"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"amount": 3_500_000, "day": dt.date(1990, 5, 17)}


@pytest.mark.parametrize("typed", ["3.500000", "3,500,000", "3500000.50", "3.500.000,00", "tiga juta"])
def test_rupiah_refuses_what_is_not_whole_rupiah(typed: str) -> None:
    form = _Form({"amount": typed, "day": "17-05-1990"})
    assert not form.is_valid()
    assert form.errors["amount"] == [
        "Tulis rupiah utuh tanpa koma atau sen, misalnya 3.500.000 atau 3500000."
    ]


def test_rupiah_is_a_text_input_and_dates_take_one_style() -> None:
    html = str(_Form()["amount"])
    assert 'type="text"' in html
    assert 'inputmode="numeric"' in html
    assert 'placeholder="DD-MM-YYYY"' in str(_Form()["day"])
    assert parse_date_input("17/05/1990") == parse_date_input("1990-05-17") == dt.date(1990, 5, 17)
    assert parse_date_input("31-02-1990") is None


def test_living_example_page_renders_every_component() -> None:
    from portal.views.pages import design_examples

    request = RequestFactory().get("/_dev/design/")
    request.user = AnonymousUser()
    response = design_examples(request)
    response.render()
    body = response.content.decode()
    for marker in (
        "ds-alert-danger",
        "ds-badge-success",
        "ds-money-xl",
        "ds-stat",
        'aria-current="step"',
        "ds-timeline",
        "ds-empty",
        'data-copy="demo-va"',
        "ds-channel-qris",
        'class="ds-stack"',
        " WIB</time>",
    ):
        assert marker in body, marker
