"""Forms of the service pages. They parse input only; the rules live in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import WHOLE_RUPIAH_ERRORS, RupiahField
from portal.uploads.forms import UploadField


class PercentField(forms.DecimalField):
    """A percentage typed the Indonesian way ("5,63") or the other ("5.63")."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 6}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class ProjectionForm(forms.Form):
    """The editable assumptions of the JHT estimate (GET: the page works without JavaScript)."""

    upah = RupiahField(
        label=_("Upah atau penghasilan per bulan (Rp)"),
        # The smallest BPU income on the rate table; a wage below it is a typo ("8" for 8 juta), not a case.
        min_value=1_000_000,
        max_value=1_000_000_000,
        required=False,
        error_messages={
            **WHOLE_RUPIAH_ERRORS,
            "min_value": _("Upah paling sedikit Rp1.000.000 per bulan."),
            "max_value": _("Upah terlalu besar untuk simulasi ini."),
        },
    )
    kenaikan_upah = PercentField(
        label=_("Kenaikan upah per tahun (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("20"),
        decimal_places=2,
        required=False,
        error_messages={
            "invalid": _("Isi kenaikan upah dengan angka, misalnya 5."),
            "min_value": _("Kenaikan upah antara 0 dan 20 persen."),
            "max_value": _("Kenaikan upah antara 0 dan 20 persen."),
        },
    )
    pengembangan = PercentField(
        label=_("Hasil pengembangan per tahun (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("15"),
        decimal_places=2,
        required=False,
        error_messages={
            "invalid": _("Isi hasil pengembangan dengan angka, misalnya 5,63."),
            "min_value": _("Hasil pengembangan antara 0 dan 15 persen."),
            "max_value": _("Hasil pengembangan antara 0 dan 15 persen."),
        },
    )


class MergeForm(forms.Form):
    """Target and sources are public ids of the user's KPJs (choices filled by the view)."""

    tujuan = forms.ChoiceField(
        label=_("KPJ tujuan (saldo dikumpulkan di sini)"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih KPJ tujuan."), "invalid_choice": _("Pilih KPJ dari daftar.")},
    )
    asal = forms.MultipleChoiceField(
        label=_("KPJ yang digabungkan (akan ditutup)"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Pilih minimal satu KPJ lain yang akan digabungkan."),
            "invalid_choice": _("Pilih KPJ dari daftar."),
        },
    )

    def __init__(self, *args: Any, kpjs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tujuan"].choices = kpjs  # type: ignore[attr-defined]
        self.fields["asal"].choices = kpjs  # type: ignore[attr-defined]


class CorrectionForm(forms.Form):
    kpj = forms.ChoiceField(label=_("KPJ"), error_messages={"invalid_choice": _("Pilih KPJ dari daftar.")})
    jenis = forms.ChoiceField(
        label=_("Data yang diubah"),
        choices=[],
        error_messages={
            "required": _("Pilih data yang diubah."),
            "invalid_choice": _("Pilih data dari daftar."),
        },
    )
    nilai_baru = forms.CharField(
        label=_("Data yang benar"),
        max_length=255,
        help_text=_("Tanggal lahir ditulis HH-BB-TTTT, misalnya 17-05-1990."),
        error_messages={"required": _("Isi data yang benar.")},
    )
    dokumen = UploadField(
        label=_("Dokumen pendukung: KTP, KK, akta lahir atau surat nikah (JPG, PNG atau PDF)"),
        error_messages={
            "required": _("Unggah dokumen pendukung."),
            "empty": _("Berkas kosong. Pilih berkas yang berisi foto atau PDF dokumen Anda."),
        },
    )

    def __init__(self, *args: Any, kpjs: list[tuple[str, str]], **kwargs: Any) -> None:
        from layanan.models import CorrectionField

        super().__init__(*args, **kwargs)
        self.fields["kpj"].choices = kpjs  # type: ignore[attr-defined]
        self.fields["jenis"].choices = CorrectionField.choices  # type: ignore[attr-defined]


class CardForm(forms.Form):
    kpj = forms.ChoiceField(label=_("KPJ"), error_messages={"invalid_choice": _("Pilih KPJ dari daftar.")})
    alasan = forms.ChoiceField(
        label=_("Alasan"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pilih alasan penggantian kartu."),
            "invalid_choice": _("Pilih alasan."),
        },
    )
    dokumen = UploadField(
        label=_(
            "Surat keterangan kehilangan dari kepolisian, atau foto kartu yang rusak (JPG, PNG atau PDF)"
        ),
        error_messages={
            "required": _("Unggah surat kehilangan atau foto kartu."),
            "empty": _("Berkas kosong. Pilih berkas yang berisi foto atau PDF dokumen Anda."),
        },
    )
    janji_temu = forms.ChoiceField(
        label=_("Ambil kartu baru pada janji temu"),
        required=False,
        error_messages={"invalid_choice": _("Pilih janji temu dari daftar.")},
    )

    def __init__(
        self, *args: Any, kpjs: list[tuple[str, str]], bookings: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        from layanan.models import CardReason

        super().__init__(*args, **kwargs)
        self.fields["kpj"].choices = kpjs  # type: ignore[attr-defined]
        self.fields["alasan"].choices = CardReason.choices  # type: ignore[attr-defined]
        self.fields["janji_temu"].choices = [  # type: ignore[attr-defined]
            ("", _("— Ambil di kantor cabang KPJ saya (tanpa janji temu) —")),
            *bookings,
        ]


class ComplaintForm(forms.Form):
    bulan = forms.MultipleChoiceField(
        label=_("Bulan yang upahnya tidak sesuai"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tandai minimal satu bulan."),
            "invalid_choice": _("Pilih bulan dari daftar."),
        },
    )
    keterangan = forms.CharField(
        label=_("Apa yang tidak sesuai? (misalnya upah sebenarnya)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Jelaskan apa yang tidak sesuai.")},
    )
    slip_gaji = UploadField(
        label=_("Slip gaji (opsional; JPG, PNG atau PDF)"),
        required=False,
        error_messages={"empty": _("Berkas kosong. Pilih berkas yang berisi foto atau PDF slip gaji.")},
    )

    def __init__(self, *args: Any, months: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bulan"].choices = months  # type: ignore[attr-defined]
