from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LayananConfig(AppConfig):
    name = "layanan"
    verbose_name = _("Layanan peserta")
