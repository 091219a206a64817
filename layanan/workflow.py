"""The one service that moves a participant's service request (merge, data correction, card
replacement, wage complaint) through its state table (`Model.STEPS`, layanan/models.py).

`request_step` guarantees for every kind: only staff whose branch scope includes the request (auditors
read-only), only a step allowed from the current status, a note when the participant must be told
why, an outcome where the step records one. A repeated step (the request is already in the target
status) returns it unchanged. The status, the optional `apply` hook (the ledger moves of a merge, the
applied correction), the history row and the participant's notification commit together or not at
all; a refusal changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

import structlog
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import branch_scope_q, is_read_only
from layanan.errors import refuse
from layanan.models import ComplaintOutcome, RequestHistory, StaffDecision
from layanan.notices import service_request_status
from participants.models import User

log = structlog.get_logger(__name__)

# Runs inside the step's transaction with the locked request; may refuse (ServiceRequestError) to roll
# everything back. Returns the names of other fields of the request it changed (saved with the status).
ApplyHook = Callable[[Any, User], Iterable[str]]

# Where the participant follows each kind of request (the notification links there).
PAGES = {
    "mergerequest": "layanan:merge",
    "datacorrectionrequest": "layanan:corrections",
    "cardreplacementrequest": "layanan:card",
    "wagecomplaint": "layanan:complaints",
    # lifeevents.ExitDispute reuses this workflow (a URL name only: layanan does not import lifeevents).
    "exitdispute": "lifeevents:phk",
}


def request_step[T: StaffDecision](
    *,
    model: type[T],
    slug: str,
    actor: User,
    request_id: uuid.UUID | str,
    note: str = "",
    outcome: str = "",
    apply: ApplyHook | None = None,
) -> T:
    """Take the step `slug` of `model.STEPS` on one request. Raises ServiceRequestError ("read_only",
    "unknown_step", "note_required", "outcome_required", "not_found", "wrong_status") and whatever
    `apply` refuses with; nothing is changed then."""
    kind = model._meta.model_name or ""
    if is_read_only(actor):
        raise refuse(
            "request.refused", "read_only", _("Auditor hanya dapat melihat data."), actor_id=actor.pk
        )
    step = model.step(slug)
    if step is None:
        raise refuse("request.refused", "unknown_step", _("Tindakan tidak dikenal."), kind=kind, step=slug)
    note = note.strip()
    if step.note and not note:
        raise refuse("request.refused", "note_required", _("Tuliskan catatan untuk peserta."), kind=kind)
    if step.outcome and outcome not in ComplaintOutcome.values:
        raise refuse("request.refused", "outcome_required", _("Pilih hasil penanganan."), kind=kind)
    with transaction.atomic():
        item = (
            model._default_manager.select_for_update()
            .filter(branch_scope_q(actor, "branch"), public_id=request_id)
            .first()
        )
        if item is None:
            raise refuse(
                "request.refused",
                "not_found",
                _("Pengajuan tidak ditemukan di kantor cabang Anda."),
                kind=kind,
                actor_id=actor.pk,
            )
        if item.status == step.target:
            return item  # the same step again (double click, two staff at once): nothing more to do
        if item.status not in step.sources:
            raise refuse(
                "request.refused",
                "wrong_status",
                _("Tindakan ini tidak tersedia untuk pengajuan berstatus %(status)s.")
                % {"status": item.get_status_display()},
                kind=kind,
                status=item.status,
                step=slug,
            )
        changed = list(apply(item, actor)) if apply else []
        before = item.status
        item.status = step.target
        item.decided_at = timezone.now()
        item.decided_by = actor
        item.decision_note = note  # the participant sees the note of the latest step
        fields = ["status", "decided_at", "decided_by", "decision_note", *changed]
        if step.outcome:
            item.outcome = outcome  # type: ignore[attr-defined]
            fields.append("outcome")
        item.save(update_fields=fields)
        history = RequestHistory.objects.create(
            request_kind=kind,
            request_public_id=item.public_id,
            actor=actor,
            from_status=before,
            to_status=step.target,
            note=note,
            outcome=outcome if step.outcome else "",
        )
        _notify(item, history)
    log.info(
        "request.step",
        kind=kind,
        request_id=str(item.public_id),
        step=slug,
        status=step.target,
        actor_id=actor.pk,
    )
    return item


def _notify(item: Any, history: RequestHistory) -> None:
    """The participant's notice of the step, queued in the step's transaction (layanan.notices)."""
    service_request_status(
        request=item,
        history_id=history.pk,
        url_path=reverse(PAGES[item._meta.model_name]),
    )


def history_of(item: StaffDecision) -> list[RequestHistory]:
    return list(
        RequestHistory.objects.filter(
            request_kind=item._meta.model_name, request_public_id=item.public_id
        ).select_related("actor")
    )
