"""Views of assisted verification: the two-step request, the uniform "received" page, the status page
behind a signed link (with withdrawal of consent), and the activation link after approval.

Step 1's identity lives only in the session, the NIK only as its blind index; nothing in a URL.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.ratelimit import client_ip, ratelimit_hit
from participants.nik import nik_index
from portal.uploads.middleware import limit_request_body
from verification.activation import activation_request_for_token, assisted_activation_complete
from verification.consent import consent_text
from verification.errors import VerificationError
from verification.forms import ActivatePasswordForm, IdentityForm, RequestForm
from verification.links import request_id_from_status_token
from verification.questions import employer_options_for_kpj
from verification.selectors import verification_request_for_status
from verification.services import Submission, verification_consent_withdraw, verification_request_submit

SESSION_KEY = "verification_identity"
_DAY = 24 * 60 * 60


def _client(request: HttpRequest) -> str:
    return client_ip(request)


def _allowed(request: HttpRequest, kpj: str) -> bool:
    """Count one attempt per client, per (KPJ, client) and per KPJ overall, right or wrong data alike
    (no oracle). The KPJ's own quota is per client, so a stranger cannot use up the owner's; the
    overall ceiling per KPJ is high and only stops a distributed flood."""
    client = _client(request)
    checks = [
        (f"verification:ip:{client}", settings.VERIFICATION_RATE_PER_IP),
        (f"verification:kpj:{kpj}:{client}", settings.VERIFICATION_RATE_PER_KPJ),
        (f"verification:kpj:{kpj}", settings.VERIFICATION_RATE_PER_KPJ_CEILING),
    ]
    results = [ratelimit_hit(key=key, limit=limit, window_seconds=_DAY) for key, limit in checks]
    return all(results)


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Step 1: NIK, KPJ and date of birth. Every well-formed attempt counts against the limits."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = IdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not _allowed(request, data["kpj"]):
            form.add_error(None, _("Terlalu banyak permintaan verifikasi. Silakan coba lagi besok."))
        else:
            request.session[SESSION_KEY] = {
                "kpj": data["kpj"],
                "nik_index": nik_index(data["nik"]),
                "birth_date": data["birth_date"].isoformat(),
            }
            return redirect("verification:details")
    return render(request, "verification/start.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
@limit_request_body(2 * 8 * 1024 * 1024)  # two photos; the fields' own limit is checked after
def details(request: HttpRequest) -> HttpResponse:
    """Step 2: contacts, the two photos, the two questions and the consent. An invalid form saves
    nothing (uploads are checked in memory); a valid one is stored and answered the same way whether
    or not the identity matched."""
    identity = request.session.get(SESSION_KEY)
    if not identity:
        messages.info(request, _("Silakan mulai permintaan verifikasi dari awal."))
        return redirect("verification:start")
    kpj = identity["kpj"]
    options = employer_options_for_kpj(kpj)
    form = RequestForm(request.POST or None, request.FILES or None, employer_options=options)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not ratelimit_hit(
            key=f"verification:submit:ip:{_client(request)}",
            limit=settings.VERIFICATION_RATE_PER_IP,
            window_seconds=_DAY,
        ):
            form.add_error(None, _("Terlalu banyak permintaan verifikasi. Silakan coba lagi besok."))
        else:
            verification_request_submit(
                submission=Submission(
                    kpj=kpj,
                    nik_index=identity["nik_index"],
                    birth_date=dt.date.fromisoformat(identity["birth_date"]),
                    email=data["email"],
                    phone=data["phone"],
                    ktp=data["ktp"],
                    selfie=data["selfie"],
                    employer_answer=data["last_employer"],
                    first_year_answer=data["first_year"],
                    face_match_consent=data["consent_face_match"],
                    language=translation.get_language() or "id",
                )
            )
            request.session.pop(SESSION_KEY, None)
            return redirect("verification:received")
    return render(request, "verification/details.html", {"form": form}, status=400 if form.is_bound else 200)


@require_http_methods(["GET"])
def received(request: HttpRequest) -> HttpResponse:
    """The one answer to every stored request."""
    return render(request, "verification/received.html")


def _request_from_token(token: str) -> uuid.UUID:
    request_id = request_id_from_status_token(token)
    if request_id is None:
        raise Http404
    return request_id


@never_cache
@require_http_methods(["GET"])
def status(request: HttpRequest, token: str) -> HttpResponse:
    """The request's status for whoever holds the link sent to the contact given; a forged or expired
    link is a 404."""
    item = verification_request_for_status(request_id=_request_from_token(token))
    if item is None:
        raise Http404
    consents = [{"consent": c, "text": consent_text(c.text_version)} for c in item.consents.all()]
    context = {"item": item, "token": token, "consents": consents}
    response = render(request, "verification/status.html", context)
    # The link is the key: never sent to another site. (Not "no-referrer": the browser would then send
    # `Origin: null` with the withdrawal form, which the CSRF check refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


@require_POST
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """Withdraw consent: the images are deleted now and an open request is closed. Safe to repeat."""
    request_id = _request_from_token(token)
    try:
        verification_consent_withdraw(request_id=request_id)
    except VerificationError:
        raise Http404 from None
    messages.success(request, _("Persetujuan Anda sudah ditarik. Foto KTP dan swafoto sudah dihapus."))
    return redirect("verification:status", token=token)


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest, token: str) -> HttpResponse:
    """After approval: choose a password; the account is created and the person lands on /peserta/."""
    pending = activation_request_for_token(token)
    if pending is None:
        return render(request, "verification/activate_invalid.html", status=404)
    form = ActivatePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = assisted_activation_complete(token=token, password=form.cleaned_data["password1"])
        except VerificationError:
            return render(request, "verification/activate_invalid.html", status=404)
        if not result.new_account:
            messages.info(
                request, _("KPJ Anda sudah ditautkan ke akun yang memakai email ini. Silakan masuk.")
            )
            return redirect("account_login")
        login(request, result.user, backend="allauth.account.auth_backends.AuthenticationBackend")
        messages.success(request, _("Akun online Anda sudah aktif. Selamat datang!"))
        return redirect(settings.LOGIN_REDIRECT_URL)
    context = {"form": form, "email": pending.email}
    response = render(request, "verification/activate.html", context)
    response["Referrer-Policy"] = "same-origin"  # as on the status page
    return response
