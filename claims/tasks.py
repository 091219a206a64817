"""Celery tasks of the claims area (queue `claims`, routed by name). Thin, take ids, safe to run twice."""

from __future__ import annotations

from portal.celery import idempotent_task


@idempotent_task()
def verify_claim(claim_id: int) -> bool:
    """Automated verification after (re)submission; a no-op for a claim already past it."""
    from claims.verification import claim_verify

    return claim_verify(claim_id=claim_id)


@idempotent_task()
def pay_claim(claim_id: int) -> str:
    """Pay an approved claim. A bank timeout raises TransferTimeout (a TimeoutError), which the task
    retries with backoff using the same transfer reference, so money never moves twice."""
    from claims.payout.services import claim_pay

    return claim_pay(claim_id=claim_id)


@idempotent_task()
def render_claim_letter(letter_id: int) -> bool:
    """Render a decision letter's PDF once (queue `pdf`)."""
    from claims.letters import claim_letter_render

    return claim_letter_render(letter_id=letter_id)
