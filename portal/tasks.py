from django.utils import timezone

from portal.celery import idempotent_task
from portal.models import Heartbeat


@idempotent_task()
def heartbeat(key: str = "beat") -> str:
    """Record that the scheduler and a worker are alive. Safe to run any number of times."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(key=key, defaults={"seen_at": now})
    return now.isoformat()
