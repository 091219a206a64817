"""Forms of the figure proposals (backoffice/admin/rates.py): one per kind of change, each turning its
cleaned data into the change the service checks and stores (participants/rates/changes.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from contributions.models import WorkType
from participants.rates.changes import (
    DISCOUNT_COMPONENTS,
    DISCOUNT_SEGMENTS,
    Change,
    DevelopmentSet,
    DiscountAdd,
    DiscountEnd,
    RateAdd,
    RateEnd,
)
from participants.rates.models import Confidence, FigureChange, Program, Unit

NOTE_WIDGET = forms.Textarea(attrs={"rows": 3})
MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


def _date_field(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def _month_field(label: Any) -> forms.DateField:
    # <input type="month"> sends YYYY-MM, read as the first day of that month.
    return forms.DateField(
        label=label,
        input_formats=MONTH_FORMATS,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


class ProposalForm(forms.Form):
    """The fields every proposal has, after the kind's own: the source of the figure and the reason."""

    source = forms.CharField(label=_("Sumber (peraturan, surat, halaman resmi)"), max_length=255)
    reason = forms.CharField(label=_("Alasan perubahan"), widget=NOTE_WIDGET)

    def change(self) -> Change:
        raise NotImplementedError


class RateAddForm(ProposalForm):
    program = forms.ChoiceField(label=_("Program"), choices=Program.choices)
    segment = forms.CharField(label=_("Segmen"), max_length=5)
    component = forms.CharField(label=_("Komponen"), max_length=30)
    unit = forms.ChoiceField(label=_("Satuan"), choices=Unit.choices)
    value = forms.DecimalField(label=_("Nilai"), min_value=0, max_digits=18, decimal_places=4)
    effective_from = _date_field(_("Berlaku mulai"))
    effective_to = _date_field(_("Berlaku sampai (kosong: sampai ada perubahan)"), required=False)
    confidence = forms.ChoiceField(label=_("Tingkat kepastian"), choices=Confidence.choices)
    field_order = ["program", "segment", "component", "unit", "value", "effective_from", "effective_to"]

    def change(self) -> Change:
        data = self.cleaned_data
        return RateAdd(
            program=data["program"],
            segment=data["segment"].strip(),
            component=data["component"].strip(),
            unit=data["unit"],
            value=data["value"],
            effective_from=data["effective_from"],
            effective_to=data["effective_to"],
            confidence=data["confidence"],
        )


class RateEndForm(ProposalForm):
    effective_to = _date_field(_("Berlaku sampai (termasuk tanggal ini)"))
    field_order = ["effective_to"]

    def __init__(self, *args: Any, target_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.target_id = target_id

    def change(self) -> Change:
        return RateEnd(rate_id=self.target_id, effective_to=self.cleaned_data["effective_to"])


class DevelopmentForm(ProposalForm):
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    rate_percent = forms.DecimalField(
        label=_("Tingkat pengembangan (%)"), min_value=0, max_value=100, max_digits=6, decimal_places=3
    )
    field_order = ["year", "rate_percent"]

    def change(self) -> Change:
        return DevelopmentSet(year=self.cleaned_data["year"], rate_percent=self.cleaned_data["rate_percent"])


class DiscountAddForm(ProposalForm):
    code = forms.SlugField(label=_("Kode"), max_length=40)
    label = forms.CharField(label=_("Keterangan pada tagihan"), max_length=160)
    segment = forms.ChoiceField(label=_("Segmen"), choices=[(s, s) for s in DISCOUNT_SEGMENTS])
    components = forms.MultipleChoiceField(
        label=_("Komponen"),
        choices=[(c, c) for c in DISCOUNT_COMPONENTS],
        widget=forms.CheckboxSelectMultiple,
    )
    percent = forms.DecimalField(
        label=_("Potongan (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    first_period = _month_field(_("Bulan iuran pertama"))
    last_period = _month_field(_("Bulan iuran terakhir"))
    work_types = forms.MultipleChoiceField(
        label=_("Jenis pekerjaan (BPU)"),
        choices=WorkType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    labour_intensive_only = forms.BooleanField(label=_("Hanya industri padat karya (PU)"), required=False)
    min_workers = forms.IntegerField(label=_("Jumlah pekerja minimal (PU)"), min_value=1, required=False)
    excludes_state_paid = forms.BooleanField(label=_("Tidak untuk iuran APBN/APBD"), required=False)
    confidence = forms.ChoiceField(label=_("Tingkat kepastian"), choices=Confidence.choices)
    field_order = [
        "code",
        "label",
        "segment",
        "components",
        "percent",
        "first_period",
        "last_period",
        "work_types",
        "labour_intensive_only",
        "min_workers",
        "excludes_state_paid",
    ]

    def change(self) -> Change:
        data = self.cleaned_data
        return DiscountAdd(
            code=data["code"],
            label=data["label"].strip(),
            segment=data["segment"],
            components=tuple(data["components"]),
            percent=data["percent"],
            first_period=data["first_period"],
            last_period=data["last_period"],
            work_types=tuple(data["work_types"]) if data["segment"] == "BPU" else (),
            labour_intensive_only=data["labour_intensive_only"],
            min_workers=data["min_workers"],
            excludes_state_paid=data["excludes_state_paid"],
            confidence=data["confidence"],
        )


class DiscountEndForm(ProposalForm):
    last_period = _month_field(_("Bulan iuran terakhir yang baru"))
    field_order = ["last_period"]

    def __init__(self, *args: Any, target_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.target_id = target_id

    def change(self) -> Change:
        return DiscountEnd(programme_id=self.target_id, last_period=self.cleaned_data["last_period"])


PROPOSAL_FORMS: dict[str, type[ProposalForm]] = {
    FigureChange.RATE_ADD: RateAddForm,
    FigureChange.RATE_END: RateEndForm,
    FigureChange.DEVELOPMENT_SET: DevelopmentForm,
    FigureChange.DISCOUNT_ADD: DiscountAddForm,
    FigureChange.DISCOUNT_END: DiscountEndForm,
}
# The kinds that change one existing row, named by `?baris=<id>` on the proposal page.
TARGETED = (FigureChange.RATE_END, FigureChange.DISCOUNT_END)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Catatan (tidak wajib)"), required=False, widget=NOTE_WIDGET)


class RejectionForm(forms.Form):
    note = forms.CharField(label=_("Alasan penolakan (dibaca pengusul)"), widget=NOTE_WIDGET)
