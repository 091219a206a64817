from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Peserta")

    def ready(self) -> None:
        # The rate tables' admin lives next to their models (participants/rates/).
        from participants.rates import admin, signals  # noqa: F401
