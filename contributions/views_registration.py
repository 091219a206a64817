"""Pages of BPU self-registration (public) and of the declared-income change (participant).

Registration is two steps: the form (rate-limited per client, per (NIK, client) and per (email,
client) under a ceiling per NIK and per email, accounts.quotas; each accepted submission queues a code
by email in the notification outbox), then the code with the new password.
The code page is account activation's (`accounts.code_page`): where the code went, attempts left, the
cool-down before a new code, a new code by email or SMS (same rate limits as the form, plus per phone).
The pending registration's id lives only in the session, never in the URL; the NIK is never in a URL
or a log line.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.code_page import RESEND_ERRORS, code_page_status
from accounts.codes import code_ttl_seconds
from accounts.forms import ResendCodeForm
from accounts.quotas import quota_hit
from contributions.declarations import (
    DeclarationError,
    bpu_declaration_change,
    declarations_of_participant,
    next_unbilled_period,
)
from contributions.forms_registration import BpuRegistrationForm, DeclarationChangeForm, RegistrationCodeForm
from contributions.models import BpuProfile, PendingBpuRegistration
from contributions.registration import (
    RegistrationError,
    RegistrationInvalid,
    bpu_registration_code_wrong,
    bpu_registration_confirm,
    bpu_registration_resend,
    bpu_registration_start,
)
from participants.models import Category
from participants.nik import nik_index
from participants.views.access import owned_participant, request_user

SESSION_KEY = "contributions_bpu_registration_id"
_HOUR = 60 * 60


def _allowed(request: HttpRequest, *, index: str, email: str) -> bool:
    """Count one code sending for the NIK (by its blind index) and for the email, each per client, per
    (subject, client) and under a high per-subject ceiling (accounts.quotas): a stranger typing the
    owner's NIK or email uses up only the stranger's quota, never the owner's."""
    email_key = hashlib.sha256(email.encode()).hexdigest()[:32]
    return all(
        quota_hit(
            request=request,
            scope=f"bpu-register:{kind}",
            subject=subject,
            per_client=settings.ACTIVATION_RATE_PER_IP,
            per_subject_client=settings.ACTIVATION_RATE_PER_KPJ,
            ceiling=settings.ACTIVATION_RATE_PER_KPJ_CEILING,
        )
        for kind, subject in (("nik", index), ("email", email_key))
    )


def _language() -> str:
    return translation.get_language() or "id"


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Step 1: the registration form. A valid, allowed submission stores it and queues a code."""
    if request.user.is_authenticated:
        messages.info(request, _("Anda sudah masuk. Pendaftaran BPU baru hanya untuk yang belum punya KPJ."))
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = BpuRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not _allowed(request, index=nik_index(data["nik"]), email=data["email"]):
            form.add_error(None, _("Terlalu banyak permintaan kode. Silakan coba lagi dalam satu jam."))
        else:
            try:
                pending = bpu_registration_start(
                    nik=data["nik"],
                    full_name=data["full_name"],
                    birth_date=data["birth_date"],
                    sex=data["sex"],
                    address=data["address"],
                    phone=data["phone"],
                    email=data["email"],
                    work_type=data["work_type"],
                    declared_income_idr=data["declared_income_idr"],
                    with_jht=data["with_jht"],
                    branch=data["branch"],
                    language=_language(),
                )
            except RegistrationInvalid as exc:
                form.add_error(None, str(exc))
            else:
                request.session[SESSION_KEY] = str(pending.pk)
                return redirect("registration:bpu_code")
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "contributions/register.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def register_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code and a password. Right code: the KPJ and account exist, the person is logged in
    and lands on "bayar iuran". A NIK that already has a KPJ never got a code: its pending row answers
    like any wrong code (contributions/registration.py)."""
    registration_id = request.session.get(SESSION_KEY)
    if not registration_id:
        messages.info(request, _("Silakan isi formulir pendaftaran dari awal."))
        return redirect("registration:bpu")
    form = RegistrationCodeForm(request.POST or None)
    # Every error at once: a wrong code is reported with the password errors, not on the next try.
    if (
        request.method == "POST"
        and not form.is_valid()
        and "code" in form.cleaned_data
        and bpu_registration_code_wrong(registration_id=registration_id, code=form.cleaned_data["code"])
    ):
        form.add_error("code", _("Kode salah. Periksa email atau SMS Anda lalu coba lagi."))
    if request.method == "POST" and form.is_valid():
        try:
            registered = bpu_registration_confirm(
                registration_id=registration_id,
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password1"],
            )
        except RegistrationError as error:
            if error.reason == "invalid":
                form.add_error("code", _("Kode salah. Periksa email atau SMS Anda lalu coba lagi."))
            else:
                request.session.pop(SESSION_KEY, None)
                if error.reason == "expired":
                    messages.error(
                        request, _("Kode sudah kedaluwarsa. Silakan isi formulir pendaftaran lagi.")
                    )
                else:
                    messages.error(
                        request, _("Kode sudah tidak berlaku. Silakan isi formulir pendaftaran lagi.")
                    )
                return redirect("registration:bpu")
        else:
            request.session.pop(SESSION_KEY, None)
            login(request, registered.user, backend="allauth.account.auth_backends.AuthenticationBackend")
            messages.success(
                request,
                _("Pendaftaran berhasil. Nomor KPJ Anda %(kpj)s. Bayar iuran pertama agar Anda terlindungi.")
                % {"kpj": registered.participant.kpj},
            )
            return redirect("contributions:pay", public_id=registered.participant.public_id)
    context = {
        "form": form,
        "minutes": code_ttl_seconds() // 60,
        **code_page_status(PendingBpuRegistration.objects.filter(pk=registration_id).first()),
    }
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "contributions/register_code.html", context, status=status)


# Lazy: evaluated per request, in the visitor's language (not once at import).
_RESEND_ERRORS = {
    **RESEND_ERRORS,
    "limit": gettext_lazy(
        "Batas pengiriman kode untuk pendaftaran ini sudah tercapai. "
        "Silakan isi formulir pendaftaran lagi nanti."
    ),
    "no_phone": gettext_lazy("Nomor HP yang Anda isi tidak dapat menerima SMS. Gunakan email."),
}


@never_cache
@require_POST
def register_resend(request: HttpRequest) -> HttpResponse:
    """A new code by email or by SMS to the phone given in the form. Counted like a form submission
    (per client IP, per NIK, per email) and per phone by the service; the cool-down between codes and
    the number of codes are enforced by the service."""
    registration_id = request.session.get(SESSION_KEY)
    if not registration_id:
        messages.info(request, _("Silakan isi formulir pendaftaran dari awal."))
        return redirect("registration:bpu")
    form = ResendCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih email atau SMS."))
        return redirect("registration:bpu_code")
    row = PendingBpuRegistration.objects.filter(pk=registration_id).values("nik_index", "email").first()
    if row is not None and not _allowed(request, index=row["nik_index"], email=row["email"]):
        messages.error(request, _("Terlalu banyak permintaan kode. Silakan coba lagi dalam satu jam."))
        return redirect("registration:bpu_code")
    try:
        bpu_registration_resend(
            registration_id=registration_id, channel=form.cleaned_data["channel"], language=_language()
        )
    except RegistrationError as error:
        if error.reason in _RESEND_ERRORS:
            messages.error(request, _RESEND_ERRORS[error.reason])
            return redirect("registration:bpu_code")
        request.session.pop(SESSION_KEY, None)
        messages.error(request, _("Kode sudah tidak berlaku. Silakan isi formulir pendaftaran lagi."))
        return redirect("registration:bpu")
    messages.success(request, _("Kode baru sudah dikirim. Kode sebelumnya tidak berlaku lagi."))
    return redirect("registration:bpu_code")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def declaration_change(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Change declared income / JHT for future months; shows from which month and the history."""
    user = request_user(request)
    participant = owned_participant(request, public_id)
    if participant.category != Category.BPU:
        return TemplateResponse(
            request,
            "contributions/declaration.html",
            {
                "participant": participant,
                "error": _("Perubahan penghasilan hanya untuk peserta Bukan Penerima Upah (BPU)."),
            },
            status=200 if request.method == "GET" else 400,
        )
    profile = BpuProfile.objects.filter(participant=participant).first()
    initial = (
        {"declared_income_idr": profile.declared_income_idr, "with_jht": profile.with_jht} if profile else {}
    )
    form = DeclarationChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            declaration = bpu_declaration_change(
                user=user,
                participant_public_id=participant.public_id,
                declared_income_idr=form.cleaned_data["declared_income_idr"],
                with_jht=form.cleaned_data["with_jht"],
            )
        except DeclarationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Perubahan tersimpan dan berlaku mulai iuran bulan %(month)s.")
                % {"month": declaration.effective_from.strftime("%m/%Y")},
            )
            return redirect("contributions:declaration", public_id=participant.public_id)
    try:
        effective = next_unbilled_period(participant.pk)
    except DeclarationError:
        effective = None
    context = {
        "participant": participant,
        "profile": profile,
        "form": form,
        "effective": effective,
        "history": declarations_of_participant(participant=participant),
    }
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "contributions/declaration.html", context, status=status)
