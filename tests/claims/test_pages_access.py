"""Who may open which claim page: owner 200, another participant 404 (logged), staff 404, anonymous to
the login page; documents only to their owner; query budgets pinned."""

from __future__ import annotations

from typing import Any

import pytest
import structlog
from django.test import Client
from django.urls import reverse

from claims.models import Claim, ClaimCheck, ClaimHistory, ClaimStatus
from tests.claims.factories import claim_in, ready_draft, resigned_person
from tests.factories import StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

CLAIM_PAGES = [
    "claims:detail",
    "claims:step_reason",
    "claims:step_personal",
    "claims:step_documents",
    "claims:step_bank",
    "claims:step_review",
]
QUERY_BUDGET = 8
# The review page runs the whole pre-flight checklist on the facts it loaded for the amounts (3 queries:
# KPJs with their employments, other claims, rates) plus documents and bank reuse; the administrators'
# holiday overrides for the expected payment date come from the cache after the first page.
REVIEW_QUERY_BUDGET = QUERY_BUDGET


@pytest.fixture
def person() -> Any:
    return resigned_person(full_name="Rizky Pratama")


@pytest.fixture
def draft(person: Any) -> Claim:
    return ready_draft(person)


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def claim_urls(claim: Claim) -> list[str]:
    urls = [reverse(name, kwargs={"claim_id": claim.public_id}) for name in CLAIM_PAGES]
    document = claim.documents.first()
    assert document is not None
    urls.append(
        reverse(
            "claims:document_download",
            kwargs={"claim_id": claim.public_id, "document_id": document.public_id},
        )
    )
    return urls


def test_owner_opens_every_claim_page_and_the_document(person: Any, draft: Claim) -> None:
    client = logged_in(person.user)
    for url in claim_urls(draft):
        assert client.get(url).status_code == 200, url


def test_document_download_is_an_attachment_that_is_never_rendered(person: Any, draft: Claim) -> None:
    document = draft.documents.get(doc_type="ktp")
    response = logged_in(person.user).get(
        reverse(
            "claims:document_download",
            kwargs={"claim_id": draft.public_id, "document_id": document.public_id},
        )
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="ktp.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_participant_gets_404_and_the_attempt_is_logged(draft: Claim) -> None:
    stranger = logged_in(resigned_person().user)
    for url in claim_urls(draft):
        with structlog.testing.capture_logs() as logs:
            assert stranger.get(url).status_code == 404, url
        assert any(e["event"] == "participant.idor_attempt" for e in logs), url
    assert stranger.post(claim_urls(draft)[-2]).status_code == 404  # submitting someone else's claim
    draft.refresh_from_db()
    assert draft.status == ClaimStatus.DRAFT


def test_a_document_of_another_claim_is_404_even_with_an_own_claim(person: Any, draft: Claim) -> None:
    other = ready_draft(resigned_person())
    foreign = other.documents.first()
    assert foreign is not None
    url = reverse(
        "claims:document_download", kwargs={"claim_id": draft.public_id, "document_id": foreign.public_id}
    )
    with structlog.testing.capture_logs() as logs:
        assert logged_in(person.user).get(url).status_code == 404
    assert any(e["event"] == "participant.idor_attempt" for e in logs)


def test_staff_gets_404(draft: Claim) -> None:
    staff = logged_in(StaffFactory())
    for url in claim_urls(draft):
        assert staff.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login(draft: Claim) -> None:
    anonymous = Client()
    urls = [*claim_urls(draft), reverse("claims:list"), reverse("claims:eligibility"), reverse("claims:new")]
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/akun/login/?next="), url


def test_urls_carry_public_uuids_only(draft: Claim) -> None:
    url = reverse("claims:detail", kwargs={"claim_id": draft.public_id})
    assert url == f"/klaim/{draft.public_id}/"
    assert f"/{draft.pk}/" not in url


def busy_claim(person: Any) -> Claim:
    """A claim with a long history and checklist: the query count must not grow with them."""
    claim = claim_in(ClaimStatus.IN_REVIEW, person)
    for i in range(12):
        ClaimHistory.objects.create(
            claim=claim, from_status="submitted", to_status="verifying", reason=str(i)
        )
        ClaimCheck.objects.create(claim=claim, code=f"c{i}", result="pass", message="ok")
    return claim


@pytest.mark.parametrize("name", CLAIM_PAGES)
def test_claim_pages_stay_within_the_query_budget(
    person: Any, draft: Claim, name: str, django_assert_max_num_queries: Any
) -> None:
    client = logged_in(person.user)
    url = reverse(name, kwargs={"claim_id": draft.public_id})
    client.get(url)  # warm caches (session, rate table)
    budget = REVIEW_QUERY_BUDGET if name == "claims:step_review" else QUERY_BUDGET
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["claims:list", "claims:eligibility"])
def test_list_and_eligibility_stay_within_the_query_budget(
    person: Any, draft: Claim, name: str, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        claim_in(ClaimStatus.CANCELLED, person)
    client = logged_in(person.user)
    client.get(reverse(name))
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get(reverse(name)).status_code == 200


def test_tracking_page_query_budget_does_not_grow_with_history(
    person: Any, django_assert_max_num_queries: Any
) -> None:
    claim = busy_claim(person)
    client = logged_in(person.user)
    url = reverse("claims:detail", kwargs={"claim_id": claim.public_id})
    client.get(url)
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get(url).status_code == 200
