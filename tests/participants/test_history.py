import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.factories import EmployerFactory, ParticipantFactory, UserFactory
from tests.participants.factories_pages import TODAY, post_months

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_frozen_today")]
D = dt.date


@pytest.fixture
def _frozen_today() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def kpj(owner: Any) -> Any:
    p = ParticipantFactory(user=owner, kpj="12121212121", registered_on=D(2016, 3, 1))
    post_months(
        p,
        D(2016, 3, 1),
        D(2026, 10, 1),
        skip=[D(2025, 2, 1), D(2025, 3, 1)],
        wages={D(2025, 6, 1): 7_000_000},
        employer=EmployerFactory(name="PT Sinar Abadi"),
    )
    return p


def url(p: Any, year: int | None = None) -> str:
    base = reverse("participants:history", kwargs={"public_id": p.public_id})
    return f"{base}?tahun={year}" if year else base


def test_owner_sees_one_year_month_by_month_with_missing_months(owner_client: Client, kpj: Any) -> None:
    response = owner_client.get(url(kpj, 2025))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('<tr class="month-missing">') == 2
    missing = '</th>\n        <td colspan="9" class="ds-wide">Tidak ada iuran untuk bulan ini'
    assert f'<th scope="row">Februari 2025{missing}' in body
    assert f'<th scope="row">Maret 2025{missing}' in body
    # Each cell carries its column's name, shown beside the value when the table stacks on a phone.
    assert '<td class="num" data-label="Upah dilaporkan">Rp7.000.000</td>' in body  # wage of June
    assert '<td class="num" data-label="JHT pemberi kerja">Rp259.000</td>' in body  # JHT employer 3.7 %
    assert "PT Sinar Abadi" in body
    assert 'href="?tahun=2024"' in body
    assert 'href="?tahun=2026"' in body
    assert 'hx-get="?tahun=2024"' in body


def test_default_year_is_the_current_one_with_open_month(owner_client: Client, kpj: Any) -> None:
    body = owner_client.get(url(kpj)).content.decode()
    assert '<h2 id="year-title">Tahun 2026</h2>' in body
    assert "November 2026" in body
    assert "Bulan berjalan: iuran belum jatuh tempo" in body
    assert "Desember 2026" not in body


def test_year_before_registration_falls_back_to_newest(owner_client: Client, kpj: Any) -> None:
    body = owner_client.get(url(kpj, 1999)).content.decode()
    assert '<h2 id="year-title">Tahun 2026</h2>' in body
    body = owner_client.get(url(kpj) + "?tahun=abc").content.decode()
    assert '<h2 id="year-title">Tahun 2026</h2>' in body


def test_first_year_starts_at_registration(owner_client: Client, kpj: Any) -> None:
    body = owner_client.get(url(kpj, 2016)).content.decode()
    assert "Februari 2016" not in body
    assert "Maret 2016" in body
    assert 'href="?tahun=2015"' not in body


def test_empty_year_shows_empty_state(owner: Any, owner_client: Client) -> None:
    p = ParticipantFactory(user=owner, registered_on=D(2026, 1, 1))
    body = owner_client.get(url(p)).content.decode()
    assert "Belum ada iuran" in body
    assert body.count('<tr class="month-missing">') == 10  # January..October 2026 were due


def test_htmx_gets_the_year_fragment(owner: Any, kpj: Any) -> None:
    client = Client(headers={"HX-Request": "true"})
    client.force_login(owner)
    response = client.get(url(kpj, 2020))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="riwayat"')
    assert "<html" not in body
    assert "Januari 2020" in body


def test_query_budget_is_independent_of_history(
    kpj: Any, owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    owner_client.get(url(kpj))  # warm-up: the idle-timeout middleware stamps a fresh session once
    for year in (2016, 2025, 2026):
        with django_assert_max_num_queries(5):
            assert owner_client.get(url(kpj, year)).status_code == 200


def test_other_participant_gets_404_logged_nothing_leaked(kpj: Any, caplog: Any) -> None:
    stranger = UserFactory()
    ParticipantFactory(user=stranger)
    client = Client()
    client.force_login(stranger)
    response = client.get(url(kpj, 2025))
    assert response.status_code == 404
    body = response.content.decode()
    assert "12121212121" not in body
    assert "Rp7.000.000" not in body


def test_idor_attempt_is_logged_without_nik(kpj: Any, monkeypatch: Any) -> None:
    from participants.views import access

    events: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(access.log, "warning", lambda event, **kw: events.append((event, kw)))
    stranger = UserFactory()
    client = Client()
    client.force_login(stranger)
    assert client.get(url(kpj)).status_code == 404
    assert events == [
        (
            "participant.idor_attempt",
            {
                "user_id": stranger.pk,
                "object_kind": "participant",
                "requested_id": str(kpj.public_id),
                "path": url(kpj),
            },
        )
    ]


def test_staff_without_participant_gets_404(client: Client, staff_user: Any, kpj: Any) -> None:
    client.force_login(staff_user)
    assert client.get(url(kpj)).status_code == 404


def test_anonymous_is_sent_to_login(client: Client, kpj: Any) -> None:
    response = client.get(url(kpj))
    assert response.status_code == 302
    assert "next=" in response.headers["Location"]
