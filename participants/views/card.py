"""Kartu digital: the card page, its PDF (rendered by a task) and the public verification page."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HTMX_STOP_POLLING

from participants.card.selectors import card_get_by_token
from participants.card.services import card_issue, card_pdf_request, qr_svg
from participants.card.tokens import card_token
from participants.models import Participant
from participants.statements.models import DocumentStatus
from participants.views.access import owned_participant
from participants.views.statements import private_pdf
from portal.db_router import replica_reads
from portal.htmx import is_htmx_fragment_request, render_page_or_partial
from portal.masking import mask_name


def _verification_url(request: HttpRequest, verification_code: str) -> str:
    path = reverse("participants:card_verify", kwargs={"token": card_token(verification_code)})
    return request.build_absolute_uri(path)


def _card_context(request: HttpRequest, participant: Participant) -> dict[str, object]:
    card = card_issue(participant=participant)
    url = _verification_url(request, card.verification_code)
    return {"participant": participant, "card": card, "verification_url": url, "qr_svg": qr_svg(url)}


@login_required
@require_GET
def card(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    participant = owned_participant(request, public_id)
    return render_page_or_partial(
        request, "participants/card.html", "pdf_status", _card_context(request, participant)
    )


@login_required
@require_http_methods(["GET", "POST"])
def card_pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """POST asks for the card PDF (rendered by a task); GET shows its progress (polled by htmx)."""
    participant = owned_participant(request, public_id)
    context = _card_context(request, participant)
    card = context["card"]
    if request.method == "POST":
        card_pdf_request(card=card, verification_url=str(context["verification_url"]))  # type: ignore[arg-type]
        return redirect(reverse("participants:card", kwargs={"public_id": participant.public_id}) + "#pdf")
    status = 200
    if is_htmx_fragment_request(request) and not card.pdf_in_progress:  # type: ignore[attr-defined]
        status = HTMX_STOP_POLLING
    return render_page_or_partial(request, "participants/card.html", "pdf_status", context, status=status)


@login_required
@require_GET
def card_pdf_download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponseBase:
    participant = owned_participant(request, public_id)
    card = card_issue(participant=participant)
    if card.pdf_status != DocumentStatus.READY or not card.pdf_file:
        raise Http404
    return private_pdf(card.pdf_file.open("rb"), f"kartu-digital-{participant.kpj}.pdf")


@replica_reads
@require_GET
def card_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: shows only "valid", the masked name and the KPJ's current status (404 if invalid)."""
    card = card_get_by_token(token=token)
    if card is None:
        return TemplateResponse(request, "participants/card_verify.html", {"valid": False}, status=404)
    participant = card.participant
    context = {
        "valid": True,
        "masked_name": mask_name(participant.full_name),
        "status": participant.get_status_display(),
        "is_active": participant.status == "aktif",
    }
    response = TemplateResponse(request, "participants/card_verify.html", context)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
