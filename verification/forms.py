"""Forms of assisted verification: step 1 (who you are), step 2 (contacts, photos, questions, consent),
withdrawal, the password after approval, and the staff steps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import (
    ActivationForm,
    _NoColonLabels,
    check_new_passwords,
    new_password_field,
    repeat_password_field,
)
from portal.phones import normalize_msisdn
from portal.uploads.forms import UploadField
from portal.uploads.services import PreparedUpload
from portal.uploads.validation import KIND_JPEG, KIND_PNG
from verification.consent import CURRENT, consent_text
from verification.models import ConsentPurpose, RejectReason
from verification.questions import employer_choices, year_choices


class IdentityForm(ActivationForm):
    """Step 1: NIK, KPJ and date of birth, checked like activation's (the same fields and messages)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("email", "channel", "password1", "password2"):
            del self.fields[name]

    def clean(self) -> dict[str, Any]:
        return forms.Form.clean(self) or {}


def _photo_field(label: Any, help_text: Any) -> UploadField:
    # The size limit is set per form (RequestForm.__init__), from the settings of the moment.
    return UploadField(
        label=label,
        help_text=help_text,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "user"}),
    )


class RequestForm(_NoColonLabels, forms.Form):
    """Step 2. The employer options come from `questions.employer_options` for the typed KPJ."""

    email = forms.EmailField(
        label=_("Email yang ingin Anda pakai"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Status permintaan dan tautan aktivasi dikirim ke email ini."),
    )
    phone = forms.CharField(
        label=_("Nomor HP (tidak wajib)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "08xx"}),
    )
    ktp = _photo_field(
        _("Foto KTP"), _("Foto KTP asli, seluruh kartu terlihat dan tulisan terbaca. JPG atau PNG.")
    )
    selfie = _photo_field(
        _("Swafoto sambil memegang KTP"), _("Wajah dan KTP terlihat jelas dalam satu foto. JPG atau PNG.")
    )
    last_employer = forms.ChoiceField(label=_("Siapa pemberi kerja terakhir Anda?"), widget=forms.RadioSelect)
    first_year = forms.ChoiceField(label=_("Tahun berapa iuran pertama Anda tercatat?"))
    consent_identity = forms.BooleanField(
        required=True,
        error_messages={"required": _("Persetujuan ini wajib agar kami dapat memeriksa identitas Anda.")},
    )
    consent_face_match = forms.BooleanField(required=False)

    def __init__(self, *args: Any, employer_options: list[str], today: dt.date | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in ("ktp", "selfie"):
            self.fields[name].max_bytes = settings.VERIFICATION_PHOTO_MAX_BYTES  # type: ignore[attr-defined]
        self.fields["last_employer"].choices = employer_choices(employer_options)  # type: ignore[attr-defined]
        self.fields["first_year"].choices = year_choices(today or timezone.localdate())  # type: ignore[attr-defined]
        self.fields["consent_identity"].label = consent_text(CURRENT[ConsentPurpose.IDENTITY_CHECK])
        self.fields["consent_face_match"].label = (
            consent_text(CURRENT[ConsentPurpose.FACE_MATCH]) + " " + str(_("(tidak wajib)"))
        )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "").strip()
        if not raw:
            return ""
        number = normalize_msisdn(raw)
        if number is None:
            raise forms.ValidationError(_("Nomor HP tidak dikenali. Contoh: 081234567890."), code="invalid")
        return number

    def _photo(self, name: str) -> PreparedUpload:
        prepared: PreparedUpload = self.cleaned_data[name]
        if prepared.file.kind not in (KIND_JPEG, KIND_PNG):
            raise forms.ValidationError(_("Unggah foto berformat JPG atau PNG, bukan PDF."), code="not_photo")
        return prepared

    def clean_ktp(self) -> PreparedUpload:
        return self._photo("ktp")

    def clean_selfie(self) -> PreparedUpload:
        return self._photo("selfie")


class ActivatePasswordForm(_NoColonLabels, forms.Form):
    password1 = new_password_field()
    password2 = repeat_password_field()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_new_passwords(self, cleaned)
        return cleaned


class ScheduleCallForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Waktu panggilan video"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    link = forms.URLField(label=_("Tautan panggilan video"), max_length=200, assume_scheme="https")


class RecordCallForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan panggilan (apa yang dicocokkan)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan (tidak wajib)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Alasan penolakan (ditampilkan kepada peserta)"), choices=RejectReason.choices
    )
    note = forms.CharField(
        label=_("Catatan internal (tidak wajib)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
