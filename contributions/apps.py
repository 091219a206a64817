from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = _("Iuran")

    def ready(self) -> None:
        # The participant dashboard's next action asks for open bills and the BPU's JHT choice this way
        # (participants sits below contributions in the layers and cannot import it).
        from contributions.dashboard_facts import bpu_facts
        from portal.next_action import register_source

        register_source("contributions", bpu_facts)
