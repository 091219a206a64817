"""A worker's dispute of the end of employment their employer reported (date or type): it goes to the
employer's branch queue like a wage complaint, reviewed with layanan's state table and workflow."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.models import StaffDecision


class ExitDispute(StaffDecision):
    """submitted → approved (the branch has the employer correct the report) or rejected with a reason
    (layanan.models.StaffDecision.STEPS, moved by layanan.workflow.request_step). What the employer
    reported is copied at filing time: the report may change while the dispute is open."""

    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("KPJ"),
        on_delete=models.PROTECT,
        related_name="exit_disputes",
        editable=False,
    )
    employer = models.ForeignKey(
        "participants.Employer",
        verbose_name=_("pemberi kerja"),
        on_delete=models.PROTECT,
        related_name="exit_disputes",
        editable=False,
    )
    reported_end_date = models.DateField(_("tanggal berhenti yang dilaporkan"), editable=False)
    reported_exit_reason = models.CharField(
        _("alasan berhenti yang dilaporkan"), max_length=20, blank=True, editable=False
    )
    claimed_end_date = models.DateField(_("tanggal berhenti menurut peserta"), null=True, editable=False)
    claimed_exit_type = models.CharField(
        _("jenis berhenti menurut peserta"), max_length=20, blank=True, editable=False
    )
    description = models.TextField(_("keterangan peserta"), editable=False)

    class Meta:
        verbose_name = _("sanggahan laporan berhenti bekerja")
        verbose_name_plural = _("sanggahan laporan berhenti bekerja")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(claimed_end_date__isnull=False) | ~models.Q(claimed_exit_type=""),
                name="exitdispute_claims_something",
            ),
            # One open dispute per KPJ (a double submit files one).
            models.UniqueConstraint(
                fields=["participant"],
                condition=models.Q(status="submitted"),
                name="exitdispute_one_open_per_kpj",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Sanggahan laporan berhenti')} {self.participant.kpj}"
