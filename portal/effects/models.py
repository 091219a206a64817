from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EffectStatus(models.TextChoices):
    PENDING = "pending", _("menunggu")
    STARTED = "started", _("berjalan")
    DONE = "done", _("selesai")
    FAILED = "failed", _("gagal")


OPEN_STATUSES = (EffectStatus.PENDING, EffectStatus.STARTED)


class Effect(models.Model):
    """One task that must run because a change committed (portal/effects/__init__.py).

    `due_at` is when the sweeper sends the task again if it is not done by then: the deadline of a
    pending row, or the stale point of a started one (its start plus the task's hard time limit).
    """

    task = models.CharField(_("tugas"), max_length=200)
    args = models.JSONField(_("argumen"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=EffectStatus.choices, default=EffectStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    sends = models.PositiveIntegerField(_("pengiriman"), default=0)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    due_at = models.DateTimeField(_("batas waktu"))
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    done_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    last_error = models.TextField(_("galat terakhir"), blank=True)

    class Meta:
        verbose_name = _("efek tertunda")
        verbose_name_plural = _("efek tertunda")
        indexes = [
            # The sweeper's query and the admin's default list: only open rows, by deadline.
            models.Index(
                fields=["due_at"], condition=Q(status__in=["pending", "started"]), name="effect_open_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)} [{self.status}]"
