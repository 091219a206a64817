from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifikasi")

    def ready(self) -> None:
        # Every app's notices (portal.notices.publish) are queued here, in the publisher's transaction.
        from notifications.sink import queue_notice, queue_notices
        from portal.notices import register_sink

        register_sink(one=queue_notice, many=queue_notices)
        # Account security notices follow allauth/auth signals (security notices are not domain flow).
        from notifications import signals  # noqa: F401

        # "Data saya" (portal.personal_data): the messages sent to the person.
        from notifications.personal_data import notices_section
        from portal.personal_data import register_section

        register_section(order=80, provider=notices_section)
