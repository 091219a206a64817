"""The partner sandbox (`/_dev/mitra/`): development only, 404 in production.

Plays the demo bank against the real SNAP endpoints over HTTP (`PORTAL_BASE_URL`), so a developer or a
partner's engineer sees every request (headers, body) and every answer: inquiry and payment, a
duplicate X-EXTERNAL-ID, a wrong signature and an expired timestamp.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from partners.fakebank import Exchange, FakeBank, demo_bank

SCENARIOS = ("pay", "duplicate", "wrong_signature", "expired_timestamp")
DEFAULT_KPJ = "23010000044"  # the demo BPU in arrears (participants/demo.py)


def run_scenario(bank: FakeBank, scenario: str, kpj: str) -> list[Exchange]:
    """Run one scenario; returns every exchange, in order."""
    bank.get_token()
    request_id = uuid.uuid4().hex
    if scenario == "wrong_signature":
        bank.inquiry(kpj, request_id, secret="not-the-client-secret")  # noqa: S106 - the wrong one on purpose
        return bank.log
    if scenario == "expired_timestamp":
        bank.inquiry(kpj, request_id, at=timezone.now() - dt.timedelta(minutes=30))
        return bank.log
    asked = bank.inquiry(kpj, request_id)
    if asked.status != 200:
        return bank.log
    amount = asked.answer["virtualAccountData"]["totalAmount"]["value"]
    external_id = str(uuid.uuid4().int)[:20]
    bank.payment(kpj, request_id, amount, external_id=external_id)
    if scenario == "duplicate":
        # The same request again (same X-EXTERNAL-ID and body): the first answer, nothing credited twice.
        bank.payment(kpj, request_id, amount, external_id=external_id)
    return bank.log


@require_http_methods(["GET", "POST"])
def sandbox(request: HttpRequest) -> HttpResponse:
    if not settings.DEBUG:
        raise Http404
    kpj = request.POST.get("kpj", DEFAULT_KPJ).strip()
    scenario = request.POST.get("scenario", "")
    exchanges: list[dict[str, object]] = []
    error = ""
    if request.method == "POST":
        if scenario not in SCENARIOS or not re.fullmatch(r"[0-9]{11}", kpj):
            error = "Skenario atau KPJ tidak dikenal."
        else:
            bank = demo_bank(settings.PORTAL_BASE_URL)
            try:
                for x in run_scenario(bank, scenario, kpj):
                    exchanges.append(
                        {
                            "title": x.title,
                            "request": f"{x.method} {x.path}\n"
                            + "\n".join(f"{k}: {v}" for k, v in x.headers.items())
                            + f"\n\n{x.body}",
                            "status": x.status,
                            "answer": json.dumps(x.answer, indent=2, ensure_ascii=False),
                        }
                    )
            except OSError as exc:
                error = f"Portal tidak dapat dihubungi di {settings.PORTAL_BASE_URL}: {exc}"
    context = {
        "kpj": kpj,
        "scenarios": SCENARIOS,
        "exchanges": exchanges,
        "error": error,
        "scenario": scenario,
    }
    return render(request, "partners/dev_sandbox.html", context, status=400 if error else 200)
