"""The digital membership card: issuing it, requesting its PDF and rendering the PDF (task only)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import segno
import structlog
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from participants.card.models import MembershipCard
from participants.models import Participant
from participants.statements.models import IN_PROGRESS, DocumentStatus
from portal.effects.services import effect_resend_if_stuck, effect_schedule
from portal.pdf import render_pdf

log = structlog.get_logger(__name__)


def card_issue(*, participant: Participant) -> MembershipCard:
    """The KPJ's card, created with a fresh random verification code on first use. Idempotent."""
    card = MembershipCard.objects.filter(participant=participant).first()
    if card is not None:
        return card
    try:
        with transaction.atomic():
            return MembershipCard.objects.create(
                participant=participant, verification_code=secrets.token_urlsafe(18)
            )
    except IntegrityError:  # issued concurrently
        return MembershipCard.objects.get(participant=participant)


def qr_svg(url: str, *, scale: int = 4) -> str:
    """The QR code of `url` as inline SVG markup (no style attributes: fits the CSP)."""
    return str(segno.make(url, error="m").svg_inline(scale=scale, border=2, omitsize=False))


def card_pdf_data(*, participant: Participant, verification_url: str) -> dict[str, Any]:
    return {
        "kpj": participant.kpj,
        "full_name": participant.full_name,
        "category": participant.get_category_display(),
        "registered_on": participant.registered_on.isoformat(),
        "branch": participant.branch.name,
        "verification_url": verification_url,
    }


def card_pdf_request(*, card: MembershipCard, verification_url: str) -> MembershipCard:
    """Ask for the card PDF. Idempotent: nothing happens while one is in progress, or when the ready
    PDF already shows the card's current content (a render past its deadline is sent again); otherwise
    the render is recorded as an effect and sent after commit."""
    with transaction.atomic():
        card = (
            MembershipCard.objects.select_for_update().select_related("participant__branch").get(pk=card.pk)
        )
        data = card_pdf_data(participant=card.participant, verification_url=verification_url)
        from participants.tasks import render_card

        if card.pdf_status in IN_PROGRESS:
            effect_resend_if_stuck(render_card, card.pk)  # lost in a broker outage or with its worker
            return card
        if card.pdf_status == DocumentStatus.READY and card.pdf_data == data:
            return card
        card.pdf_status = DocumentStatus.REQUESTED
        card.pdf_data = data
        card.save(update_fields=["pdf_status", "pdf_data", "updated_at"])
        effect_schedule(render_card, card.pk)
    return card


def card_pdf_render(*, card_id: int) -> MembershipCard | None:
    """Render the requested card PDF. Safe to run twice (locks the row; skips unless in progress)."""
    try:
        with transaction.atomic():
            card = MembershipCard.objects.select_for_update().filter(pk=card_id).first()
            if card is None or card.pdf_status not in IN_PROGRESS:
                return card
            data = card.pdf_data
            context = {
                **data,
                "registered_on": dt.date.fromisoformat(data["registered_on"]),
                "qr_svg": qr_svg(data["verification_url"], scale=3),
            }
            pdf = render_pdf("participants/pdf/card.html", context)
            card.pdf_file.save(f"{secrets.token_hex(16)}.pdf", ContentFile(pdf), save=False)
            card.pdf_status = DocumentStatus.READY
            card.pdf_rendered_at = timezone.now()
            card.save()
    except Exception:
        MembershipCard.objects.filter(pk=card_id).exclude(pdf_status=DocumentStatus.READY).update(
            pdf_status=DocumentStatus.FAILED, updated_at=timezone.now()
        )
        log.exception("card.render_failed", card_id=card_id)
        raise
    log.info("card.rendered", card_id=card_id)
    return card
