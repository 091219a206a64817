"""The back-office journey in Debian's Chromium, with a real Celery worker: petugas.jkt signs in with
password + TOTP, opens the oldest due claim, views a document, asks for a revision; the claimant
uploads again; the petugas holds the video interview and approves; the supervisor gives the second
approval (high-value claim); the payout runs on the worker (fake disbursement) and the claim is paid."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from backoffice.models import AccessKind, AccessLog
from claims.models import Claim, ClaimStatus
from claims.services import claim_attach_document, claim_submit
from participants.demo import STAFF_TOTP_SECRETS
from participants.ledger.models import JhtBalance
from participants.models import Participant
from tests.claims.factories import claim_in, pdf, ready_draft, resigned_person
from tests.factories import TEST_PASSWORD, BranchFactory, StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def private_storage(settings: Any, tmp_path: Path) -> Path:
    settings.CLAIMS_DISBURSEMENT_GATEWAY = "claims.payout.gateway.FakeBankTransfer"
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }
    return location


def totp_code(secret: str, *, step: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def demo_staff(email: str, role: str, branch: Any) -> Any:
    user = StaffFactory(email=email, branch=branch)
    user.groups.add(Group.objects.get(name=role))
    TOTP.activate(user, STAFF_TOTP_SECRETS[email])
    return user


def wait_for(claim: Claim, status: str) -> None:
    deadline = time.monotonic() + 60
    while claim.status != status and time.monotonic() < deadline:
        time.sleep(0.2)  # polling a real worker, not waiting for time to pass
        claim.refresh_from_db()
    assert claim.status == status


def staff_login(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/admin/")
    expect(page).to_have_url(f"{base}/akun/login/?next=%2Fadmin%2F")
    page.locator("[name=login]").fill(email)
    page.locator("[name=password]").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(f"{base}/akun/2fa/authenticate/")
    page.locator("[name=code]").fill(totp_code(STAFF_TOTP_SECRETS[email]))
    page.locator("[name=code]").press("Enter")
    expect(page).to_have_url(f"{base}/admin/")
    expect(page.locator("#backoffice-dashboard")).to_be_visible()


def test_petugas_reviews_and_two_approvals_lead_to_payout(
    page: Page, live_server: Any, celery_worker: Any, private_storage: Path
) -> None:
    from django.core.cache import cache

    cache.clear()
    jkt = BranchFactory(code="JKT01", name="Jakarta Salemba")
    petugas = demo_staff("petugas.jkt@demo.portal", "reviewer", jkt)
    supervisor = demo_staff("supervisor.jkt@demo.portal", "supervisor", jkt)

    # A high-value claim (second approval and video interview needed), due first in the queue.
    person = resigned_person(balance_idr=60_000_000, end_date=timezone.localdate() - dt.timedelta(days=61))
    Participant.objects.filter(pk=person.pk).update(branch=jkt)
    claim = claim_submit(user=person.user, claim_id=ready_draft(person, npwp="3171011705900001").public_id)
    wait_for(claim, ClaimStatus.IN_REVIEW)
    Claim.objects.filter(pk=claim.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    other = resigned_person(balance_idr=5_000_000)
    Participant.objects.filter(pk=other.pk).update(branch=jkt)
    other.refresh_from_db()
    claim_in(
        ClaimStatus.IN_REVIEW,
        other,
        due_date=timezone.localdate() + dt.timedelta(days=4),
        bank_account_number="9876543210",
    )

    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if msg.type == "error" else None)
    page.on("response", lambda r: violations.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    base = live_server.url
    staff_login(page, base, petugas.email)

    # The queue, oldest due first.
    page.goto(f"{base}/admin/claims/claim/")
    expect(page.locator("#claim-status-counts")).to_contain_text("Diperiksa petugas 2")
    page.locator("#result_list tbody tr").first.locator("a").first.click()
    expect(page.locator("#claim-status")).to_have_attribute("data-status", "in_review")
    expect(page.locator("#masked-nik")).to_have_text(f"{person.nik[:4]}********{person.nik[-4:]}")
    assert person.nik not in page.content()

    # View a document through the protected view.
    with page.expect_download() as download:
        page.locator("[data-document=ktp]").click()
    assert download.value.suggested_filename == "ktp.pdf"
    assert AccessLog.objects.filter(actor=petugas, kind=AccessKind.DOCUMENTS, claim=claim).exists()

    # Ask for a revision of the KTP.
    page.locator("[data-action=minta-perbaikan]").click()
    page.get_by_label("KTP", exact=True).check()
    page.get_by_label("Catatan untuk pengaju klaim").fill("Foto KTP terpotong, unggah ulang seluruh halaman.")
    page.get_by_role("button", name="Ya, lanjutkan").click()
    expect(page.locator("#claim-status")).to_have_attribute("data-status", "revision_requested")
    # Leave the claim page before the claimant replaces the KTP: its page previews load lazily (a browser
    # may fetch them well after the load event), and the old KTP's would answer 404 once it is gone.
    page.goto(f"{base}/admin/claims/claim/")

    # The claimant uploads the KTP again and resubmits; the worker verifies it.
    claim_attach_document(
        user=person.user, claim_id=claim.public_id, doc_type="ktp", file=pdf("ktp-baru.pdf")
    )
    claim_submit(user=person.user, claim_id=claim.public_id)
    claim.refresh_from_db()
    wait_for(claim, ClaimStatus.IN_REVIEW)

    # Video interview, then the first approval.
    page.goto(f"{base}/admin/claims/claim/{claim.pk}/change/")
    page.locator("[data-action=jadwalkan-wawancara]").click()
    page.get_by_label("Jadwal wawancara video").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Ya, lanjutkan").click()
    page.locator("[data-action=catat-wawancara]").click()
    page.get_by_label("Hasil wawancara").fill("Identitas cocok dengan KTP; rekening atas nama sendiri.")
    page.get_by_role("button", name="Ya, lanjutkan").click()
    page.locator("[data-action=setujui]").click()
    page.get_by_role("button", name="Ya, lanjutkan").click()
    expect(page.locator("#claim-status")).to_have_attribute("data-status", "approved")
    expect(page.locator("[data-action=persetujuan-kedua]")).to_have_count(0)  # not for a reviewer

    # The supervisor gives the second approval in a fresh session.
    page.context.clear_cookies()
    staff_login(page, base, supervisor.email)
    page.goto(f"{base}/admin/claims/claim/{claim.pk}/change/")
    page.locator("[data-action=persetujuan-kedua]").click()
    page.get_by_role("button", name="Ya, lanjutkan").click()

    # The payout runs on the worker against the fake disbursement.
    claim.refresh_from_db()
    wait_for(claim, ClaimStatus.PAID)
    assert (claim.first_approved_by, claim.second_approved_by) == (petugas, supervisor)
    assert JhtBalance.objects.get(account=person).balance_idr == 0
    page.reload()
    expect(page.locator("#claim-status")).to_have_attribute("data-status", "paid")
    assert violations == [], (violations, [(d.doc_type, str(d.public_id)) for d in claim.documents.all()])
