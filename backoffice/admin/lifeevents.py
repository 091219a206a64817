"""The employer's branch queue of disputed exits (lifeevents.ExitDispute), reviewed like the other
service requests (backoffice.admin.layanan.RequestAdmin)."""

from __future__ import annotations

from django.contrib import admin

from backoffice.admin.layanan import RequestAdmin
from lifeevents.disputes import exit_dispute_step
from lifeevents.models import ExitDispute


@admin.register(ExitDispute)
class ExitDisputeAdmin(RequestAdmin):
    step_service = exit_dispute_step
    list_display = (
        "created_at",
        "participant",
        "employer",
        "reported_end_date",
        "claimed_end_date",
        "claimed_exit_type",
        "status",
        "branch",
    )
    list_select_related = ("participant", "employer", "branch")
