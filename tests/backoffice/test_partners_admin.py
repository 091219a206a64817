"""Payment partners in the back office: register with a key (secret shown once), rotate, switch off,
revoke; settlement upload; partner-collected payments are not re-checked with a gateway."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.roles import StaffRole
from contributions.flags import FlagError, payment_recheck
from contributions.forms import PayForm
from partners import demo
from partners.models import Credential, Partner, SettlementImport
from tests.backoffice.payment_factories import staff
from tests.staff_login import staff_login

pytestmark = pytest.mark.django_db
ADD = "/admin/partners/partner/add/"


def client_for(user: Any) -> Client:
    client = Client()
    staff_login(client, user)
    return client


def _form(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Bank Contoh",
        "client_id": "bank-contoh",
        "partner_service_id": "12345",
        "services": ["va"],
        "channel_ids": "",
        "active_from_0": "2026-01-01",
        "active_from_1": "00:00:00",
        "active_until_0": "",
        "active_until_1": "",
        "public_key_pem": demo.public_key_pem(),
        "credentials-TOTAL_FORMS": "0",
        "credentials-INITIAL_FORMS": "0",
        **extra,
    }


def test_administrator_registers_a_partner_and_sees_the_secret_once() -> None:
    client = client_for(staff(StaffRole.ADMINISTRATOR))
    response = client.post(ADD, _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    partner = Partner.objects.get(client_id="bank-contoh")
    credential = Credential.objects.get(partner=partner)
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    secret = next(re.search(r"saluran aman\): (\S+)$", m).group(1) for m in shown if "saluran aman" in m)
    assert credential.secret == secret
    assert credential.secret_hint == secret[-4:]
    client.get(f"/admin/partners/partner/{partner.pk}/change/")  # the page that shows the message once
    page = client.get(f"/admin/partners/partner/{partner.pk}/change/").content.decode()
    assert secret not in page


def test_bad_key_and_missing_key_store_nothing() -> None:
    client = client_for(staff(StaffRole.ADMINISTRATOR))
    assert client.post(ADD, _form(public_key_pem="not a key")).status_code == 200
    assert client.post(ADD, _form(public_key_pem="")).status_code == 200
    assert Partner.objects.count() == 0
    assert Credential.objects.count() == 0


def test_rotation_adds_a_credential_and_switch_off(partner: Any) -> None:
    client = client_for(staff(StaffRole.ADMINISTRATOR))
    data = _form(client_id=partner.client_id, partner_service_id=partner.partner_service_id)
    response = client.post(f"/admin/partners/partner/{partner.pk}/change/", data)
    assert response.status_code == 302
    assert Credential.objects.filter(partner=partner, revoked_at__isnull=True).count() == 2
    old = Credential.objects.filter(partner=partner).order_by("created_at", "pk").first()
    client.post("/admin/partners/credential/", {"action": "revoke", "_selected_action": [old.pk]})
    old.refresh_from_db()
    assert old.revoked_at is not None
    client.post("/admin/partners/partner/", {"action": "switch_off", "_selected_action": [partner.pk]})
    partner.refresh_from_db()
    assert partner.switched_off_at is not None


def test_reviewer_may_look_but_not_add() -> None:
    client = client_for(staff(StaffRole.REVIEWER))
    assert client.get("/admin/partners/partner/").status_code == 200
    assert client.post(ADD, _form()).status_code == 403
    assert Partner.objects.count() == 0


def test_settlement_upload(partner: Any) -> None:
    client = client_for(staff(StaffRole.SUPERVISOR))
    upload = SimpleUploadedFile(
        "s.csv", b"payment_request_id,customer_no,amount,reference_no\nr-1,1,100.00,X\n"
    )
    response = client.post(
        "/admin/partners/settlementimport/add/", {"partner": partner.pk, "day": "2026-03-10", "file": upload}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    run = SettlementImport.objects.get()
    assert (run.line_count, run.difference_count) == (1, 1)
    bad = SimpleUploadedFile("s.csv", b"nothing,useful\n")
    again = client.post(
        "/admin/partners/settlementimport/add/", {"partner": partner.pk, "day": "2026-03-11", "file": bad}
    )
    assert again.status_code == 200
    assert "Kolom wajib tidak ada" in again.content.decode()
    assert SettlementImport.objects.count() == 1


def test_partner_channel_is_not_offered_on_the_web() -> None:
    assert "mitra" not in dict(PayForm.base_fields["channel"].choices)


def test_partner_payment_is_not_rechecked_with_a_gateway(partner: Any) -> None:
    from contributions.models import Payment
    from tests.partners.conftest import SnapClient
    from tests.partners.test_settlement import _paid  # one credited partner payment

    snap = SnapClient()
    snap.token()
    paid = _paid(snap, "r-1")
    with pytest.raises(FlagError):
        payment_recheck(actor=staff(StaffRole.ADMINISTRATOR), payment_id=paid.payment.pk)
    assert Payment.objects.get(pk=paid.payment.pk).status == "settlement"


@pytest.fixture
def partner(db: None) -> Partner:
    demo.load_demo_partner()
    return Partner.objects.get(client_id=demo.CLIENT_ID)
