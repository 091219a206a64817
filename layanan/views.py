"""The participant's "Layanan" pages: the index, Simulasi JHT, penggabungan saldo and pengkinian data.

Thin views: a form parses, one service writes or one selector reads; every KPJ and request through the
requesting user (404 otherwise, logged as an IDOR attempt).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from branches.models import ServiceKind
from branches.selectors import active_bookings_of_user
from layanan.corrections import correction_get_for_user, correction_request_create, corrections_of_user
from layanan.errors import ServiceRequestError
from layanan.forms import CardForm, ComplaintForm, CorrectionForm, MergeForm, ProjectionForm
from layanan.jht_projection import DEFAULT_WAGE_GROWTH, chart_for, project_jht
from layanan.merge import merge_candidates, merge_request_create, merge_requests_of_user
from layanan.models import CardReplacementRequest, StaffDecision, WageComplaint
from layanan.requests import (
    card_request_create,
    card_requests_of_user,
    complaint_months,
    own_request,
    wage_complaint_create,
    wage_complaints_of_user,
)
from layanan.selectors import default_return_percent, projection_facts
from layanan.workflow import history_of
from participants.views.access import owned, owned_participant, request_user
from portal.htmx import render_page_or_partial
from portal.money import format_rupiah
from portal.uploads.serving import private_file_response


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    context = {
        "bookings": list(active_bookings_of_user(user=user)[:3]),
        "can_merge": len(merge_candidates(user=user)) > 1,
    }
    return render_page_or_partial(request, "layanan/index.html", "services", context)


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


@login_required
@require_GET
def jht_simulation(request: HttpRequest) -> HttpResponse:
    """GET only: the assumptions are in the query string, so the page works without JavaScript."""
    today = timezone.localdate()
    facts = projection_facts(user=request_user(request), today=today)
    default_return = default_return_percent()
    initial = {
        "upah": facts.monthly_wage_idr if facts else None,
        "kenaikan_upah": _percent(DEFAULT_WAGE_GROWTH),
        "pengembangan": _percent(default_return),
    }
    form = ProjectionForm(request.GET or None, initial=initial)
    projection = chart = None
    status = 200
    if facts is not None:
        if form.is_bound and not form.is_valid():
            status = 400
        else:
            data = form.cleaned_data if form.is_bound else {}
            wage = data.get("upah")
            growth = data.get("kenaikan_upah")
            rate = data.get("pengembangan")
            projection = project_jht(
                balance_idr=facts.balance_idr,
                monthly_wage_idr=facts.monthly_wage_idr if wage is None else wage,
                contribution_percent=facts.contribution_percent,
                birth_date=facts.birth_date,
                today=today,
                wage_growth_percent=DEFAULT_WAGE_GROWTH if growth is None else growth,
                return_percent=default_return if rate is None else rate,
            )
            chart = chart_for(projection)
    context = {
        "facts": facts,
        "form": form,
        "projection": projection,
        "chart": chart,
        "default_growth": _percent(DEFAULT_WAGE_GROWTH),
        "default_return": _percent(default_return),
    }
    return render_page_or_partial(request, "layanan/jht_simulation.html", "result", context, status=status)


def _kpj_choices(request: HttpRequest) -> list[tuple[str, str]]:
    return [
        (str(p.public_id), _("KPJ %(kpj)s") % {"kpj": p.kpj})
        for p in merge_candidates(user=request_user(request))
    ]


@login_required
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    candidates = merge_candidates(user=user)
    choices = [(str(p.public_id), _("KPJ %(kpj)s") % {"kpj": p.kpj}) for p in candidates]
    form = MergeForm(request.POST or None, kpjs=choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                merge_request_create(
                    user=user, target_id=form.cleaned_data["tujuan"], source_ids=form.cleaned_data["asal"]
                )
            except ServiceRequestError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Pengajuan penggabungan saldo sudah dikirim ke kantor cabang."))
                return redirect("layanan:merge")
        status = 400
    context = {"form": form, "candidates": candidates, "requests": merge_requests_of_user(user=user)}
    return render_page_or_partial(request, "layanan/merge.html", "merge", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def corrections(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = CorrectionForm(request.POST or None, request.FILES or None, kpjs=_kpj_choices(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                correction_request_create(
                    user=user,
                    participant_id=form.cleaned_data["kpj"],
                    field=form.cleaned_data["jenis"],
                    new_value=form.cleaned_data["nilai_baru"],
                    document=form.cleaned_data["dokumen"],
                )
            except ServiceRequestError as exc:
                form.add_error("nilai_baru", exc.message)
            else:
                messages.success(request, _("Pengajuan pengkinian data sudah dikirim ke kantor cabang."))
                return redirect("layanan:corrections")
        status = 400
    context = {"form": form, "requests": corrections_of_user(user=user)}
    return render_page_or_partial(request, "layanan/corrections.html", "corrections", context, status=status)


@login_required
@require_GET
def correction_document(request: HttpRequest, request_id: uuid.UUID) -> HttpResponseBase:
    user = request_user(request)
    item = owned(
        request, "correction", request_id, lambda: correction_get_for_user(user=user, request_id=request_id)
    )
    name = item.document.name or ""
    return private_file_response(
        storage_name=name,
        download_name=f"dokumen{PurePosixPath(name).suffix}",
        content_type=item.content_type,
    )


# --- Kartu hilang / rusak and pengaduan upah -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def card_replacement(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    bookings = [
        (str(b.public_id), f"{b.branch.name}, {b.starts_at:%d-%m-%Y %H:%M} ({b.code})")
        for b in active_bookings_of_user(user=user).filter(service=ServiceKind.KARTU)
    ]
    form = CardForm(
        request.POST or None, request.FILES or None, kpjs=_kpj_choices(request), bookings=bookings
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                card_request_create(
                    user=user,
                    participant_id=form.cleaned_data["kpj"],
                    reason=form.cleaned_data["alasan"],
                    document=form.cleaned_data["dokumen"],
                    booking_id=form.cleaned_data["janji_temu"] or None,
                )
            except ServiceRequestError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Permintaan kartu baru sudah dikirim ke kantor cabang."))
                return redirect("layanan:card")
        status = 400
    context = {"form": form, "requests": card_requests_of_user(user=user), "has_bookings": bool(bookings)}
    return render_page_or_partial(request, "layanan/card.html", "card", context, status=status)


@login_required
@require_GET
def complaints(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    context = {"kpjs": merge_candidates(user=user), "complaints": wage_complaints_of_user(user=user)}
    return render_page_or_partial(request, "layanan/complaints.html", "complaints", context)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    participant = owned_participant(request, public_id)
    rows = complaint_months(participant_id=participant.pk, today=timezone.localdate())
    choices = [
        (
            r["period"].strftime("%Y-%m"),
            f"{date_format(r['period'], 'F Y')}: {format_rupiah(r['wage_idr'])} ({r['employer__name']})",
        )
        for r in rows
    ]
    initial = {"bulan": request.GET.getlist("bulan")}
    form = ComplaintForm(request.POST or None, request.FILES or None, months=choices, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                wage_complaint_create(
                    user=request_user(request),
                    participant_id=participant.public_id,
                    months=form.cleaned_data["bulan"],
                    description=form.cleaned_data["keterangan"],
                    payslip=form.cleaned_data["slip_gaji"],
                )
            except ServiceRequestError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Pengaduan upah sudah dikirim ke kantor cabang pemberi kerja."))
                return redirect("layanan:complaints")
        status = 400
    context = {"form": form, "participant": participant, "has_months": bool(choices)}
    return render_page_or_partial(request, "layanan/complaint_new.html", "complaint", context, status=status)


def _request_detail(request: HttpRequest, model: type[StaffDecision], request_id: uuid.UUID) -> HttpResponse:
    """One of the participant's own requests with its steps (404, logged, for anyone else's)."""
    user = request_user(request)
    item = owned(
        request,
        model._meta.model_name or "",
        request_id,
        lambda: own_request(model=model, user=user, request_id=request_id),
    )
    labels = dict(model._meta.get_field("status").choices or [])
    steps = [(h.created_at, labels.get(h.to_status, h.to_status), h.note) for h in history_of(item)]
    context = {"item": item, "steps": steps, "kind": model._meta.model_name}
    return render_page_or_partial(request, "layanan/request_detail.html", "detail", context)


@login_required
@require_GET
def card_detail(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    return _request_detail(request, CardReplacementRequest, request_id)


@login_required
@require_GET
def complaint_detail(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    return _request_detail(request, WageComplaint, request_id)
