"""The participant's page for the JHT balance at partner ATMs and apps (`/akun/mitra/saldo/`), linked
from the notification preferences page: switch it off or on, and who asked (and what we answered)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from participants.views.access import request_user
from partners.sharing import balance_lookups_of_user, balance_sharing_enabled, balance_sharing_set
from portal.htmx import render_page_or_partial


@login_required
@require_http_methods(["GET", "POST"])
def balance_sharing(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    status = 200
    if request.method == "POST":
        choice = request.POST.get("enabled")
        if choice in {"0", "1"}:
            balance_sharing_set(user=user, enabled=choice == "1")
            messages.success(request, _("Pilihan cek saldo lewat mitra sudah disimpan."))
            if not getattr(request, "htmx", False):
                return redirect("partners_participant:balance_sharing")
        else:
            status = 400
    context = {
        "enabled": balance_sharing_enabled(user=user),
        "lookups": balance_lookups_of_user(user=user),
        "invalid": status == 400,
    }
    return render_page_or_partial(request, "partners/balance_sharing.html", "sharing", context, status=status)
