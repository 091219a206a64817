"""The participant's notification preferences page (`/akun/notifikasi/`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from notifications.forms import PreferencesForm
from notifications.services import preferences_for_user, preferences_update
from participants.selectors import participants_of_user
from portal.htmx import render_page_or_partial
from portal.masking import mask_personal_numbers
from portal.phones import normalize_msisdn


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PreferencesForm(request.POST or None, initial_choices=preferences_for_user(user=user))  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        preferences_update(user=user, choices=form.choices())  # type: ignore[arg-type]
        messages.success(request, _("Pilihan notifikasi Anda sudah disimpan."))
        if not getattr(request, "htmx", False):
            return redirect("notifications:preferences")
    phones = sorted(
        {mask_personal_numbers(p.phone) for p in participants_of_user(user=user) if normalize_msisdn(p.phone)}  # type: ignore[arg-type]
    )
    return render_page_or_partial(
        request,
        "notifications/preferences.html",
        "prefs",
        {"form": form, "phones": phones, "saved": request.method == "POST" and form.is_valid()},
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )
