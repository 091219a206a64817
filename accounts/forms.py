"""Forms of the accounts feature: login by email/NIK/KPJ, activation, activation code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.forms import LoginForm
from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.selectors import account_email_for_login

BIRTH_DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


def new_password_field() -> forms.CharField:
    """The new password of an online account (activation, BPU registration)."""
    return forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minimal 10 karakter, jangan hanya angka."),
    )


def repeat_password_field() -> forms.CharField:
    return forms.CharField(
        label=_("Ulangi kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def check_new_passwords(form: forms.Form, cleaned: dict[str, Any]) -> None:
    """Both entries equal and the password validators satisfied; errors go on the form's fields, all
    at once (a short password that is also mistyped gets both messages, not one per try)."""
    password1, password2 = cleaned.get("password1"), cleaned.get("password2")
    if password1 and password2 and password1 != password2:
        form.add_error("password2", _("Kedua kata sandi tidak sama."))
    if password1:
        try:
            password_validation.validate_password(password1)
        except forms.ValidationError as error:
            form.add_error("password1", error)


class _NoColonLabels:
    """Labels read "Email", not "Email:" (the portal's style, and what screen readers announce)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PortalLoginForm(_NoColonLabels, LoginForm):
    """allauth's login form whose `login` field takes an email, a NIK or a KPJ.

    The identifier is resolved to the account's email before allauth authenticates, so everything
    downstream (allauth rate limits, the login throttle, MFA stage, usersessions) sees one account key.
    Unknown identifiers resolve to a placeholder email and still run one password hash (allauth's
    backend mitigates timing), and every failure shows the same message.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"] = forms.CharField(
            label=_("Email, NIK atau nomor KPJ"),
            max_length=254,
            widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
        )
        self.fields["password"].label = _("Kata sandi")
        self._resolved: dict[str, str] = {}

    def user_credentials(self) -> dict[str, Any]:
        login = self.cleaned_data["login"]
        if login not in self._resolved:
            self._resolved[login] = account_email_for_login(login=login)
        return {"email": self._resolved[login], "password": self.cleaned_data["password"]}


CODE_CHANNELS = [("email", _("Email")), ("sms", _("SMS ke nomor HP yang tercatat"))]


class ActivationForm(_NoColonLabels, forms.Form):
    """Step 1: who you are (NIK + KPJ + date of birth), where to send the code, and a password."""

    nik = forms.CharField(
        label=_("NIK (nomor KTP)"),
        min_length=16,
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kpj = forms.CharField(
        label=_("Nomor KPJ"),
        min_length=11,
        max_length=11,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = forms.DateField(
        label=_("Tanggal lahir"),
        input_formats=BIRTH_DATE_FORMATS,
        help_text=_("Contoh: 17-05-1990"),
        widget=forms.DateInput(attrs={"autocomplete": "bday", "placeholder": "DD-MM-YYYY"}),
    )
    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    channel = forms.ChoiceField(
        label=_("Kirim kode lewat"),
        choices=CODE_CHANNELS,
        initial="email",
        required=False,
        help_text=_("SMS dikirim ke nomor HP yang tercatat untuk KPJ Anda."),
    )
    password1 = new_password_field()
    password2 = repeat_password_field()

    def clean_nik(self) -> str:
        value = "".join(self.cleaned_data["nik"].split())
        if not value.isdigit():
            raise forms.ValidationError(_("NIK harus 16 digit angka."), code="invalid")
        return value

    def clean_kpj(self) -> str:
        value = "".join(self.cleaned_data["kpj"].split())
        if not value.isdigit():
            raise forms.ValidationError(_("Nomor KPJ harus 11 digit angka."), code="invalid")
        return value

    def clean_birth_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["birth_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Tanggal lahir tidak boleh di masa depan."), code="future")
        return value

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean_channel(self) -> str:
        return self.cleaned_data.get("channel") or "email"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_new_passwords(self, cleaned)
        return cleaned


class ActivationCodeForm(_NoColonLabels, forms.Form):
    """Step 2: the 6-digit code from the email."""

    code = forms.CharField(
        label=_("Kode aktivasi"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )

    def clean_code(self) -> str:
        value = "".join(self.cleaned_data["code"].split())
        if not value.isdigit():
            raise forms.ValidationError(_("Kode terdiri dari 6 angka."), code="invalid")
        return value


class ResendCodeForm(forms.Form):
    """Ask for a new code, by email or by SMS."""

    channel = forms.ChoiceField(choices=CODE_CHANNELS)


class UnlockRequestForm(_NoColonLabels, forms.Form):
    """ "Akun terkunci?": the login (email, NIK or KPJ) whose throttle the code should clear."""

    login = forms.CharField(
        label=_("Email, NIK atau nomor KPJ"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )


class UnlockCodeForm(ActivationCodeForm):
    """The 6-digit unlock code (the activation code's field and checks)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Kode buka kunci")
