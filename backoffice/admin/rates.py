"""Figure tables (rates, development returns, discount programmes) and holiday overrides in the back office.

Figures change only under maker-checker (participants/rates/proposals.py): every staff role may look at
the tables, nobody adds, edits or deletes a row here; a staff member allowed to propose opens a proposal
from a table ("Usulkan ...") and a different one allowed to approve decides it on the proposal's page
(backoffice/admin/figure_proposals.py, which also keeps the history of every change). Each row's own
history (django-simple-history) names the approver and the proposal.

Holiday overrides are a calendar correction, not a figure: administrators still edit them directly, only
for dates after today (due dates already counted over a day are stored on claims).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.decorators import action as unfold_action

from accounts.roles import StaffRole, has_role
from backoffice.admin.figure_proposals import propose_url  # also registers the proposal admin
from backoffice.scoped_admin import StaffScopedHistoryAdmin
from participants.rates.models import DevelopmentRate, DiscountProgramme, FigureChange, HolidayOverride, Rate
from participants.rates.proposals import can_propose


class _ReadOnlyFigures(StaffScopedHistoryAdmin):
    """Every staff role looks; rows change only through approved proposals."""

    actions = None

    def has_propose_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        return can_propose(request.user)


@admin.register(Rate)
class RateAdmin(_ReadOnlyFigures):
    list_display = (
        "program",
        "segment",
        "component",
        "value",
        "unit",
        "effective_from",
        "effective_to",
        "in_force",
        "confidence",
        "source",
    )
    list_filter = ("program", "segment", "unit", "confidence")
    search_fields = ("component", "source")
    ordering = ("program", "segment", "component", "-effective_from")
    actions_list = ["propose_rate"]
    actions_detail = ["propose_successor", "propose_end"]

    @admin.display(description=gettext_lazy("sudah berlaku"), boolean=True)
    def in_force(self, obj: Rate) -> bool:
        return obj.effective_from <= timezone.localdate()

    @unfold_action(description=gettext_lazy("Usulkan tarif baru"), permissions=["propose"])
    def propose_rate(self, request: HttpRequest) -> HttpResponse:
        return redirect(propose_url(FigureChange.RATE_ADD))

    @unfold_action(description=gettext_lazy("Usulkan angka pengganti"), permissions=["propose"])
    def propose_successor(self, request: HttpRequest, object_id: str) -> HttpResponse:
        rate = self.get_object(request, object_id)
        return redirect(
            propose_url(
                FigureChange.RATE_ADD,
                program=rate.program,
                segment=rate.segment,
                component=rate.component,
                unit=rate.unit,
            )
        )

    @unfold_action(description=gettext_lazy("Usulkan tanggal akhir"), permissions=["propose"])
    def propose_end(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return redirect(propose_url(FigureChange.RATE_END, baris=self.get_object(request, object_id).pk))


@admin.register(DiscountProgramme)
class DiscountProgrammeAdmin(_ReadOnlyFigures):
    list_display = ("label", "segment", "percent", "first_period", "last_period", "confidence", "source")
    list_filter = ("segment", "confidence")
    actions_list = ["propose_programme"]
    actions_detail = ["propose_last_period"]

    @unfold_action(description=gettext_lazy("Usulkan program diskon"), permissions=["propose"])
    def propose_programme(self, request: HttpRequest) -> HttpResponse:
        return redirect(propose_url(FigureChange.DISCOUNT_ADD))

    @unfold_action(description=gettext_lazy("Usulkan bulan iuran terakhir"), permissions=["propose"])
    def propose_last_period(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return redirect(propose_url(FigureChange.DISCOUNT_END, baris=self.get_object(request, object_id).pk))


@admin.register(DevelopmentRate)
class DevelopmentRateAdmin(_ReadOnlyFigures):
    list_display = ("year", "rate_percent", "assumed", "source")
    list_filter = ("assumed",)
    actions_list = ["propose_development"]

    @unfold_action(description=gettext_lazy("Usulkan tingkat pengembangan"), permissions=["propose"])
    def propose_development(self, request: HttpRequest) -> HttpResponse:
        return redirect(propose_url(FigureChange.DEVELOPMENT_SET))


# --- Holiday overrides ----------------------------------------------------------------------------


class HolidayOverrideForm(forms.ModelForm):
    class Meta:
        model = HolidayOverride
        fields = ("date", "is_holiday", "note")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        today = timezone.localdate()
        original = HolidayOverride.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        if original is not None and original.date <= today:
            raise forms.ValidationError(
                _(
                    "Koreksi untuk %(date)s sudah berlaku (tenggat klaim sudah dihitung dengannya) dan "
                    "tidak boleh diubah."
                )
                % {"date": original.date.strftime("%d/%m/%Y")},
                code="in_force",
            )
        day = cleaned.get("date")
        if day is not None and day <= today:
            self.add_error("date", _("Tanggal harus setelah hari ini."))
        return cleaned


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(StaffScopedHistoryAdmin):
    form = HolidayOverrideForm
    list_display = ("date", "is_holiday", "note")
    list_filter = ("is_holiday",)

    def _is_administrator(self, request: HttpRequest) -> bool:
        return has_role(request.user, StaffRole.ADMINISTRATOR)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._is_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._is_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Only days after today may be deleted (entered by mistake); history keeps the deletion.
        return self._is_administrator(request) and (
            obj is None or obj.date > timezone.localdate()  # type: ignore[attr-defined]
        )

    def get_actions(
        self, request: HttpRequest, action_location: Any = admin.ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)  # a bulk delete would not look at each row's date
        return actions
