"""What the participant dashboard needs from the iuran app: an open bill and the JHT a BPU chose.

Registered with `portal.next_action` in ContributionsConfig.ready; one query, and none when the person
has no BPU KPJ.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from contributions.models import OPEN_STATUSES, BpuProfile, Payment
from participants.models import Category
from portal.money import format_rupiah
from portal.next_action import RANK_PAY_OPEN_BILL, WARNING, Action, Facts, KpjRef


def bpu_facts(*, user_id: int, kpjs: Sequence[KpjRef]) -> Facts:
    ids = [k.pk for k in kpjs if k.category == Category.BPU]
    facts = Facts()
    if not ids:
        return facts
    open_payments = Payment.objects.filter(
        participant_id=OuterRef("participant_id"), status__in=OPEN_STATUSES
    )
    rows = BpuProfile.objects.filter(participant_id__in=ids).annotate(
        open_id=Subquery(open_payments.order_by("-created_at").values("public_id")[:1]),
        open_amount=Subquery(open_payments.order_by("-created_at").values("amount_idr")[:1]),
    )
    for row in rows.values("participant_id", "with_jht", "open_id", "open_amount"):
        if row["with_jht"]:
            facts.programmes.setdefault(row["participant_id"], set()).add("JHT")
        if row["open_id"]:
            facts.actions.append(
                Action(
                    priority=RANK_PAY_OPEN_BILL,
                    tone=WARNING,
                    title=_("Selesaikan pembayaran iuran %(amount)s")
                    % {"amount": format_rupiah(row["open_amount"])},
                    body=_("Tagihan Anda menunggu pembayaran. Setelah dibayar, perlindungan Anda berlaku."),
                    label=_("Lihat cara membayar"),
                    url=reverse("contributions:payment", kwargs={"public_id": row["open_id"]}),
                )
            )
    return facts
