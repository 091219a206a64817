"""What the participant dashboard needs from the claims app: a claim that waits for the person, or
one in progress. Registered with `portal.next_action` in ClaimsConfig.ready; one query."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext as _

from claims.models import OPEN_STATUSES, Claim, ClaimStatus
from portal.next_action import (
    INFO,
    RANK_CLAIM_IN_PROGRESS,
    RANK_CLAIM_NEEDS_YOU,
    WARNING,
    Action,
    Facts,
    KpjRef,
)


def claim_facts(*, user_id: int, kpjs: Sequence[KpjRef]) -> Facts:
    facts = Facts()
    statuses = {*OPEN_STATUSES, ClaimStatus.DRAFT}
    claims = Claim.objects.filter(user_id=user_id, status__in=statuses).order_by("-created_at")
    for claim in claims.only("public_id", "status")[:3]:
        url = reverse("claims:detail", kwargs={"claim_id": claim.public_id})
        if claim.status == ClaimStatus.REVISION_REQUESTED:
            action = Action(
                RANK_CLAIM_NEEDS_YOU,
                WARNING,
                _("Klaim JHT Anda perlu diperbaiki"),
                _("Petugas meminta perbaikan berkas. Perbaiki agar klaim dapat diproses."),
                _("Perbaiki klaim"),
                url,
            )
        elif claim.status == ClaimStatus.DRAFT:
            action = Action(
                RANK_CLAIM_NEEDS_YOU,
                INFO,
                _("Lanjutkan pengajuan klaim JHT"),
                _("Draf klaim Anda belum diajukan."),
                _("Lanjutkan klaim"),
                url,
            )
        else:
            action = Action(
                RANK_CLAIM_IN_PROGRESS,
                INFO,
                _("Klaim JHT Anda sedang diproses: %(status)s") % {"status": claim.get_status_display()},
                _("Kami memberi tahu Anda lewat email atau SMS bila ada perubahan."),
                _("Lihat klaim"),
                url,
            )
        facts.actions.append(action)
    return facts
