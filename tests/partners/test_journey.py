"""The journey over HTTP: the demo bank (signing with the demo partner's published keys) pays the demo
BPU in arrears by her KPJ number against a live server; her dashboard then shows "aktif" and her payment
history offers the receipt. Also: the sandbox page and the curl command, against the same server."""

from __future__ import annotations

import importlib
import json
import shlex
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from contributions.models import Payment
from contributions.models import PaymentStatus as S
from contributions.tasks import render_receipt
from participants import demo as participants_demo
from participants.models import MembershipStatus, Participant, Rate, User
from partners import demo
from partners.fakebank import demo_bank

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_world(settings: Any, live_server: Any, tmp_path: Path) -> Any:
    settings.DEBUG = True  # the sandbox exists only in DEBUG; pytest-django turns DEBUG off
    settings.ROOT_URLCONF = "tests.partners.urls_debug"
    settings.PORTAL_BASE_URL = live_server.url
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    if not Rate.objects.exists():  # transactional tests flush the data migrations' rows
        importlib.import_module("participants.migrations.0002_rates_and_development").load(apps, None)
    from django.core.cache import cache

    cache.clear()
    participants_demo.load_demo_data()
    demo.load_demo_partner()
    return live_server


def test_demo_bank_pays_the_bpu_in_arrears(demo_world: Any) -> None:
    dewi = Participant.objects.get(kpj=participants_demo.NUNGGAK.kpj)
    assert dewi.status == MembershipStatus.NONAKTIF
    bank = demo_bank(demo_world.url)
    assert bank.get_token().status == 200
    asked = bank.inquiry(dewi.kpj, "journey-1")
    assert asked.status == 200, asked.answer
    data = asked.answer["virtualAccountData"]
    assert data["virtualAccountName"] == "De** Le*****"
    amount = data["totalAmount"]["value"]
    paid = bank.payment(dewi.kpj, "journey-1", amount)
    assert (paid.status, paid.answer["responseCode"]) == (200, "2002500")

    payment = Payment.objects.get(participant=dewi)
    assert payment.status == S.SETTLEMENT
    assert f"{payment.amount_idr}.00" == amount
    assert render_receipt(payment.receipt.pk)  # the Celery task, run here instead of on a worker

    client = Client()
    client.force_login(User.objects.get(email=participants_demo.NUNGGAK.email))
    dashboard = client.get("/peserta/").content.decode()
    assert f"KPJ {dewi.kpj}" in dashboard
    assert 'badge-aktif">Aktif</span>' in dashboard
    history = client.get(f"/payments/kpj/{dewi.public_id}/riwayat/").content.decode()
    assert f"/payments/{payment.public_id}/bukti/" in history
    receipt = client.get(f"/payments/{payment.public_id}/bukti/")
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"


def test_sandbox_and_curl_pair(demo_world: Any) -> None:
    client = Client()
    page = client.post("/_dev/mitra/", {"kpj": participants_demo.NUNGGAK.kpj, "scenario": "duplicate"})
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("transfer-va/payment → HTTP 200") == 2
    assert Payment.objects.filter(participant__kpj=participants_demo.NUNGGAK.kpj).count() == 1
    wrong = client.post("/_dev/mitra/", {"kpj": participants_demo.NUNGGAK.kpj, "scenario": "wrong_signature"})
    assert "transfer-va/inquiry → HTTP 401" in wrong.content.decode()
    late = client.post(
        "/_dev/mitra/", {"kpj": participants_demo.NUNGGAK.kpj, "scenario": "expired_timestamp"}
    )
    assert "4012400" in late.content.decode()
    assert client.post("/_dev/mitra/", {"kpj": "x", "scenario": "pay"}).status_code == 400

    # The command's curl pair (the demo data loads slowly: one test for both development tools).
    out = StringIO()
    call_command("snap_demo_curl", "--base-url", demo_world.url, stdout=out)
    commands = [line for line in out.getvalue().splitlines() if line.startswith("curl ")]
    assert len(commands) == 2
    answers = [
        json.loads(subprocess.run(shlex.split(c), capture_output=True, check=True).stdout) for c in commands
    ]
    assert answers[0]["responseCode"] == "2007300"
    assert answers[1]["responseCode"] == "2002400"
    assert answers[1]["virtualAccountData"]["customerNo"] == participants_demo.NUNGGAK.kpj
