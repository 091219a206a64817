"""The unlock pages: "Akun terkunci? Kirim kode buka kunci", then the code (accounts.unlock).

The first page answers every well-formed request alike, whether the login is known or not; the
pending unlock's token lives only in the session, never in a URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.devices import device_remember
from accounts.forms import UnlockCodeForm, UnlockRequestForm
from accounts.quotas import unlock_quota_hit
from accounts.unlock import UnlockError, unlock_account_for, unlock_confirm, unlock_request

SESSION_KEY = "accounts_unlock_token"


@require_http_methods(["GET", "POST"])
def unlock(request: HttpRequest) -> HttpResponse:
    form = UnlockRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = unlock_account_for(login=form.cleaned_data["login"])
        if not unlock_quota_hit(request=request, account=account):
            form.add_error(
                None, _("Terlalu banyak permintaan kode buka kunci. Silakan coba lagi dalam satu jam.")
            )
        else:
            request.session[SESSION_KEY] = unlock_request(
                account=account, language=translation.get_language() or "id"
            )
            return redirect("accounts:unlock_code")
    return render(request, "accounts/unlock.html", {"form": form})


@require_http_methods(["GET", "POST"])
def unlock_code(request: HttpRequest) -> HttpResponse:
    token = request.session.get(SESSION_KEY)
    if not token:
        return redirect("accounts:unlock")
    form = UnlockCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = unlock_confirm(request, token=token, code=form.cleaned_data["code"])
        except UnlockError as error:
            if error.reason == "invalid":
                form.add_error("code", _("Kode salah. Periksa email atau SMS Anda lalu coba lagi."))
            else:
                request.session.pop(SESSION_KEY, None)
                messages.error(request, _("Kode sudah tidak berlaku. Silakan minta kode baru."))
                return redirect("accounts:unlock")
        else:
            request.session.pop(SESSION_KEY, None)
            messages.success(request, _("Akun Anda sudah dibuka di perangkat ini. Silakan masuk."))
            response = redirect("account_login")
            device_remember(request, response, account=account)
            return response
    return render(request, "accounts/unlock_code.html", {"form": form})
