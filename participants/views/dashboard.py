"""Beranda peserta and linking a KPJ of the same NIK."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from participants.models import Participant
from participants.overview.selectors import dashboard_for_user
from participants.selectors import unlinked_participant_get_for_user
from participants.services import participant_link_to_user
from participants.views.access import owned, request_user
from portal.db_router import replica_reads
from portal.htmx import render_page_or_partial


@replica_reads
@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    data = dashboard_for_user(user=request_user(request), today=timezone.localdate())
    return render_page_or_partial(request, "participants/dashboard.html", "kpjs", {"d": data})


@login_required
@require_http_methods(["GET", "POST"])
def link_kpj(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """GET asks for confirmation; POST links the KPJ (same NIK, not linked to any account)."""
    user = request_user(request)
    participant = owned(
        request,
        "unlinked_participant",
        public_id,
        lambda: unlinked_participant_get_for_user(user=user, public_id=public_id),
    )
    if request.method == "POST":
        try:
            participant_link_to_user(user=user, participant_id=participant.pk)
        except Participant.DoesNotExist:
            raise Http404 from None  # linked by someone else in the meantime
        messages.success(request, _("KPJ %(kpj)s sudah ditautkan ke akun Anda.") % {"kpj": participant.kpj})
        return redirect("participants:dashboard")
    return TemplateResponse(request, "participants/link_confirm.html", {"participant": participant})
