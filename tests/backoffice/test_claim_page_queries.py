"""The claim review page's SQL budget (issue #6): fixed, whatever the claim carries.

A claim with more documents, checks, KPJs of the same NIK and history rows must not cost more queries
than a bare one (no query per row), and the page stays within its pinned budget.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import ClaimCheck, ClaimDocument, ClaimHistory
from tests.backoffice.conftest import staff_client
from tests.backoffice.helpers import claim_in, claim_of, person_in
from tests.backoffice.test_claim_document_pages import attach, pdf_bytes

pytestmark = pytest.mark.django_db

# Session, user, TOTP, permissions (3), claim, participant (2), access-log row, KPJs of the NIK, other
# claims of the NIK, rates, documents, checks, payout, status history, saved versions, branch.
CLAIM_PAGE_QUERY_BUDGET = 19


def queries_of_claim_page(client: Any, claim: Any) -> int:
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    client.get(url)  # warm: session, content types, permission caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_claim_page_queries_do_not_grow_with_what_the_claim_carries(jkt: Any, reviewer: Any) -> None:
    client = staff_client(reviewer)
    bare = claim_of(jkt)
    attach(bare, pdf_bytes(pages=1))
    bare_count = queries_of_claim_page(client, bare)

    full = claim_in("in_review", person_in(jkt, extra_kpj_balances=(1_000_000, 2_000_000, 3_000_000)))
    for code in ("name_match", "nik_valid", "balance_positive", "employment_ended", "bank_name"):
        ClaimCheck.objects.create(claim=full, code=code, result="pass", message="OK.")
    for doc_type in ("ktp", "kk", "buku_tabungan", "paklaring"):
        ClaimDocument.objects.filter(pk=attach(full, pdf_bytes(pages=2)).pk).update(doc_type=doc_type)
    for from_status, to_status in (
        ("draft", "submitted"),
        ("submitted", "verifying"),
        ("verifying", "in_review"),
    ):
        ClaimHistory.objects.create(claim=full, actor=reviewer, from_status=from_status, to_status=to_status)
    for note in ("satu", "dua", "tiga"):
        full.revision_note = note
        full.save()  # one saved version (simple-history) each
    assert full.history.count() == 3
    assert full.versions.count() >= 3
    assert full.documents.count() == 4
    assert full.participant.__class__.objects.filter(nik_index=full.participant.nik_index).count() == 4

    full_count = queries_of_claim_page(client, full)
    assert full_count == bare_count
    assert full_count <= CLAIM_PAGE_QUERY_BUDGET
