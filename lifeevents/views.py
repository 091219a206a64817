"""The life-event pages: /peristiwa/phk/ (laid off: JKP, JHT, JP on one page), /peristiwa/pensiun/
(reaching pension age, with the JP projection) and the dispute of an employer-reported exit.

Thin views: a GET form parses the PHK facts, selectors read, lifeevents.overview applies the rules. A KPJ
that is not the user's → 404, logged as an IDOR attempt (participants.views.access).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from layanan.errors import ServiceRequestError
from layanan.jht_projection import chart_for
from lifeevents.charts import jp_chart_projection
from lifeevents.disputes import exit_dispute_create, exit_disputes_of_user
from lifeevents.forms import ExitDisputeForm, ExitType, PhkForm
from lifeevents.overview import pension_overview, phk_overview
from lifeevents.rules import InvalidFacts
from lifeevents.selectors import Person, person_for_user
from participants.views.access import owned, request_user
from portal.htmx import render_page_or_partial

# What the employer's exit reasons mean as a stated exit type (participants.ExitReason → ExitType).
_TYPE_FROM_REPORT = {
    "phk": "phk",
    "resign": "resign",
    "contract_end": "contract_end",
    "retirement": "retirement",
}

INVALID_MESSAGES = {
    "phk_in_future": gettext_lazy("Tanggal PHK tidak boleh di masa depan."),
    "phk_before_start": gettext_lazy("Tanggal PHK tidak boleh sebelum tanggal mulai bekerja."),
}


def _person(request: HttpRequest, kpj_id: str | None) -> Person | None:
    if kpj_id is None:
        return person_for_user(user=request_user(request))
    return owned(
        request,
        "participant",
        kpj_id,
        lambda: person_for_user(user=request_user(request), participant_public_id=kpj_id),
    )


@login_required
@require_GET
def phk(request: HttpRequest) -> HttpResponse:
    """GET only: the facts are in the query string (prefilled from the employer's report)."""
    today = timezone.localdate()
    kpj_id = request.GET.get("kpj") or None
    try:
        if kpj_id is not None:
            uuid.UUID(kpj_id)
    except ValueError:
        raise Http404 from None
    person = _person(request, kpj_id)
    reported = person.reported_exit if person else None
    initial: dict[str, Any] = {}
    if reported is not None:
        initial = {
            "tanggal": reported.end_date,
            "jenis": _TYPE_FROM_REPORT.get(reported.exit_reason, "other"),
        }
    bound = "tanggal" in request.GET or "jenis" in request.GET
    form = PhkForm(request.GET if bound else None, initial=initial)
    overview = None
    status = 200
    if person is not None:
        facts: dict[str, Any] | None = (
            form.cleaned_data if bound and form.is_valid() else (initial if not bound else None)
        )
        if facts and facts.get("tanggal"):
            try:
                overview = phk_overview(
                    person=person,
                    phk_date=facts["tanggal"],
                    exit_type=facts["jenis"],
                    employment_start=reported.start_date if reported else None,
                    today=today,
                )
            except InvalidFacts as error:
                form.add_error("tanggal", INVALID_MESSAGES[error.code])
                status = 400
        elif bound:
            status = 400
    context = {
        "person": person,
        "reported": reported,
        "form": form,
        "overview": overview,
        "today": today,
        "exit_type_label": dict(ExitType.choices).get(
            str(form.data.get("jenis") or initial.get("jenis", "")), ""
        ),
    }
    return render_page_or_partial(request, "lifeevents/phk.html", "result", context, status=status)


@login_required
@require_GET
def pension(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    person = _person(request, None)
    overview = pension_overview(person=person, today=today) if person is not None else None
    chart = None
    lump_sum = overview is not None and overview.at_pension.kind == "lump_sum"
    if overview is not None and overview.projection:
        chart = chart_for(
            jp_chart_projection(overview.projection, overview.jp.pension.date, lump_sum=lump_sum)
        )
    context = {
        "person": person,
        "overview": overview,
        "chart": chart,
        "chart_lump_sum": lump_sum,
        "today": today,
    }
    return render_page_or_partial(request, "lifeevents/pension.html", "result", context)


@login_required
@require_http_methods(["GET", "POST"])
def dispute(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Dispute the employer's report of the exit of one of the user's KPJs: goes to the branch queue."""
    person = _person(request, str(public_id))
    assert person is not None  # _person raised Http404 otherwise
    reported = person.reported_exit
    form = ExitDisputeForm(request.POST or None)
    if reported is not None and request.method == "POST" and form.is_valid():
        try:
            exit_dispute_create(
                user=request_user(request),
                participant_public_id=public_id,
                claimed_end_date=form.cleaned_data["claimed_end_date"],
                claimed_exit_type=form.cleaned_data["claimed_exit_type"],
                description=form.cleaned_data["description"],
            )
        except ServiceRequestError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Sanggahan Anda sudah dikirim ke kantor cabang."))
            return redirect("lifeevents:phk")
    context = {
        "reported": reported,
        "form": form,
        "disputes": exit_disputes_of_user(user=request_user(request)),
        "exit_types": dict(ExitType.choices),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render_page_or_partial(request, "lifeevents/dispute.html", "form", context, status=status)
