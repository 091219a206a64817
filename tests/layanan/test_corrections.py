"""Pengkinian data: NIK-consistent requests with a document, staff approval applies to every KPJ of the
person with the old value kept in the request; bad input and other personas change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from layanan.corrections import correction_approve, correction_reject, correction_request_create
from layanan.errors import ServiceRequestError
from layanan.models import DataCorrectionRequest, RequestStatus
from participants.models import Participant
from portal.uploads.services import prepare_upload
from tests.factories import BranchFactory, UserFactory
from tests.layanan.conftest import logged_in, person_with_two_kpjs, staff_with_role
from tests.portal import test_uploads_corpus as corpus

pytestmark = pytest.mark.django_db


def _doc() -> Any:
    return prepare_upload(uploaded_file=SimpleUploadedFile("ktp.jpg", corpus.jpeg_with_gps(), "image/jpeg"))


def test_name_correction_is_applied_to_every_kpj_after_approval() -> None:
    old, new = person_with_two_kpjs()
    request = correction_request_create(
        user=new.user,
        participant_id=new.public_id,
        field="full_name",
        new_value="Budi Santoso",
        document=_doc(),
    )
    assert request.old_value == new.full_name
    assert request.document.name.startswith("layanan/")
    assert request.content_type == "image/jpeg"
    assert Participant.objects.get(pk=new.pk).full_name == new.full_name  # nothing applied yet
    reviewer = staff_with_role("reviewer", new.branch)
    correction_approve(actor=reviewer, request_id=request.public_id)
    assert set(Participant.objects.filter(pk__in=[old.pk, new.pk]).values_list("full_name", flat=True)) == {
        "Budi Santoso"
    }
    request.refresh_from_db()
    assert (request.status, request.decided_by_id) == (RequestStatus.APPROVED, reviewer.pk)
    correction_approve(actor=reviewer, request_id=request.public_id)  # idempotent


def test_birth_date_must_match_the_nik() -> None:
    _, new = person_with_two_kpjs()
    with pytest.raises(ServiceRequestError) as exc:
        correction_request_create(
            user=new.user,
            participant_id=new.public_id,
            field="birth_date",
            new_value="1991-05-17",
            document=_doc(),
        )
    assert exc.value.code == "nik_mismatch"
    assert not DataCorrectionRequest.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("birth_date", "31-02-1990", "invalid_date"),
        ("birth_date", "17.05.1990", "invalid_date"),
        ("email", "bukan-email", "invalid_email"),
        ("phone", "12345", "invalid_phone"),
        ("nik", "3171011705900001", "unknown_field"),
        ("full_name", "   ", "empty"),
        ("birth_date", "1990-05-17", "unchanged"),
        ("birth_date", "17-05-1990", "unchanged"),  # the portal's one date style parses to the same day
    ],
)
def test_bad_values_are_refused_and_nothing_saved(field: str, value: str, code: str) -> None:
    _, new = person_with_two_kpjs()
    with pytest.raises(ServiceRequestError) as exc:
        correction_request_create(
            user=new.user, participant_id=new.public_id, field=field, new_value=value, document=_doc()
        )
    assert exc.value.code == code
    assert not DataCorrectionRequest.objects.exists()


def test_someone_elses_kpj_and_document_are_404() -> None:
    _, new = person_with_two_kpjs()
    with pytest.raises(Http404):
        correction_request_create(
            user=UserFactory(),
            participant_id=new.public_id,
            field="address",
            new_value="Jl. Baru 1",
            document=_doc(),
        )
    request = correction_request_create(
        user=new.user, participant_id=new.public_id, field="address", new_value="Jl. Baru 1", document=_doc()
    )
    url = reverse("layanan:correction_document", kwargs={"request_id": request.public_id})
    own = logged_in(new.user).get(url)
    assert own.status_code == 200
    assert own["Content-Disposition"].startswith("attachment")
    assert logged_in(UserFactory()).get(url).status_code == 404


def test_staff_of_other_branch_and_auditor_cannot_decide() -> None:
    _, new = person_with_two_kpjs()
    request = correction_request_create(
        user=new.user, participant_id=new.public_id, field="phone", new_value="081299998888", document=_doc()
    )
    for actor, code in (
        (staff_with_role("reviewer", BranchFactory(code="BDG01")), "not_found"),
        (staff_with_role("auditor", None), "read_only"),
    ):
        with pytest.raises(ServiceRequestError) as exc:
            correction_approve(actor=actor, request_id=request.public_id)
        assert exc.value.code == code
        with pytest.raises(ServiceRequestError):
            correction_reject(actor=actor, request_id=request.public_id, note="Tidak sesuai")
    assert Participant.objects.get(pk=new.pk).phone == new.phone
    assert DataCorrectionRequest.objects.get().status == RequestStatus.SUBMITTED


def test_correction_page_submits_and_shows_status() -> None:
    _, new = person_with_two_kpjs()
    client = logged_in(new.user)
    url = reverse("layanan:corrections")
    bad_file = client.post(
        url,
        {
            "kpj": str(new.public_id),
            "jenis": "address",
            "nilai_baru": "Jl. Baru 1",
            "dokumen": SimpleUploadedFile("x.exe", b"MZ\x90\x00 not an image", "application/octet-stream"),
        },
    )
    assert bad_file.status_code == 400
    assert not DataCorrectionRequest.objects.exists()
    ok = client.post(
        url,
        {
            "kpj": str(new.public_id),
            "jenis": "address",
            "nilai_baru": "Jl. Baru 1",
            "dokumen": SimpleUploadedFile("ktp.pdf", corpus.pdf(), "application/pdf"),
        },
    )
    assert ok.status_code == 302
    page = client.get(url).content.decode()
    assert "Jl. Baru 1" in page
    assert "Diajukan" in page
    reject_needs_note = staff_with_role("reviewer", new.branch)
    with pytest.raises(ServiceRequestError):
        correction_reject(
            actor=reject_needs_note, request_id=DataCorrectionRequest.objects.get().public_id, note=""
        )


def test_admin_change_pages_render_and_staff_download_the_attachment_in_scope() -> None:
    _, new = person_with_two_kpjs()
    request = correction_request_create(
        user=new.user, participant_id=new.public_id, field="address", new_value="Jl. Baru 2", document=_doc()
    )
    reviewer = logged_in(staff_with_role("reviewer", new.branch))
    change = reviewer.get(reverse("admin:layanan_datacorrectionrequest_change", args=[request.pk]))
    assert change.status_code == 200
    url = reverse("admin:layanan_datacorrectionrequest_attachment", args=[request.pk])
    assert url in change.content.decode()
    download = reviewer.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    stranger = logged_in(staff_with_role("reviewer", BranchFactory(code="BDG01")))
    assert stranger.get(url).status_code == 404
    assert logged_in(UserFactory()).get(url).status_code == 302  # not staff: to the admin login
    # Reject through the admin: the button on the change page, the confirmation page, then the decision.
    step = reverse("admin:layanan_datacorrectionrequest_step", args=[request.pk, "tolak"])
    assert step in change.content.decode()
    page = reviewer.get(step)
    assert page.status_code == 200
    assert 'name="note"' in page.content.decode()
    assert reviewer.post(step, {"note": "  "}).status_code == 200  # the note is required: form again
    assert DataCorrectionRequest.objects.get().status == RequestStatus.SUBMITTED
    assert reviewer.post(step, {"note": "Dokumen tidak terbaca"}).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decision_note) == (RequestStatus.REJECTED, "Dokumen tidak terbaca")
    assert "Dokumen tidak terbaca" in logged_in(new.user).get(reverse("layanan:corrections")).content.decode()


@pytest.mark.parametrize(
    "model", ["mergerequest", "datacorrectionrequest", "cardreplacementrequest", "wagecomplaint"]
)
def test_admin_changelists_render_for_every_role(model: str) -> None:
    for role in ("reviewer", "supervisor", "auditor"):
        client = logged_in(staff_with_role(role, BranchFactory(code="JKT01") if role != "auditor" else None))
        assert client.get(reverse(f"admin:layanan_{model}_changelist")).status_code == 200


# --- Email: the participant record and the login account -------------------------------------------------


def _account_state(user: Any) -> tuple[Any, ...]:
    from allauth.account.models import EmailAddress

    from notifications.models import Outbox

    user.refresh_from_db()
    return (
        user.email,
        sorted(EmailAddress.objects.filter(user=user).values_list("email", "primary")),
        sorted(Participant.objects.filter(user=user).values_list("email", flat=True)),
        sorted(
            Outbox.objects.exclude(event="security_new_login").values_list("event", "recipient")
        ),  # staff sign-ins queue their own notice
    )


def _email_request(new: Any, value: str) -> DataCorrectionRequest:
    return correction_request_create(
        user=new.user, participant_id=new.public_id, field="email", new_value=value, document=_doc()
    )


def test_email_correction_changes_the_login_email_and_warns_both_addresses() -> None:
    from allauth.account.models import EmailAddress

    from notifications.models import Outbox

    old, new = person_with_two_kpjs()
    user = new.user
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    old_email = user.email
    request = _email_request(new, "Budi.Baru@Contoh.id")
    correction_approve(actor=staff_with_role("reviewer", new.branch), request_id=request.public_id)
    user.refresh_from_db()
    assert user.email == "budi.baru@contoh.id"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "primary", "verified")) == [
        ("budi.baru@contoh.id", True, False)  # the old address can no longer sign in or reset
    ]
    assert set(Participant.objects.filter(pk__in=[old.pk, new.pk]).values_list("email", flat=True)) == {
        "budi.baru@contoh.id"
    }
    assert sorted(
        Outbox.objects.filter(event="security_email_changed").values_list("recipient", flat=True)
    ) == sorted(["budi.baru@contoh.id", old_email])
    assert Outbox.objects.filter(event="service_request_status", recipient="budi.baru@contoh.id").count() == 1
    # Approving again changes nothing and warns nobody again.
    before = _account_state(user)
    correction_approve(actor=staff_with_role("reviewer", new.branch), request_id=request.public_id)
    assert _account_state(user) == before


@pytest.mark.parametrize("where", ["user", "email_address"])
def test_email_correction_to_an_address_of_another_account_is_refused(where: str) -> None:
    from allauth.account.models import EmailAddress

    _, new = person_with_two_kpjs()
    other = UserFactory(email="dipakai@contoh.id" if where == "user" else "lain@contoh.id")
    if where == "email_address":
        EmailAddress.objects.create(user=other, email="dipakai@contoh.id", verified=False, primary=False)
    request = _email_request(new, "DIPAKAI@contoh.id")
    before = _account_state(new.user)
    with pytest.raises(ServiceRequestError) as exc:
        correction_approve(actor=staff_with_role("reviewer", new.branch), request_id=request.public_id)
    assert exc.value.code == "email_taken"
    assert "dipakai akun lain" in exc.value.message
    assert _account_state(new.user) == before
    request.refresh_from_db()
    assert (request.status, request.decided_by_id) == (RequestStatus.SUBMITTED, None)


def test_email_conflict_is_shown_in_the_admin_and_nothing_changes() -> None:
    _, new = person_with_two_kpjs()
    UserFactory(email="dipakai@contoh.id")
    request = _email_request(new, "dipakai@contoh.id")
    before = _account_state(new.user)
    client = logged_in(staff_with_role("reviewer", new.branch))
    url = reverse("admin:layanan_datacorrectionrequest_step", args=[request.pk, "setujui"])
    response = client.post(url, {"note": ""}, follow=True)
    assert "sudah dipakai akun lain" in response.content.decode()
    assert _account_state(new.user) == before
    assert DataCorrectionRequest.objects.get().status == RequestStatus.SUBMITTED
