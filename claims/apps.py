from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Klaim JHT")

    def ready(self) -> None:
        # The state machine schedules these without importing the tasks, which import it (claims/effects.py).
        from claims import effects, tasks
        from claims.dashboard_facts import claim_facts
        from portal.next_action import register_source

        register_source("claims", claim_facts)  # the participant dashboard's next action

        effects.register(
            effects.ClaimJobs(
                verify=tasks.verify_claim, pay=tasks.pay_claim, render_letter=tasks.render_claim_letter
            )
        )
        # "Data saya" (portal.personal_data): the person's claims.
        from claims.personal_data import claims_section
        from portal.personal_data import register_section

        register_section(order=40, provider=claims_section)
