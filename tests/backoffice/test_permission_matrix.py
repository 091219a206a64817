"""Each role x each back-office page and action x own / other branch.

Roles: reviewer (petugas) and supervisor of JKT01, national auditor, administrator, a staff account
without a role. "own" is a JKT01 claim or participant, "other" a BDG01 one. Out of scope answers 404
and leaves an out-of-scope row in the access log.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from backoffice.models import AccessKind, AccessLog
from claims.models import ClaimDocument
from tests.backoffice.conftest import make_staff, staff_client
from tests.backoffice.helpers import claim_of
from tests.claims.factories import pdf

pytestmark = pytest.mark.django_db

ROLES = ["reviewer", "supervisor", "auditor", "superuser", None]
OK, DENIED, HIDDEN = 200, 403, 404


@pytest.fixture
def world(jkt: Any, bdg: Any) -> dict[str, Any]:
    own_review = claim_of(jkt, "in_review")
    other_review = claim_of(bdg, "in_review")
    own_approved = claim_of(jkt, "approved", second_approval_required=True)
    other_approved = claim_of(bdg, "approved", second_approval_required=True)
    for claim in (own_review, other_review):
        ClaimDocument.objects.create(claim=claim, doc_type="ktp", file=pdf(), content_type="application/pdf")
    return {
        "own": own_review,
        "other": other_review,
        "own_approved": own_approved,
        "other_approved": other_approved,
    }


def user_for(role: str | None, jkt: Any) -> Any:
    branch = jkt if role in ("reviewer", "supervisor", None) else None
    return make_staff(role, branch)


def claim_pages(world: dict[str, Any], side: str) -> dict[str, str]:
    claim, approved = world[side], world[f"{side}_approved"]
    document = claim.documents.get()
    return {
        "claim_change": reverse("admin:claims_claim_change", args=[claim.pk]),
        "document": reverse("admin:claims_claim_document", args=[claim.pk, document.public_id]),
        "document_preview": reverse("admin:claims_claim_document", args=[claim.pk, document.public_id])
        + "?pratinjau=1",
        "action_approve": reverse("admin:claims_claim_action", args=[claim.pk, "setujui"]),
        "action_reject": reverse("admin:claims_claim_action", args=[claim.pk, "tolak"]),
        "action_revision": reverse("admin:claims_claim_action", args=[claim.pk, "minta-perbaikan"]),
        "action_second": reverse("admin:claims_claim_action", args=[approved.pk, "persetujuan-kedua"]),
        "participant_change": reverse("admin:participants_participant_change", args=[claim.participant_id]),
        "participant_status": reverse(
            "admin:participants_participant_action", args=[claim.participant_id, "ubah-status"]
        ),
        "participant_correction": reverse(
            "admin:participants_participant_action", args=[claim.participant_id, "ajukan-koreksi-saldo"]
        ),
    }


# Expected status for the OWN branch's objects, per role.
OWN: dict[str, dict[str | None, int]] = {
    "claim_change": {"reviewer": OK, "supervisor": OK, "auditor": OK, "superuser": OK, None: DENIED},
    "document": {"reviewer": OK, "supervisor": OK, "auditor": OK, "superuser": OK, None: DENIED},
    "document_preview": {"reviewer": OK, "supervisor": OK, "auditor": OK, "superuser": OK, None: DENIED},
    "action_approve": {"reviewer": OK, "supervisor": OK, "auditor": DENIED, "superuser": OK, None: DENIED},
    "action_reject": {"reviewer": OK, "supervisor": OK, "auditor": DENIED, "superuser": OK, None: DENIED},
    "action_revision": {"reviewer": OK, "supervisor": OK, "auditor": DENIED, "superuser": OK, None: DENIED},
    "action_second": {"reviewer": DENIED, "supervisor": OK, "auditor": DENIED, "superuser": OK, None: DENIED},
    "participant_change": {"reviewer": OK, "supervisor": OK, "auditor": OK, "superuser": OK, None: DENIED},
    "participant_status": {
        "reviewer": OK,
        "supervisor": OK,
        "auditor": DENIED,
        "superuser": OK,
        None: DENIED,
    },
    "participant_correction": {
        "reviewer": OK,
        "supervisor": OK,
        "auditor": DENIED,
        "superuser": OK,
        None: DENIED,
    },
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(OWN))
def test_own_branch(role: str | None, page: str, world: dict[str, Any], jkt: Any) -> None:
    client = staff_client(user_for(role, jkt))
    response = client.get(claim_pages(world, "own")[page])
    assert response.status_code == OWN[page][role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(OWN))
def test_other_branch(role: str | None, page: str, world: dict[str, Any], jkt: Any) -> None:
    """Branch-bound staff get 404 (logged) for another branch; national roles see it like their own."""
    user = user_for(role, jkt)
    response = staff_client(user).get(claim_pages(world, "other")[page])
    # The branch scope is checked before the role's permission: out of scope is 404 whatever the page.
    expected = HIDDEN if role in ("reviewer", "supervisor") else OWN[page][role]
    assert response.status_code == expected
    logged = AccessLog.objects.filter(actor=user, kind=AccessKind.OUT_OF_SCOPE).count()
    assert logged == (1 if expected == HIDDEN else 0)
    if expected == HIDDEN:
        assert not AccessLog.objects.filter(actor=user).exclude(kind=AccessKind.OUT_OF_SCOPE).exists()


LISTS = {
    "admin:claims_claim_changelist": {
        "reviewer": OK,
        "supervisor": OK,
        "auditor": OK,
        "superuser": OK,
        None: DENIED,
    },
    "admin:participants_participant_changelist": {
        "reviewer": OK,
        "supervisor": OK,
        "auditor": OK,
        "superuser": OK,
        None: DENIED,
    },
    "admin:backoffice_accesslog_changelist": {
        "reviewer": DENIED,
        "supervisor": DENIED,
        "auditor": OK,
        "superuser": OK,
        None: DENIED,
    },
    "admin:backoffice_correctionrequest_changelist": {
        "reviewer": OK,
        "supervisor": OK,
        "auditor": OK,
        "superuser": OK,
        None: DENIED,
    },
    "admin:participants_user_changelist": {
        "reviewer": DENIED,
        "supervisor": DENIED,
        "auditor": DENIED,
        "superuser": OK,
        None: DENIED,
    },
    "admin:index": {"reviewer": OK, "supervisor": OK, "auditor": OK, "superuser": OK, None: OK},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(LISTS))
def test_lists(role: str | None, name: str, world: dict[str, Any], jkt: Any) -> None:
    response = staff_client(user_for(role, jkt)).get(reverse(name))
    assert response.status_code == LISTS[name][role]


@pytest.mark.parametrize("role", ["reviewer", "supervisor"])
def test_branch_staff_see_only_their_branch_in_the_queue(role: str, world: dict[str, Any], jkt: Any) -> None:
    response = staff_client(user_for(role, jkt)).get(reverse("admin:claims_claim_changelist"))
    shown = {row.pk for row in response.context["cl"].result_list}
    assert shown == {world["own"].pk, world["own_approved"].pk}


def test_auditor_sees_every_branch_but_no_action_buttons(world: dict[str, Any], auditor: Any) -> None:
    client = staff_client(auditor)
    shown = {row.pk for row in client.get(reverse("admin:claims_claim_changelist")).context["cl"].result_list}
    assert shown == {c.pk for c in world.values()}
    response = client.get(reverse("admin:claims_claim_change", args=[world["other"].pk]))
    assert response.status_code == 200
    assert response.context["actions"] == []
    assert 'id="claim-actions"' not in response.content.decode()


def test_auditor_post_to_an_action_changes_nothing(world: dict[str, Any], auditor: Any) -> None:
    claim = world["own"]
    url = reverse("admin:claims_claim_action", args=[claim.pk, "setujui"])
    assert staff_client(auditor).post(url, {"note": ""}).status_code == 403
    claim.refresh_from_db()
    assert claim.status == "in_review"
