from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifikasi")

    def ready(self) -> None:
        # Account security notices follow allauth/auth signals (security notices are not domain flow).
        from notifications import signals  # noqa: F401
