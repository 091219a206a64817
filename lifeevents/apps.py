from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifeEventsConfig(AppConfig):
    name = "lifeevents"
    verbose_name = _("Peristiwa hidup")
