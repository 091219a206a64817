"""Riwayat iuran: one KPJ, one year per page (htmx swaps the year, plain links work without JS)."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from participants.overview.selectors import history_for_participant, history_years
from participants.views.access import owned_participant
from portal.db_router import replica_reads
from portal.htmx import render_page_or_partial


class YearForm(forms.Form):
    tahun = forms.IntegerField(min_value=1977, max_value=2200, required=False)


@replica_reads
@login_required
@require_GET
def history(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    participant = owned_participant(request, public_id)
    today = timezone.localdate()
    years = history_years(participant, today)
    form = YearForm(request.GET)
    year = form.cleaned_data["tahun"] if form.is_valid() and form.cleaned_data["tahun"] else years[0]
    if year not in years:
        year = years[0]
    data = history_for_participant(participant=participant, year=year, today=today)
    return render_page_or_partial(request, "participants/history.html", "year", {"h": data})
