"""The notice of the service-request area (portal.notices): a staff step on a participant's request
(merge, data correction, card replacement, wage complaint), published in the step's transaction."""

from __future__ import annotations

from typing import Any

from portal.notices import Notice, absolute_url, publish


def service_request_status(*, request: Any, history_id: int, url_path: str) -> list[int]:
    """The new status, the outcome and the staff note shown to the participant; one notice per step
    (the history row is in the key)."""
    participant = request.owner_participant
    outcome = request.get_outcome_display() if getattr(request, "outcome", "") else ""
    context = {
        "name": participant.full_name,
        "kpj": participant.kpj,
        "kind": str(request._meta.verbose_name).capitalize(),
        "status": request.get_status_display(),
        "status_code": request.status,
        "outcome": outcome,
        "note": request.decision_note,
        "branch": request.branch.name,
        "url": absolute_url(url_path),
    }
    return publish(
        Notice(
            event="service_request_status",
            key=f"layanan:{request._meta.model_name}:{request.pk}:{history_id}",
            context=context,
            participant=participant,
            user=request.user,
        )
    )
