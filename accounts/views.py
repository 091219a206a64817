"""Views of the accounts feature: activation (two steps) and the account security page.

Login, logout, password reset, TOTP and session lists are allauth's views with our templates.
"""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import ActivationCodeForm, ActivationForm, ResendCodeForm
from accounts.models import PendingActivation
from accounts.ratelimit import ratelimit_hit
from accounts.services import (
    ActivationError,
    account_logout_everywhere,
    activation_confirm,
    activation_resend,
    activation_start,
    resend_available_at,
)
from portal.masking import mask_personal_numbers

SESSION_KEY = "accounts_activation_id"
_HOUR = 60 * 60


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """Step 1. Every well-formed attempt counts against the client IP and the KPJ, right or wrong."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ip = get_client_ip_address(request) or "unknown"
        allowed_ip = ratelimit_hit(
            key=f"activate:ip:{ip}", limit=settings.ACTIVATION_RATE_PER_IP, window_seconds=_HOUR
        )
        allowed_kpj = ratelimit_hit(
            key=f"activate:kpj:{data['kpj']}", limit=settings.ACTIVATION_RATE_PER_KPJ, window_seconds=_HOUR
        )
        if not (allowed_ip and allowed_kpj):
            form.add_error(None, _("Terlalu banyak percobaan aktivasi. Silakan coba lagi dalam satu jam."))
        else:
            activation = activation_start(
                nik=data["nik"],
                kpj=data["kpj"],
                birth_date=data["birth_date"],
                email=data["email"],
                password=data["password1"],
                channel=data["channel"],
                language=translation.get_language() or "id",
            )
            if activation is None:
                form.add_error(
                    None,
                    _(
                        "Data tidak dapat kami cocokkan dengan peserta yang belum punya akun online. "
                        "Periksa NIK, nomor KPJ dan tanggal lahir. Jika Anda sudah punya akun, silakan masuk."
                    ),
                )
            else:
                request.session[SESSION_KEY] = str(activation.pk)
                return redirect("accounts:activate_code")
    return render(request, "accounts/activate.html", {"form": form})


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
            user = activation_confirm(activation_id=activation_id, code=form.cleaned_data["code"])
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
            login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
            messages.success(request, _("Akun online Anda sudah aktif. Selamat datang!"))
            return redirect(resolve_url(settings.LOGIN_REDIRECT_URL))
    minutes = settings.ACTIVATION_CODE_TTL // 60
    context = {"form": form, "minutes": minutes, **_code_status(activation_id)}
    return render(request, "accounts/activate_code.html", context)


def _mask_email(email: str) -> str:
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def _code_status(activation_id: str) -> dict[str, object]:
    """What the code page shows: where the code went, attempts left, when a new code can be asked.
    The pending activation's id comes from the visitor's own session only."""
    activation = PendingActivation.objects.filter(pk=activation_id).first()
    if activation is None:
        return {}
    now = timezone.now()
    available_at = resend_available_at(activation)
    return {
        "channel": activation.channel,
        "destination": mask_personal_numbers("0" + activation.phone[2:])
        if activation.channel == "sms"
        else _mask_email(activation.email),
        "can_sms": bool(activation.phone),
        "attempts_left": max(0, settings.ACTIVATION_CODE_MAX_ATTEMPTS - activation.attempts),
        "resend_at": available_at,
        "resend_wait": max(0, int((available_at - now).total_seconds())),
        "sends_left": max(0, settings.ACTIVATION_MAX_SENDS - activation.sends),
        "expires_at": activation.expires_at,
    }


_RESEND_ERRORS = {
    "cooldown": _("Tunggu sebentar sebelum meminta kode baru."),
    "limit": _("Batas pengiriman kode untuk aktivasi ini sudah tercapai. Silakan ulangi aktivasi nanti."),
    "no_phone": _("Tidak ada nomor HP yang tercatat untuk KPJ Anda. Gunakan email."),
    "rate_limited": _(
        "Terlalu banyak kode dikirim ke nomor ini. Coba lagi dalam satu jam atau gunakan email."
    ),
}


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
    ip = get_client_ip_address(request) or "unknown"
    kpj = (
        PendingActivation.objects.filter(pk=activation_id).values_list("participant__kpj", flat=True).first()
        or "unknown"
    )
    allowed_ip = ratelimit_hit(
        key=f"activate:ip:{ip}", limit=settings.ACTIVATION_RATE_PER_IP, window_seconds=_HOUR
    )
    allowed_kpj = ratelimit_hit(
        key=f"activate:kpj:{kpj}", limit=settings.ACTIVATION_RATE_PER_KPJ, window_seconds=_HOUR
    )
    if not (allowed_ip and allowed_kpj):
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
