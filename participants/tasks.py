"""Participant tasks. `render_*` tasks are routed to the `pdf` queue by name (portal/celery.py)."""

from __future__ import annotations

from participants.card.services import card_pdf_render
from participants.statements.services import statement_render
from portal.celery import idempotent_task


@idempotent_task()
def render_statement(statement_id: int) -> None:
    """Render one RSJHT PDF. Idempotent: a statement already rendered is left alone."""
    statement_render(statement_id=statement_id)


@idempotent_task()
def render_card(card_id: int) -> None:
    """Render one digital card PDF. Idempotent: only a card PDF in progress is rendered."""
    card_pdf_render(card_id=card_id)
