"""Forms of the claimant's pages. They parse input only; the rules live in claims.services."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from claims.models import Bank, ClaimReason, DocumentType
from portal.uploads.forms import UploadField


class ReasonForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Sebab klaim"),
        choices=ClaimReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pilih sebab klaim."),
            "invalid_choice": _("Sebab klaim tidak dikenal. Pilih salah satu dari daftar."),
        },
    )


class DocumentForm(forms.Form):
    doc_type = forms.ChoiceField(
        label=_("Jenis dokumen"),
        choices=DocumentType.choices,
        error_messages={"invalid_choice": _("Jenis dokumen tidak dikenal.")},
    )
    file = UploadField(
        label=_("Berkas (JPG, PNG atau PDF)"),
        error_messages={
            "required": _("Pilih berkas yang akan diunggah."),
            "empty": _("Berkas kosong. Pilih berkas yang berisi foto atau PDF dokumen Anda."),
        },
    )


class BankForm(forms.Form):
    bank_code = forms.ChoiceField(
        label=_("Bank"),
        choices=[("", _("— Pilih bank —")), *Bank.choices],
        error_messages={
            "required": _("Pilih bank dari daftar."),
            "invalid_choice": _("Pilih bank dari daftar."),
        },
    )
    bank_account_number = forms.CharField(
        label=_("Nomor rekening"),
        max_length=30,
        error_messages={"required": _("Isi nomor rekening.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    bank_account_name = forms.CharField(
        label=_("Nama pemilik rekening (sesuai buku tabungan)"),
        max_length=150,
        error_messages={"required": _("Isi nama pemilik rekening sesuai buku tabungan.")},
    )
    npwp = forms.CharField(
        label=_("NPWP (wajib bila klaim di atas Rp50.000.000)"),
        max_length=25,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_bank_account_number(self) -> str:
        digits = re.sub(r"[\s.-]", "", self.cleaned_data["bank_account_number"])
        if not re.fullmatch(r"[0-9]{6,20}", digits):
            raise ValidationError(_("Nomor rekening harus 6 sampai 20 digit angka."), code="invalid")
        return digits
