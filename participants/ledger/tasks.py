"""Scheduled ledger jobs (registered through `app.autodiscover_tasks(["participants.ledger"])`)."""

from __future__ import annotations

from django.utils import timezone

from participants.ledger.development import development_credit_year
from participants.ledger.services import ledger_reconcile
from portal.celery import idempotent_task

# Up to an hour per run: longer than the broker's visibility timeout (settings.py), so these are
# acknowledged on receipt instead of late (a late one would be handed out again while still running).
# A run lost with its worker is caught by the next scheduled one (daily 1-7 January for the
# development return, nightly for the check); both are idempotent.
_LONG = {"soft_time_limit": 3300, "time_limit": 3600, "acks_late": False, "reject_on_worker_lost": False}


@idempotent_task(**_LONG)
def credit_previous_year_development() -> int:
    """On 1 January: credit last year's development return (no-op without a rate; idempotent)."""
    return development_credit_year(year=timezone.localdate().year - 1).accounts_credited


@idempotent_task(**_LONG)
def reconcile_ledger() -> int:
    """Nightly proof that every balance row equals the sum of its ledger entries."""
    return len(ledger_reconcile())
