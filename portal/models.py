from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """Last time a scheduled job ran through beat → Redis → worker → PostgreSQL.

    `/healthz` reports it, so an operator can see that beat and the workers are alive end to end.
    """

    key = models.CharField(_("kunci"), max_length=50, unique=True)
    seen_at = models.DateTimeField(_("terakhir terlihat"))

    class Meta:
        verbose_name = _("detak sistem")
        verbose_name_plural = _("detak sistem")

    def __str__(self) -> str:
        return f"{self.key} @ {self.seen_at.isoformat()}"


from portal.effects.models import Effect, EffectStatus  # noqa: E402 - the portal app's models live here

__all__ = ["Effect", "EffectStatus", "Heartbeat"]
