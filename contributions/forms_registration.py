"""Forms of BPU self-registration and of the declared-income change. Indonesian first."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import check_new_passwords, new_password_field, repeat_password_field
from contributions.forms import _WHOLE_RUPIAH, RupiahField
from contributions.models import WorkType
from participants.models import Branch, Sex
from participants.nik import normalize_nik
from portal.forms import DATE_INPUT_FORMATS

BIRTH_DATE_FORMATS = DATE_INPUT_FORMATS
INCOME_MIN_IDR = 1_000_000  # the form's first line of defence; the service checks the rate table in force
INCOME_MAX_IDR = 20_700_000
_MOBILE = re.compile(r"(?:\+62|62|0)(8[0-9]{7,11})")


class _NoColonLabels:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def income_field(label: str | Any) -> RupiahField:
    return RupiahField(
        label=label,
        min_value=INCOME_MIN_IDR,
        max_value=INCOME_MAX_IDR,
        help_text=_("Rupiah utuh, antara Rp1.000.000 dan Rp20.700.000. Contoh: 3.500.000"),
        error_messages={
            **_WHOLE_RUPIAH,
            "min_value": _("Penghasilan paling sedikit Rp1.000.000."),
            "max_value": _("Penghasilan paling banyak Rp20.700.000."),
        },
    )


class BpuRegistrationForm(_NoColonLabels, forms.Form):
    """Step 1: who you are, what you do and earn, which programmes, which branch."""

    nik = forms.CharField(
        label=_("NIK (nomor KTP)"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label=_("Nama lengkap (sesuai KTP)"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    birth_date = forms.DateField(
        label=_("Tanggal lahir"),
        input_formats=BIRTH_DATE_FORMATS,
        help_text=_("Contoh: 17-05-1990"),
        widget=forms.DateInput(attrs={"autocomplete": "bday", "placeholder": "DD-MM-YYYY"}),
        error_messages={"invalid": _("Tulis tanggal lahir seperti 17-05-1990.")},
    )
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Sex.choices, widget=forms.RadioSelect)
    address = forms.CharField(
        label=_("Alamat"), max_length=255, widget=forms.TextInput(attrs={"autocomplete": "street-address"})
    )
    phone = forms.CharField(
        label=_("Nomor HP"),
        max_length=20,
        help_text=_("Contoh: 081234567890"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("Kode konfirmasi dikirim ke email ini."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    work_type = forms.ChoiceField(
        label=_("Jenis pekerjaan"),
        choices=[("", _("Pilih jenis pekerjaan")), *WorkType.choices],
        error_messages={"invalid_choice": _("Pilih jenis pekerjaan dari daftar.")},
    )
    declared_income_idr = income_field(_("Penghasilan per bulan (Rp)"))
    with_jkk = forms.BooleanField(
        label=_("Jaminan Kecelakaan Kerja (JKK) — wajib"),
        initial=True,
        error_messages={"required": _("JKK dan JKM wajib diikuti.")},
    )
    with_jkm = forms.BooleanField(
        label=_("Jaminan Kematian (JKM) — wajib"),
        initial=True,
        error_messages={"required": _("JKK dan JKM wajib diikuti.")},
    )
    with_jht = forms.BooleanField(label=_("Jaminan Hari Tua (JHT) — pilihan, 2% penghasilan"), required=False)
    branch = forms.ModelChoiceField(
        label=_("Kantor cabang"),
        queryset=Branch.objects.order_by("name"),
        empty_label=_("Pilih kantor cabang terdekat"),
        error_messages={"invalid_choice": _("Pilih kantor cabang dari daftar.")},
    )

    def clean_nik(self) -> str:
        value = normalize_nik(self.cleaned_data["nik"])
        if len(value) != 16 or not value.isdigit():
            raise forms.ValidationError(_("NIK harus 16 digit angka."), code="invalid")
        return value

    def clean_full_name(self) -> str:
        value = " ".join(self.cleaned_data["full_name"].split())
        if len(value) < 2 or any(ch.isdigit() for ch in value):
            raise forms.ValidationError(_("Tulis nama lengkap sesuai KTP, tanpa angka."), code="invalid")
        return value

    def clean_birth_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["birth_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Tanggal lahir tidak boleh di masa depan."), code="future")
        return value

    def clean_phone(self) -> str:
        raw = re.sub(r"[\s.\-()]", "", self.cleaned_data["phone"])
        match = _MOBILE.fullmatch(raw)
        if match is None:
            raise forms.ValidationError(_("Tulis nomor HP Indonesia, misalnya 081234567890."), code="invalid")
        return "0" + match.group(1)

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class RegistrationCodeForm(_NoColonLabels, forms.Form):
    """Step 2: the emailed code and the password of the new online account."""

    code = forms.CharField(
        label=_("Kode konfirmasi"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )
    password1 = new_password_field()
    password2 = repeat_password_field()

    def clean_code(self) -> str:
        value = "".join(self.cleaned_data["code"].split())
        if not value.isdigit():
            raise forms.ValidationError(_("Kode terdiri dari 6 angka."), code="invalid")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_new_passwords(self, cleaned)
        return cleaned


class DeclarationChangeForm(_NoColonLabels, forms.Form):
    """Change the declared income and the JHT option for future months."""

    declared_income_idr = income_field(_("Penghasilan per bulan (Rp)"))
    with_jht = forms.BooleanField(label=_("Ikut Jaminan Hari Tua (JHT), 2% penghasilan"), required=False)
