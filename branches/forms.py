"""Forms of the appointment pages: they parse input only; the rules live in branches.services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import BranchService
from branches.selectors import bookable_services

SLOT_FORMAT = "%Y-%m-%dT%H:%M"


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: BranchService) -> str:
        return f"{obj.branch.name} — {obj.get_service_display()}"


def parse_slot(value: str) -> dt.datetime:
    try:
        naive = dt.datetime.strptime(value.strip(), SLOT_FORMAT)  # noqa: DTZ007 (local wall clock)
    except ValueError:
        raise ValidationError(_("Pilih slot waktu dari daftar."), code="invalid") from None
    return timezone.make_aware(naive)


class ServiceForm(forms.Form):
    layanan = ServiceChoiceField(
        label=_("Kantor cabang dan layanan"),
        queryset=BranchService.objects.none(),
        empty_label=_("— Pilih kantor cabang dan layanan —"),
        error_messages={
            "required": _("Pilih kantor cabang dan layanan."),
            "invalid_choice": _("Layanan ini tidak tersedia. Pilih layanan dari daftar."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["layanan"].queryset = bookable_services()  # type: ignore[attr-defined]


class SlotForm(forms.Form):
    slot = forms.CharField(
        label=_("Slot waktu"),
        max_length=20,
        error_messages={"required": _("Pilih slot waktu dari daftar.")},
    )

    def clean_slot(self) -> dt.datetime:
        return parse_slot(self.cleaned_data["slot"])


class BookingForm(ServiceForm, SlotForm):
    pass
