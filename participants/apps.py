from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Peserta")

    def ready(self) -> None:
        # The rate tables' signal handlers live next to their models (participants/rates/); their admin
        # is the back office's (backoffice/admin/rates.py).
        from participants.rates import signals  # noqa: F401
