"""Staff search participants by NIK without the NIK in any URL (backoffice/admin/nik_search.py): the
search box posts, a NIK becomes an opaque token, and no redirect, link or page carries the NIK."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.backoffice.conftest import staff_client
from tests.backoffice.helpers import person_in

pytestmark = pytest.mark.django_db

LIST = "/admin/participants/participant/"
SEARCH = "/admin/participants/participant/cari/"


def _no_nik(nik: str, response: Any) -> None:
    """Neither the response's address, its redirect, nor anything in it (links, forms, the
    preserved filters of every link) holds the NIK, spaced out or URL-encoded."""
    texts = [response.get("Location", ""), response.content.decode()]
    if getattr(response, "request", None):
        texts.append(response.request.get("QUERY_STRING", ""))
    for text in texts:
        flat = re.sub(r"[\s\-+]|%20|%2B|%2D", "", unquote(unquote(text)))
        assert nik not in flat


def test_a_nik_search_finds_the_participant_and_no_url_or_link_holds_the_nik(jkt: Any, reviewer: Any) -> None:
    person = person_in(jkt, full_name="Siti Rahmawati")
    person_in(jkt, full_name="Joko Widodo")
    client = staff_client(reviewer)
    page = client.get(LIST)
    html = page.content.decode()
    assert f'<form id="changelist-search" method="post" action="{SEARCH}" role="search">' in html
    assert 'name="csrfmiddlewaretoken"' in html

    spaced = f"{person.nik[:6]} {person.nik[6:12]} {person.nik[12:]}"
    response = client.post(SEARCH, {"q": spaced, "status": "nonaktif", "p": "3"})
    assert response.status_code == 302
    _no_nik(person.nik, response)
    assert re.fullmatch(rf"{LIST}\?status=nonaktif&q=cari-[A-Za-z0-9_-]{{16}}", response.url)

    results = client.get(response.url)
    assert [p.pk for p in results.context["cl"].result_list] == [person.pk]
    _no_nik(person.nik, results)
    html = results.content.decode()
    assert f"Hasil pencarian NIK {person.nik[:4]}********{person.nik[-4:]}" in html
    assert 'name="q"\n                   value=""' in html  # the box does not echo the token
    # Into the participant's page (its preserved filters are the token) and back.
    link = re.search(r'href="(/admin/participants/participant/\d+/change/[^"]*)"', html)
    assert link is not None
    assert "_changelist_filters" in link.group(1)
    detail = client.get(link.group(1).replace("&amp;", "&"))
    assert detail.status_code == 200
    _no_nik(person.nik, detail)


def test_other_terms_stay_readable_in_the_url(jkt: Any, reviewer: Any) -> None:
    person = person_in(jkt, full_name="Siti Rahmawati")
    client = staff_client(reviewer)
    response = client.post(SEARCH, {"q": person.kpj})
    assert response.url == f"{LIST}?q={person.kpj}"
    response = client.post(SEARCH, {"q": "Rahmawati"}, follow=True)
    assert [p.pk for p in response.context["cl"].result_list] == [person.pk]
    assert client.post(SEARCH, {"q": ""}).url == LIST


def test_a_token_is_the_searchers_own_and_short_lived(jkt: Any, reviewer: Any, reviewer2: Any) -> None:
    person = person_in(jkt)
    url = staff_client(reviewer).post(SEARCH, {"q": person.nik}).url
    token = url.rsplit("q=", 1)[1]
    # A colleague given the link finds nothing, and is told why.
    response = staff_client(reviewer2).get(url)
    assert list(response.context["cl"].result_list) == []
    assert "Pencarian ini sudah kedaluwarsa" in response.content.decode()
    # It lives an hour; once the cache forgets it, its maker finds nothing either.
    owner = staff_client(reviewer)
    assert [p.pk for p in owner.get(url).context["cl"].result_list] == [person.pk]
    key = cache.make_and_validate_key(f"backoffice:search:{token}")
    assert 3500 < cache._cache.get_client().ttl(key) <= 3600
    cache.delete(f"backoffice:search:{token}")
    assert list(owner.get(url).context["cl"].result_list) == []


def test_the_server_keeps_the_blind_index_not_the_nik(jkt: Any, reviewer: Any) -> None:
    person = person_in(jkt)
    url = staff_client(reviewer).post(SEARCH, {"q": person.nik}).url
    saved = cache.get(f"backoffice:search:{url.rsplit('q=', 1)[1]}")
    assert set(saved) == {"user", "lookup", "label"}
    assert list(saved["lookup"]) == ["nik_index"]
    assert person.nik not in repr(saved)


def test_a_nik_typed_into_the_address_bar_is_dropped_from_the_url(jkt: Any, reviewer: Any) -> None:
    person = person_in(jkt)
    client = staff_client(reviewer)
    response = client.get(LIST, {"q": person.nik, "status": "nonaktif"})
    assert response.status_code == 302
    assert response.url == f"{LIST}?status=nonaktif"
    page = client.get(response.url)
    assert "Cari NIK lewat kotak pencarian" in page.content.decode()
    _no_nik(person.nik, page)


def test_a_nik_typed_into_the_claim_queue_search_is_dropped_from_the_url(jkt: Any, reviewer: Any) -> None:
    person = person_in(jkt)
    client = staff_client(reviewer)
    queue = "/admin/claims/claim/"
    response = client.get(queue, {"q": person.nik, "status": "submitted"})
    assert response.status_code == 302
    assert response.url == f"{queue}?status=submitted"
    _no_nik(person.nik, client.get(response.url))
    claim_id = "0b6f3c1e-8d2a-4e55-9a41-7c3d2e1f0a99"  # a claim ID keeps its digits in the URL
    assert client.get(queue, {"q": claim_id}).status_code == 200
    assert client.get(queue, {"q": person.kpj}).status_code == 200


def test_the_search_needs_post_and_a_staff_member_who_may_see_participants(jkt: Any, reviewer: Any) -> None:
    assert staff_client(reviewer).get(SEARCH).status_code == 405
    response = Client().post(SEARCH, {"q": "3171010101900001"})
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    assert reverse("admin:participants_participant_search") == SEARCH
