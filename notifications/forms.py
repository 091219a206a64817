from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import CONFIGURABLE_CATEGORIES

CHOICES = [("email", _("Email")), ("sms", _("SMS")), ("both", _("Email dan SMS"))]


class PreferencesForm(forms.Form):
    """One choice (email, SMS or both) per configurable category."""

    def __init__(self, *args: Any, initial_choices: dict[str, tuple[bool, bool]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category in CONFIGURABLE_CATEGORIES:
            email, sms = initial_choices[category.value]
            self.fields[category.value] = forms.ChoiceField(
                label=category.label,
                choices=CHOICES,
                widget=forms.RadioSelect,
                initial="both" if email and sms else ("sms" if sms else "email"),
            )

    def choices(self) -> dict[str, tuple[bool, bool]]:
        return {
            name: (value in ("email", "both"), value in ("sms", "both"))
            for name, value in self.cleaned_data.items()
        }
