"""Forms of the life-event pages. They parse input only; the rules live in lifeevents.rules."""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExitType(models.TextChoices):
    """How the work ended, as the worker states it. Only the first two qualify for JKP
    (lifeevents.rules.QUALIFYING_EXITS)."""

    PHK = "phk", _("Pemutusan hubungan kerja (PHK) oleh pemberi kerja")
    CONTRACT_EARLY = "contract_early", _("Kontrak kerja (PKWT) diakhiri sebelum tanggal berakhirnya")
    RESIGN = "resign", _("Mengundurkan diri")
    CONTRACT_END = "contract_end", _("Kontrak kerja (PKWT) berakhir pada tanggal berakhirnya")
    RETIREMENT = "retirement", _("Pensiun")
    DISABILITY = "disability", _("Cacat total tetap")
    OTHER = "other", _("Lainnya")


class PhkForm(forms.Form):
    """GET form: the PHK date and type (prefilled from the employer's report), so the page works
    without JavaScript and can be bookmarked."""

    tanggal = forms.DateField(
        label=_("Tanggal PHK (hari terakhir bekerja)"),
        help_text=_("Contoh: 17-05-2026"),
        widget=forms.DateInput(attrs={"placeholder": "DD-MM-YYYY", "autocomplete": "off"}),
        error_messages={
            "required": _("Isi tanggal PHK."),
            "invalid": _("Tulis tanggal seperti 17-05-2026."),
        },
    )
    jenis = forms.ChoiceField(
        label=_("Jenis berakhirnya hubungan kerja"),
        choices=ExitType.choices,
        error_messages={"invalid_choice": _("Jenis tidak dikenal. Pilih salah satu dari daftar.")},
    )


class ExitDisputeForm(forms.Form):
    """What the worker says is wrong in the employer's report of the exit."""

    claimed_end_date = forms.DateField(
        label=_("Tanggal berhenti yang benar"),
        required=False,
        help_text=_("Kosongkan bila tanggalnya sudah benar. Contoh: 17-05-2026"),
        widget=forms.DateInput(attrs={"placeholder": "DD-MM-YYYY", "autocomplete": "off"}),
        error_messages={"invalid": _("Tulis tanggal seperti 17-05-2026.")},
    )
    claimed_exit_type = forms.ChoiceField(
        label=_("Jenis berakhirnya hubungan kerja yang benar"),
        choices=[("", _("Jenisnya sudah benar")), *ExitType.choices],
        required=False,
    )
    description = forms.CharField(
        label=_("Penjelasan"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Jelaskan apa yang salah pada laporan pemberi kerja.")},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("claimed_end_date") and not data.get("claimed_exit_type"):
            raise forms.ValidationError(_("Isi tanggal atau jenis yang benar: salah satu harus berbeda."))
        return data
