import datetime as dt
import time
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from participants.ledger.models import EntryKind
from participants.ledger.services import ledger_post
from participants.statements.models import DocumentStatus, Statement
from participants.statements.services import statement_build_data
from participants.tasks import render_statement
from tests.factories import EmployerFactory, ParticipantFactory, UserFactory
from tests.participants.factories_pages import TODAY, post_months

D = dt.date


@pytest.fixture
def _frozen_today() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def kpj(owner: Any) -> Any:
    p = ParticipantFactory(user=owner, kpj="13131313131", registered_on=D(2023, 1, 1))
    post_months(
        p, D(2024, 1, 1), D(2025, 12, 1), skip=[D(2025, 4, 1)], employer=EmployerFactory(name="PT Karya")
    )
    ledger_post(
        account_id=p.pk,
        kind=EntryKind.DEVELOPMENT,
        amount_idr=150_000,
        value_date=D(2024, 12, 31),
        year=2024,
        idempotency_key=f"dev:{p.pk}:2024",
    )
    return p


def request_url(p: Any) -> str:
    return reverse("participants:statement_request", kwargs={"public_id": p.public_id})


@pytest.mark.django_db
@pytest.mark.usefixtures("_frozen_today")
def test_snapshot_opening_rows_development_closing(kpj: Any) -> None:
    data = statement_build_data(participant=kpj, year=2025, today=TODAY.date())
    # 2024: 12 x 285.000 + development 150.000
    assert data["opening_balance_idr"] == 3_570_000
    assert data["contributions_idr"] == 11 * 285_000
    assert data["development_idr"] == 0
    assert data["closing_balance_idr"] == 3_570_000 + 11 * 285_000
    assert len(data["rows"]) == 12
    assert data["rows"][3] == {"month": "2025-04-01", "missing": True}
    assert data["rows"][0] == {
        "month": "2025-01-01",
        "posted_on": "2025-02-07",
        "employer": "PT Karya",
        "wage_idr": 5_000_000,
        "jht_employer_idr": 185_000,
        "jht_worker_idr": 100_000,
        "jp_employer_idr": 100_000,
        "jp_worker_idr": 50_000,
        "missing": False,
    }
    assert data["nik_masked"].count("*") == 8
    prior = statement_build_data(participant=kpj, year=2024, today=TODAY.date())
    assert prior["closing_balance_idr"] == data["opening_balance_idr"]
    assert prior["development_idr"] == 150_000


@pytest.mark.django_db
@pytest.mark.usefixtures("_frozen_today")
def test_request_render_status_download(owner_client: Client, kpj: Any) -> None:
    page = owner_client.get(request_url(kpj))
    assert page.status_code == 200
    assert '<option value="2025">2025</option>' in page.content.decode()
    response = owner_client.post(request_url(kpj), {"year": "2025"})
    statement = Statement.objects.get()
    status_url = reverse("participants:statement_status", kwargs={"statement_id": statement.public_id})
    assert response.status_code == 302
    assert response.headers["Location"] == status_url
    assert statement.status == DocumentStatus.REQUESTED
    assert statement.document_number.startswith("RSJHT/2025/")

    body = owner_client.get(status_url).content.decode()
    assert 'hx-trigger="every 2s"' in body
    assert "Rincian saldo sedang dibuat" in body
    assert "Muat ulang status" in body

    render_statement(statement.pk)
    render_statement(statement.pk)  # safe to run twice
    statement.refresh_from_db()
    assert statement.status == DocumentStatus.READY
    assert statement.data["closing_balance_idr"] == 3_570_000 + 11 * 285_000

    download_url = reverse("participants:statement_download", kwargs={"statement_id": statement.public_id})
    body = owner_client.get(status_url).content.decode()
    assert 'hx-trigger="every 2s"' not in body
    assert download_url in body
    download = owner_client.get(download_url)
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    assert download.headers["Content-Disposition"].startswith('attachment; filename="RSJHT-13131313131-2025-')
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"
    assert download.headers["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_htmx_polling_fragment_and_stop(owner: Any, kpj: Any) -> None:
    client = Client(headers={"HX-Request": "true"})
    client.force_login(owner)
    statement = Statement.objects.create(participant=kpj, year=2025, document_number="RSJHT/2025/TEST-0001")
    status_url = reverse("participants:statement_status", kwargs={"statement_id": statement.public_id})
    polling = client.get(status_url)
    assert polling.status_code == 200
    assert polling.content.decode().lstrip().startswith('<div id="statement-status"')
    assert "<html" not in polling.content.decode()
    render_statement(statement.pk)
    done = client.get(status_url)
    assert done.status_code == 286  # htmx: stop polling
    assert "Unduh PDF" in done.content.decode()


@pytest.mark.django_db
def test_requesting_twice_reuses_the_statement_in_progress(owner_client: Client, kpj: Any) -> None:
    first = owner_client.post(request_url(kpj), {"year": "2025"})
    second = owner_client.post(request_url(kpj), {"year": "2025"})
    assert first.headers["Location"] == second.headers["Location"]
    assert Statement.objects.count() == 1
    owner_client.post(request_url(kpj), {"year": "2024"})
    assert Statement.objects.count() == 2


@pytest.mark.django_db
def test_download_before_ready_is_404(owner_client: Client, kpj: Any) -> None:
    statement = Statement.objects.create(participant=kpj, year=2025, document_number="RSJHT/2025/TEST-0002")
    url = reverse("participants:statement_download", kwargs={"statement_id": statement.public_id})
    assert owner_client.get(url).status_code == 404


@pytest.mark.django_db
def test_year_outside_membership_is_refused(owner_client: Client, kpj: Any) -> None:
    response = owner_client.post(request_url(kpj), {"year": "2010"})
    assert response.status_code == 200
    assert Statement.objects.count() == 0


@pytest.mark.django_db
def test_other_participant_staff_and_anonymous_are_refused(client: Client, staff_user: Any, kpj: Any) -> None:
    statement = Statement.objects.create(participant=kpj, year=2024, document_number="RSJHT/2024/TEST-0003")
    render_statement(statement.pk)
    urls = [
        request_url(kpj),
        reverse("participants:statement_status", kwargs={"statement_id": statement.public_id}),
        reverse("participants:statement_download", kwargs={"statement_id": statement.public_id}),
    ]
    stranger = UserFactory()
    ParticipantFactory(user=stranger)
    for user in (stranger, staff_user):
        other = Client()
        other.force_login(user)
        for url in urls:
            response = other.get(url)
            assert response.status_code == 404
            assert b"13131313131" not in response.content
        assert other.post(request_url(kpj), {"year": "2025"}).status_code == 404
    for url in urls:
        assert client.get(url).status_code == 302
    assert Statement.objects.count() == 1


@pytest.mark.integration
def test_statement_rendered_by_a_real_worker(celery_worker: Any, owner: Any) -> None:
    p = ParticipantFactory(user=owner, registered_on=D(2024, 1, 1))
    post_months(p, D(2024, 1, 1), D(2024, 12, 1))
    client = Client()
    client.force_login(owner)
    client.post(request_url(p), {"year": "2024"})
    statement = Statement.objects.get(participant=p)
    deadline = time.monotonic() + 60
    while statement.status != DocumentStatus.READY and time.monotonic() < deadline:
        time.sleep(0.25)
        statement.refresh_from_db()
    assert statement.status == DocumentStatus.READY
    download = client.get(
        reverse("participants:statement_download", kwargs={"statement_id": statement.public_id})
    )
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_statement_idor_attempt_is_logged(kpj: Any, monkeypatch: Any) -> None:
    from participants.views import access

    events: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(access.log, "warning", lambda event, **kw: events.append((event, kw)))
    statement = Statement.objects.create(participant=kpj, year=2025, document_number="RSJHT/2025/TEST-0004")
    stranger = UserFactory()
    client = Client()
    client.force_login(stranger)
    url = reverse("participants:statement_download", kwargs={"statement_id": statement.public_id})
    assert client.get(url).status_code == 404
    assert events == [
        (
            "participant.idor_attempt",
            {
                "user_id": stranger.pk,
                "object_kind": "statement",
                "requested_id": str(statement.public_id),
                "path": url,
            },
        )
    ]
