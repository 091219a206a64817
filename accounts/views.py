"""Views of the accounts feature: activation (two steps) and the account security page.

Login, logout, password reset, TOTP and session lists are allauth's views with our templates.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.adapter import frozen_response
from accounts.code_page import RESEND_ERRORS, code_page_status
from accounts.forms import ActivationCodeForm, ActivationForm, ResendCodeForm
from accounts.models import PendingActivation
from accounts.quotas import activation_quota_hit
from accounts.security_events import account_frozen
from accounts.services import (
    ActivationError,
    account_logout_everywhere,
    activation_confirm,
    activation_resend,
    activation_start,
)

SESSION_KEY = "accounts_activation_id"


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """Step 1. Every well-formed attempt counts against the client IP and the KPJ, right or wrong."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = ActivationForm(request.POST or None)
    no_code = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not activation_quota_hit(request=request, kpj=data["kpj"]):
            form.add_error(None, _("Terlalu banyak percobaan aktivasi. Silakan coba lagi dalam satu jam."))
        else:
            try:
                activation = activation_start(
                    nik=data["nik"],
                    kpj=data["kpj"],
                    birth_date=data["birth_date"],
                    email=data["email"],
                    password=data["password1"],
                    channel=data["channel"],
                    language=translation.get_language() or "id",
                )
            except ActivationError as error:
                form.add_error(None, _RESEND_ERRORS[error.reason])
                activation = None
            if activation is None and not form.errors:
                # One answer for "no match" and "no usable contact on record": the same words, with
                # the way to assisted verification and the branch (accounts/includes/assisted_help.html).
                form.add_error(
                    None,
                    _(
                        "Data tidak dapat kami cocokkan dengan peserta yang belum punya akun online. "
                        "Periksa NIK, nomor KPJ dan tanggal lahir. Jika Anda sudah punya akun, silakan masuk."
                    ),
                )
                no_code = True
            elif activation is not None:
                request.session[SESSION_KEY] = str(activation.pk)
                return redirect("accounts:activate_code")
    return render(request, "accounts/activate.html", {"form": form, "no_code": no_code})


@require_http_methods(["GET", "POST"])
def activate_code(request: HttpRequest) -> HttpResponse:
    """Step 2. The pending activation's id lives only in the session, never in the URL."""
    activation_id = request.session.get(SESSION_KEY)
    if not activation_id:
        messages.info(request, _("Silakan mulai aktivasi akun dari awal."))
        return redirect("accounts:activate")
    form = ActivationCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = activation_confirm(
                activation_id=activation_id,
                code=form.cleaned_data["code"],
                language=translation.get_language() or "id",
            )
        except ActivationError as error:
            if error.reason == "invalid":
                form.add_error("code", _("Kode salah. Periksa email atau SMS Anda lalu coba lagi."))
            else:
                request.session.pop(SESSION_KEY, None)
                if error.reason == "expired":
                    messages.error(request, _("Kode sudah kedaluwarsa. Silakan ulangi aktivasi."))
                else:
                    messages.error(request, _("Kode sudah tidak berlaku. Silakan ulangi aktivasi."))
                return redirect("accounts:activate")
        else:
            request.session.pop(SESSION_KEY, None)
            if account_frozen(user=user):
                return frozen_response(request, user)
            login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
            messages.success(request, _("Akun online Anda sudah aktif. Selamat datang!"))
            return redirect(resolve_url(settings.LOGIN_REDIRECT_URL))
    minutes = settings.ACTIVATION_CODE_TTL // 60
    pending = PendingActivation.objects.filter(pk=activation_id).first()
    status = code_page_status(pending, email=pending.contact_email if pending else None)
    context = {"form": form, "minutes": minutes, **status}
    return render(request, "accounts/activate_code.html", context)


# Lazy: evaluated per request, in the visitor's language (not once at import).
_RESEND_ERRORS = {
    **RESEND_ERRORS,
    "limit": gettext_lazy(
        "Batas pengiriman kode untuk aktivasi ini sudah tercapai. Silakan ulangi aktivasi nanti."
    ),
    "no_phone": gettext_lazy("Tidak ada nomor HP yang tercatat untuk KPJ Anda. Gunakan email."),
    "no_email": gettext_lazy("Tidak ada email yang tercatat untuk KPJ Anda. Gunakan SMS."),
}


@require_GET
def activate_help(request: HttpRequest) -> HttpResponse:
    """No usable contact on record, or the visitor no longer has it: assisted verification (online,
    when the identity-verification app is installed) or a visit to a branch."""
    return render(request, "accounts/activate_help.html")


@require_POST
def activate_resend(request: HttpRequest) -> HttpResponse:
    """A new code by email or SMS. Rate-limited per client IP and per KPJ (account), and per phone
    by the service; the cool-down between codes is enforced by the service."""
    activation_id = request.session.get(SESSION_KEY)
    if not activation_id:
        messages.info(request, _("Silakan mulai aktivasi akun dari awal."))
        return redirect("accounts:activate")
    form = ResendCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih email atau SMS."))
        return redirect("accounts:activate_code")
    kpj = (
        PendingActivation.objects.filter(pk=activation_id).values_list("participant__kpj", flat=True).first()
        or "unknown"
    )
    if not activation_quota_hit(request=request, kpj=kpj):
        messages.error(request, _("Terlalu banyak percobaan aktivasi. Silakan coba lagi dalam satu jam."))
        return redirect("accounts:activate_code")
    try:
        activation_resend(
            activation_id=activation_id,
            channel=form.cleaned_data["channel"],
            language=translation.get_language() or "id",
        )
    except ActivationError as error:
        if error.reason == "void":
            request.session.pop(SESSION_KEY, None)
            messages.error(request, _("Kode sudah tidak berlaku. Silakan ulangi aktivasi."))
            return redirect("accounts:activate")
        messages.error(request, _RESEND_ERRORS[error.reason])
    else:
        messages.success(request, _("Kode baru sudah dikirim. Kode sebelumnya tidak berlaku lagi."))
    return redirect("accounts:activate_code")


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """Account and security overview: password, two-step verification, sessions."""
    return render(request, "accounts/security.html")


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the user, on all devices, this one included."""
    account_logout_everywhere(user=request.user)  # type: ignore[arg-type]
    logout(request)
    messages.success(request, _("Anda sudah keluar dari semua perangkat."))
    return redirect("account_login")
