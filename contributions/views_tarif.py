"""Public pages of the rate table: "Tarif dan aturan" (`/tarif/`), its JSON (`/tarif.json`) and the
simulator as JSON (`/simulasi.json`). Thin: the services are `participants.rates.public` and
`contributions.simulator_query` (which runs the HTML simulator's own service).

No login; successful answers are cacheable by anyone for five minutes (the table changes by admin
edits a few times a year, and a figure is dated, so a five-minute-old answer is still true on its date).
Errors are not cached.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from contributions.simulator_query import simulation_from_query
from participants.rates.public import ParameterError, public_date_parse, tariff_sheet_on
from portal.db_router import replica_reads

_PUBLIC_MAX_AGE = 300


def _public(response: HttpResponse) -> HttpResponse:
    if response.status_code == 200:
        patch_cache_control(response, public=True, max_age=_PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, no_store=True)
    return response


class TariffDateForm(forms.Form):
    tanggal = forms.CharField(
        label=_("Tarif yang berlaku pada tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_tanggal(self) -> object:
        try:
            return public_date_parse(self.cleaned_data["tanggal"], today=timezone.localdate())
        except ParameterError as exc:
            raise forms.ValidationError(exc.message, code="invalid") from None


@replica_reads
@require_GET
def tariff_page(request: HttpRequest) -> HttpResponse:
    """Every figure in force on the chosen date (default today, Asia/Jakarta), grouped by programme,
    the values they replaced, and the discount programmes. A bad date: the form error, status 400."""
    form = TariffDateForm(request.GET if "tanggal" in request.GET else {"tanggal": ""})
    sheet = None
    if form.is_valid():
        try:
            sheet = tariff_sheet_on(form.cleaned_data["tanggal"])
        except ParameterError as exc:
            form.add_error("tanggal", exc.message)
    context = {"form": form, "sheet": sheet}
    response = TemplateResponse(
        request, "contributions/tarif.html", context, status=200 if sheet is not None else 400
    )
    return _public(response)


@replica_reads
@require_GET
def tariff_json(request: HttpRequest) -> HttpResponse:
    """`GET /tarif.json?tanggal=YYYY-MM-DD`: the figures in force that day, a JSON list."""
    try:
        on = public_date_parse(request.GET.get("tanggal"), today=timezone.localdate())
        sheet = tariff_sheet_on(on)
    except ParameterError as exc:
        return _public(JsonResponse(exc.as_dict(), status=400))
    return _public(JsonResponse(sheet.as_list(), safe=False, json_dumps_params={"ensure_ascii": False}))


@replica_reads
@require_GET
def simulation_json(request: HttpRequest) -> HttpResponse:
    """`GET /simulasi.json?segmen=BPU|PU|PMI&penghasilan=...`: the simulator's answer per month."""
    try:
        answer = simulation_from_query(request.GET, today=timezone.localdate())
    except ParameterError as exc:
        return _public(JsonResponse(exc.as_dict(), status=400))
    return _public(JsonResponse(answer, json_dumps_params={"ensure_ascii": False}))
