from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = _("Verifikasi identitas dibantu")

    def ready(self) -> None:
        # "Data saya" reads each app's part through the registry in portal.personal_data.
        from portal.personal_data import register_section
        from verification import personal_data

        register_section(order=10, provider=personal_data.identity_section)
        register_section(order=60, provider=personal_data.verification_section)
