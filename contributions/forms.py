"""Forms of the iuran pages: the simulator (public) and "bayar iuran". Messages are Indonesian first."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from contributions.billing import ALLOWED_MONTHS
from contributions.models import Channel, WorkType
from portal.forms import WHOLE_RUPIAH_ERRORS, RupiahField

MONTH_CHOICES = [(m, _("%(n)d bulan") % {"n": m}) for m in ALLOWED_MONTHS]
RISK_CHOICES = [
    (1, _("Kelas 1 — sangat rendah (0,24%)")),
    (2, _("Kelas 2 — rendah (0,54%)")),
    (3, _("Kelas 3 — sedang (0,89%)")),
    (4, _("Kelas 4 — tinggi (1,27%)")),
    (5, _("Kelas 5 — sangat tinggi (1,74%)")),
]
CHANNEL_GROUPS = [
    (
        _("Virtual account"),
        [Channel.BCA_VA, Channel.BNI_VA, Channel.BRI_VA, Channel.MANDIRI_BILL, Channel.PERMATA_VA],
    ),
    (_("QRIS"), [Channel.QRIS]),
    (_("Dompet digital"), [Channel.GOPAY, Channel.SHOPEEPAY]),
    (_("Minimarket"), [Channel.INDOMARET, Channel.ALFAMART]),
]

# The shared field and messages (portal/forms.py); the names stay importable from here.
_WHOLE_RUPIAH = WHOLE_RUPIAH_ERRORS


class BpuSimulationForm(forms.Form):
    income_idr = RupiahField(
        label=_("Penghasilan per bulan (Rp)"),
        min_value=1_000_000,
        max_value=20_700_000,
        error_messages={
            **_WHOLE_RUPIAH,
            "min_value": _("Penghasilan paling sedikit Rp1.000.000."),
            "max_value": _("Penghasilan paling banyak Rp20.700.000."),
        },
    )
    with_jht = forms.BooleanField(label=_("Ikut Jaminan Hari Tua (JHT)"), required=False)
    work_type = forms.ChoiceField(
        label=_("Jenis pekerjaan"),
        choices=[("", _("Tidak disebutkan")), *WorkType.choices],
        required=False,
        error_messages={"invalid_choice": _("Jenis pekerjaan tidak dikenal.")},
    )
    months = forms.TypedChoiceField(
        label=_("Bayar untuk"),
        choices=MONTH_CHOICES,
        coerce=int,
        initial=1,
        error_messages={"invalid_choice": _("Pilih 1, 3, 6 atau 12 bulan.")},
    )


class PuSimulationForm(forms.Form):
    wage_idr = RupiahField(
        label=_("Upah per bulan (Rp)"),
        min_value=1,
        max_value=10_000_000_000,
        error_messages={
            **_WHOLE_RUPIAH,
            "min_value": _("Upah harus lebih dari Rp0."),
            "max_value": _("Upah terlalu besar untuk disimulasikan."),
        },
    )
    risk_class = forms.TypedChoiceField(
        label=_("Kelas risiko tempat kerja"),
        choices=RISK_CHOICES,
        coerce=int,
        initial=1,
        error_messages={"invalid_choice": _("Pilih kelas risiko 1 sampai 5.")},
    )
    labour_intensive = forms.BooleanField(
        label=_("Industri padat karya tertentu (paling sedikit 50 pekerja)"), required=False
    )


class PmiSimulationForm(forms.Form):
    contract_months = forms.IntegerField(
        label=_("Lama perjanjian kerja (bulan)"),
        min_value=1,
        max_value=60,
        error_messages={
            "invalid": _("Tulis jumlah bulan dengan angka."),
            "required": _("Wajib diisi."),
            "min_value": _("Paling sedikit 1 bulan."),
            "max_value": _("Paling lama 60 bulan."),
        },
    )
    jht_monthly_idr = forms.TypedChoiceField(
        label=_("JHT sukarela per bulan"),
        coerce=int,
        required=False,
        empty_value=0,  # type: ignore[arg-type]  # django-stubs types it str; an int is what we coerce to
        error_messages={"invalid_choice": _("Pilih salah satu pilihan JHT.")},
    )

    def __init__(self, *args: Any, jht_tiers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from portal.money import format_rupiah

        field = self.fields["jht_monthly_idr"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(0, _("Tidak ikut JHT"))] + [(t, format_rupiah(t)) for t in jht_tiers]


class JakonSimulationForm(forms.Form):
    contract_value_idr = RupiahField(
        label=_("Nilai kontrak proyek (Rp)"),
        min_value=1,
        max_value=1_000_000_000_000_000,
        error_messages={
            **_WHOLE_RUPIAH,
            "min_value": _("Nilai kontrak harus lebih dari Rp0."),
            "max_value": _("Nilai kontrak terlalu besar untuk disimulasikan."),
        },
    )


class PayForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Bayar untuk"),
        choices=MONTH_CHOICES,
        coerce=int,
        initial=1,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("Pilih 1, 3, 6 atau 12 bulan."),
            "required": _("Pilih jumlah bulan."),
        },
    )
    channel = forms.ChoiceField(
        label=_("Metode pembayaran"),
        choices=[c for c in Channel.choices if c[0] != Channel.PARTNER],
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("Metode pembayaran tidak dikenal."),
            "required": _("Pilih metode pembayaran."),
        },
    )


class MonthsForm(forms.Form):
    """The bill preview on GET: only the month count."""

    months = forms.TypedChoiceField(choices=MONTH_CHOICES, coerce=int, required=False)
