"""Every new participant page: pinned SQL query counts (independent of history length), full page and htmx
fragment, anonymous sent to login."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from branches.services import booking_create
from tests.branches.conftest import MONDAY, NOW, at, make_branch
from tests.factories import post_contribution
from tests.layanan.conftest import logged_in, person_with_two_kpjs

pytestmark = pytest.mark.django_db

# Measured: session + user (2) and the page's own reads; the slot list is 5 (services, hours,
# overrides, slot rows) whatever the number of days, the estimate 6 whatever the length of history.
BUDGETS = {
    "branches:list": 3,
    "branches:new": 7,
    "layanan:index": 4,
    "layanan:jht_simulation": 6,
    "layanan:merge": 4,
    "layanan:corrections": 4,
}


@pytest.mark.parametrize("history_months", [3, 36])
@pytest.mark.parametrize("name", list(BUDGETS))
def test_page_query_budget(name: str, history_months: int, django_assert_max_num_queries: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        _, new = person_with_two_kpjs()
        for i in range(history_months):
            post_contribution(new, period=dt.date(2021 + i // 12, i % 12 + 1, 1), wage_idr=7_000_000)
        service = make_branch("Q01")
        for hour in (8, 9):
            booking_create(user=new.user, branch_service_id=service.pk, starts_at=at(MONDAY, hour), now=NOW)
            new.user.bookings.update(status="cancelled")
        client = logged_in(new.user)
        url = reverse(name) + (f"?layanan={service.pk}" if name == "branches:new" else "")
        client.get(url)  # warm caches (rate table, content types)
        with django_assert_max_num_queries(BUDGETS[name]):
            assert client.get(url).status_code == 200


FRAGMENTS = {
    "layanan:index": '<ul id="services"',
    "layanan:jht_simulation": '<section id="result"',
    "layanan:merge": '<section id="merge"',
    "layanan:corrections": '<section id="corrections"',
    "layanan:card": '<section id="card"',
    "layanan:complaints": '<section id="complaints"',
    "branches:list": '<section id="bookings"',
}


@pytest.mark.parametrize("name", list(FRAGMENTS))
def test_pages_full_and_as_htmx_fragment(name: str) -> None:
    _, new = person_with_two_kpjs()
    full = logged_in(new.user).get(reverse(name))
    assert full.status_code == 200
    assert "<html" in full.content.decode()
    fragment = logged_in(new.user, **{"HX-Request": "true"}).get(reverse(name))
    text = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in text
    assert text.lstrip().startswith(FRAGMENTS[name])
    assert "HX-Request" in fragment["Vary"]


@pytest.mark.parametrize("name", [*FRAGMENTS, "branches:new"])
def test_anonymous_is_sent_to_login(name: str) -> None:
    from django.test import Client

    response = Client().get(reverse(name))
    assert response.status_code == 302
    assert "/akun/login/" in response["Location"]
