"""Form fields shared by every app: one input format per kind of value (ARCHITECTURE.md rule 17).

- Rupiah: a text input (never `type=number`, which turns "3.500.000" into "3.500000"), accepting whole
  rupiah with or without thousands dots and an optional "Rp": "3500000", "3.500.000", "Rp 3.500.000".
- Dates: a text input `DD-MM-YYYY` ("17-05-1990"); "17/05/1990" and ISO "1990-05-17" are accepted too,
  so a pasted or autofilled date still works. The same formats parse dates in services that take text.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_INPUT_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"]
DATE_PLACEHOLDER = "DD-MM-YYYY"

WHOLE_RUPIAH_ERRORS = {
    "invalid": _("Tulis rupiah utuh tanpa koma atau sen, misalnya 3.500.000 atau 3500000."),
    "required": _("Wajib diisi."),
}

_GROUPED = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")


def parse_date_input(text: str) -> dt.date | None:
    """A date typed in one of `DATE_INPUT_FORMATS`, or None when it is not one."""
    value = (text or "").strip()
    for fmt in DATE_INPUT_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a calendar date, no time)
        except ValueError:
            continue
    return None


class RupiahField(forms.IntegerField):
    """Whole rupiah typed by people: "3500000", "3.500.000" or "Rp3.500.000"; no cents."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", WHOLE_RUPIAH_ERRORS)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = value.strip()
            value = value[2:] if value[:2].lower() == "rp" else value
            value = value.strip().replace(" ", "")
            # Dots only as thousands separators ("3.500.000"): "1000000.5" or "1.000,50" are not whole rupiah.
            if "." in value and not _GROUPED.fullmatch(value):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = value.replace(".", "")
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        # IntegerField adds min/max/step for a number input; on a text input they only confuse.
        for key in ("step", "min", "max"):
            attrs.pop(key, None)
        return attrs


class DateInputField(forms.DateField):
    """A calendar date typed as DD-MM-YYYY (the one date input style of the portal)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault(
            "widget", forms.DateInput(format="%d-%m-%Y", attrs={"placeholder": DATE_PLACEHOLDER})
        )
        kwargs.setdefault("help_text", _("Contoh: 17-05-1990"))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")
