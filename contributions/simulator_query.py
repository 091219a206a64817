"""`GET /simulasi.json`: the public query parameters mapped onto the simulator's forms and service.

The same forms as the HTML simulator validate the input (so both answer the same Indonesian messages),
and the same service (`contributions.simulator.simulation_run`) computes; only the names differ:

    segmen=BPU|PU|PMI   penghasilan=<rupiah>   tanggal=YYYY-MM-DD (default today)
    BPU: jenis_pekerjaan=<WorkType code>, jht=1 to add the optional JHT
    PU:  kelas_risiko=1..5 (default 1), padat_karya=1
    PMI: bulan_kontrak=1..60 (default 6), jht_per_bulan=<tier> (default 0); no penghasilan

The first invalid parameter is reported by its public name (`ParameterError`). Reads only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _

from contributions import simulation
from contributions.forms import BpuSimulationForm, PmiSimulationForm, PuSimulationForm
from contributions.simulator import simulation_as_dict, simulation_run
from participants.rates.public import ParameterError, public_date_parse
from participants.rates.selectors import MissingRate, rate_table_on

SEGMENTS = {"BPU": "bpu", "PU": "pu", "PMI": "pmi"}

# Form field -> public parameter, per segment. Fields absent from the query get the default on the right.
_PARAMETERS: dict[str, dict[str, tuple[str, str | None]]] = {
    "bpu": {
        "income_idr": ("penghasilan", None),
        "work_type": ("jenis_pekerjaan", ""),
        "with_jht": ("jht", ""),
        "months": ("bulan", "1"),
    },
    "pu": {
        "wage_idr": ("penghasilan", None),
        "risk_class": ("kelas_risiko", "1"),
        "labour_intensive": ("padat_karya", ""),
    },
    "pmi": {"contract_months": ("bulan_kontrak", "6"), "jht_monthly_idr": ("jht_per_bulan", "0")},
}

_FORMS: dict[str, type[forms.Form]] = {
    "bpu": BpuSimulationForm,
    "pu": PuSimulationForm,
    "pmi": PmiSimulationForm,
}

_FLAGS = {"with_jht", "labour_intensive"}


def _form_data(segment: str, query: QueryDict) -> dict[str, str]:
    data: dict[str, str] = {}
    for field, (parameter, default) in _PARAMETERS[segment].items():
        raw = query.get(parameter)
        if raw is None:
            if default is None:
                raise ParameterError(parameter, _("Wajib diisi."))
            raw = default
        if field in _FLAGS:
            if raw not in ("", "0", "1"):
                raise ParameterError(parameter, _("Isi 1 (ya) atau 0 (tidak)."))
            raw = "on" if raw == "1" else ""
        data[field] = raw
    return data


def simulation_from_query(query: QueryDict, *, today: dt.date) -> dict[str, Any]:
    """The JSON answer for the query, or ParameterError naming the first bad parameter."""
    raw_segment = (query.get("segmen") or "").strip().upper()
    segment = SEGMENTS.get(raw_segment)
    if segment is None:
        raise ParameterError("segmen", _("Segmen harus BPU, PU atau PMI."))
    on = public_date_parse(query.get("tanggal"), today=today)
    rates = rate_table_on(on)
    data = _form_data(segment, query)
    form_class = _FORMS[segment]
    if segment == "pmi":
        try:
            tiers = simulation.pmi_jht_tiers(rates)
        except MissingRate:
            raise ParameterError("tanggal", _("Tidak ada tarif yang berlaku pada tanggal itu.")) from None
        form = form_class(data, jht_tiers=tiers)  # type: ignore[call-arg]
    else:
        form = form_class(data)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise ParameterError(_PARAMETERS[segment].get(field, (field, None))[0], str(errors[0]))
    try:
        _rates, result = simulation_run(segment=segment, params=form.cleaned_data, on=on, rates=rates)
    except simulation.SimulationError as exc:
        if isinstance(exc.__cause__, MissingRate):
            raise ParameterError("tanggal", _("Tidak ada tarif yang berlaku pada tanggal itu.")) from None
        raise ParameterError(
            _PARAMETERS[segment].get("income_idr", ("penghasilan", None))[0],
            _("Data yang diisi di luar batas tabel tarif yang berlaku."),
        ) from None
    return {
        "segmen": raw_segment,
        "tanggal": on.isoformat(),
        "currency": "IDR",
        **simulation_as_dict(segment, result),
    }
