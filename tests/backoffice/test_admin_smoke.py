"""Every registered ModelAdmin (today's and any added later) opens its changelist and a change page;
protected models have no delete (and no bulk delete) for anyone, the administrator included."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from backoffice.models import AccessLog, CorrectionRequest
from backoffice.services import access_log_record, correction_request_create
from claims.models import ClaimDocument
from contributions.services import payment_create
from tests.backoffice.conftest import staff_client
from tests.backoffice.helpers import claim_of, person_in
from tests.claims.factories import pdf
from tests.contributions.factories import bpu_participant

pytestmark = pytest.mark.django_db

PROTECTED = [
    "claims.Claim",
    "claims.ClaimHistory",
    "claims.ClaimPayout",
    "claims.HistoricalClaim",
    "contributions.Payment",
    "participants.LedgerEntry",
    "participants.HistoricalParticipant",
    "participants.Participant",
    "backoffice.AccessLog",
    "backoffice.CorrectionRequest",
]


@pytest.fixture
def data(jkt: Any, reviewer: Any, settings: Any) -> None:
    settings.PAYMENT_GATEWAY = "fake"
    claim = claim_of(jkt)
    ClaimDocument.objects.create(claim=claim, doc_type="ktp", file=pdf(), content_type="application/pdf")
    person = person_in(jkt)
    correction_request_create(
        actor=reviewer, participant_id=person.pk, amount_idr=1000, reason="Salah posting"
    )
    access_log_record(actor=reviewer, kind="balance", participant_id=person.pk)
    participant = bpu_participant()
    payment_create(
        user=participant.user, participant_public_id=participant.public_id, months=1, channel="bca_va"
    )


def test_every_changelist_and_change_page_opens(data: None, administrator: Any) -> None:
    client = staff_client(administrator)
    assert client.get(reverse("admin:index")).status_code == 200
    opened = 0
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        url = reverse("admin:{}_{}_changelist".format(*info))
        response = client.get(url)
        assert response.status_code == 200, url
        request = RequestFactory().get(url)
        request.user = administrator
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is not None:
            change = reverse("admin:{}_{}_change".format(*info), args=[first.pk])
            response = client.get(change)
            assert response.status_code == 200, change
            opened += 1
    assert opened >= 6


@pytest.mark.parametrize("label", PROTECTED)
def test_protected_models_cannot_be_deleted_in_the_admin(label: str, administrator: Any) -> None:
    model = apps.get_model(label)
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        return  # not in the admin at all: nothing to delete with
    request = RequestFactory().get("/admin/")
    request.user = administrator
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.has_delete_permission(request, model()) is False
    assert "delete_selected" not in model_admin.get_actions(request)


def test_delete_urls_of_protected_models_are_refused(data: None, administrator: Any) -> None:
    client = staff_client(administrator)
    for model in (AccessLog, CorrectionRequest):
        row = model.objects.first()
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_delete", args=[row.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
        assert model.objects.filter(pk=row.pk).exists()


def test_access_log_rows_cannot_be_changed_or_deleted_even_in_sql(data: None) -> None:
    from django.db import IntegrityError, transaction

    row = AccessLog.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).update(detail="diubah")
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).delete()
    assert AccessLog.objects.get(pk=row.pk).detail == ""
