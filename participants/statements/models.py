"""Rincian Saldo JHT (RSJHT): a snapshot of one KPJ's year, rendered once to PDF by a Celery task."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def private_storage() -> Storage:
    return storages["private"]


class DocumentStatus(models.TextChoices):
    REQUESTED = "requested", _("Diminta")
    RENDERING = "rendering", _("Sedang dibuat")
    READY = "ready", _("Siap diunduh")
    FAILED = "failed", _("Gagal dibuat")


IN_PROGRESS = (DocumentStatus.REQUESTED, DocumentStatus.RENDERING)


class Statement(models.Model):
    """One RSJHT. `data` is filled once by the render task and never changes afterwards."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="statements"
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    document_number = models.CharField(_("nomor dokumen"), max_length=40, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.REQUESTED
    )
    data = models.JSONField(_("isi dokumen"), default=dict, blank=True)
    file = models.FileField(_("berkas PDF"), storage=private_storage, upload_to="statements/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rincian saldo JHT")
        verbose_name_plural = _("rincian saldo JHT")
        ordering = ["-requested_at"]
        constraints = [
            # At most one statement of a KPJ/year in progress: a second request reuses it.
            models.UniqueConstraint(
                fields=["participant", "year"],
                condition=Q(status__in=["requested", "rendering"]),
                name="statement_one_in_progress_per_year",
            ),
            models.CheckConstraint(condition=Q(year__gte=1977, year__lte=2200), name="statement_year_range"),
        ]

    def __str__(self) -> str:
        return self.document_number

    @property
    def in_progress(self) -> bool:
        return self.status in IN_PROGRESS
