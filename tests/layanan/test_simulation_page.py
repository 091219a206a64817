"""Simulasi JHT page: starts from the balance rows of every KPJ of the person; works without JS."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from participants.ledger.models import JhtBalance
from tests.factories import UserFactory
from tests.layanan.conftest import logged_in, person_with_two_kpjs

pytestmark = pytest.mark.django_db

URL = "layanan:jht_simulation"


def test_page_uses_both_kpjs_and_says_it_is_an_estimate(django_assert_max_num_queries: object) -> None:
    kpjs = person_with_two_kpjs()
    total = sum(JhtBalance.objects.filter(account__in=kpjs).values_list("balance_idr", flat=True))
    client = logged_in(kpjs[0].user)
    response = client.get(reverse(URL))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ini perkiraan" in body
    assert f"Rp{total:,}".replace(",", ".") in body
    assert "(2 KPJ)" in body
    assert 'value="8000000"' in body  # newest wage
    svg = body.split('<svg class="jht-chart"', 1)[1].split("</svg>", 1)[0]
    assert "style" not in svg
    assert "<rect" in svg


def test_htmx_request_gets_the_result_fragment_with_edited_assumptions() -> None:
    kpjs = person_with_two_kpjs()
    url = reverse(URL)
    base = logged_in(kpjs[0].user).get(url, {"upah": "8000000", "kenaikan_upah": "0", "pengembangan": "0"})
    fragment = logged_in(kpjs[0].user, **{"HX-Request": "true"}).get(
        url, {"upah": "8000000", "kenaikan_upah": "0", "pengembangan": "5,63"}
    )
    text = fragment.content.decode()
    assert fragment.status_code == 200
    assert text.lstrip().startswith('<section id="result"')
    assert "<html" not in text
    assert base.context["projection"].final_balance_idr < fragment.context["projection"].final_balance_idr


@pytest.mark.parametrize(
    "params",
    [
        {"upah": "-1"},
        {"upah": "8"},  # Rp8 a month is a typo, not a wage
        {"upah": "3.500000"},
        {"upah": "banyak"},
        {"kenaikan_upah": "50"},
        {"pengembangan": "abc"},
        {"pengembangan": "-2"},
    ],
)
def test_bad_assumptions_are_refused_with_a_message(params: dict[str, str]) -> None:
    kpjs = person_with_two_kpjs()
    response = logged_in(kpjs[0].user).get(reverse(URL), params)
    assert response.status_code == 400
    assert 'class="form-error"' in response.content.decode()
    assert response.context["projection"] is None


def test_anonymous_goes_to_login_and_account_without_kpj_sees_a_note() -> None:
    assert Client().get(reverse(URL)).status_code == 302
    response = logged_in(UserFactory()).get(reverse(URL))
    assert response.status_code == 200
    assert "belum tertaut" in response.content.decode()


def _numbers_in_svg(svg: str) -> list[str]:
    import re

    return re.findall(r'(?:x|y|x1|x2|y1|y2|width|height|viewBox)="([^"]*)"', svg)


@pytest.mark.parametrize("language", ["id", "en"])
def test_chart_coordinates_are_never_localised(language: str) -> None:
    """In Indonesian Django would write x="75,25", which browsers drop: the chart drew nothing."""
    kpjs = person_with_two_kpjs()
    client = logged_in(kpjs[0].user)
    client.cookies["django_language"] = language
    body = client.get(reverse(URL), {"upah": "8.000.000"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    svg = body.split('<svg class="jht-chart"', 1)[1].split("</svg>", 1)[0]
    numbers = _numbers_in_svg(svg)
    assert len(numbers) > 10
    assert [n for n in numbers if "," in n] == []
    assert 'viewBox="0 0 640 260"' in svg
    assert "<desc" in svg  # the text alternative


def test_wage_with_thousands_dots_is_accepted_and_percent_has_no_trailing_zeros() -> None:
    kpjs = person_with_two_kpjs()
    response = logged_in(kpjs[0].user).get(reverse(URL), {"upah": "Rp3.500.000"})
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["upah"] == 3_500_000
    assert "Iuran JHT dihitung 5,7% dari upah per bulan." in body
    assert "5,7000" not in body
