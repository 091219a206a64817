"""Kartu digital: one card per KPJ with a random verification code and its rendered PDF."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from participants.statements.models import IN_PROGRESS, DocumentStatus, private_storage


class MembershipCard(models.Model):
    """The digital membership card of one KPJ.

    `verification_code` is random and only ever leaves the database inside a signed token
    (`participants.card.tokens`), so the public verification URL reveals no KPJ, NIK or id.
    The PDF is a snapshot of `pdf_data`; it is re-rendered only when the card's content changes.
    """

    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.PROTECT, related_name="membership_card"
    )
    verification_code = models.CharField(max_length=32, unique=True, editable=False)
    issued_at = models.DateTimeField(auto_now_add=True)
    pdf_status = models.CharField(
        _("status PDF"), max_length=10, choices=DocumentStatus.choices, blank=True, default=""
    )
    pdf_data = models.JSONField(default=dict, blank=True)
    pdf_file = models.FileField(storage=private_storage, upload_to="cards/", blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kartu digital")
        verbose_name_plural = _("kartu digital")

    def __str__(self) -> str:
        return f"card {self.participant_id}"

    @property
    def pdf_in_progress(self) -> bool:
        return self.pdf_status in IN_PROGRESS
