"""Forms of the back-office confirmation pages. Every action form is bound to one claim service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from claims.models import DocumentType
from claims.reasons import REJECTION_REASONS
from participants.models import MembershipStatus, StatusReason

NOTE_WIDGET = forms.Textarea(attrs={"rows": 3})


class ConfirmForm(forms.Form):
    note = forms.CharField(label=_("Catatan (tidak wajib)"), required=False, widget=NOTE_WIDGET)


class RejectForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Alasan penolakan"), choices=[(c, r.label) for c, r in REJECTION_REASONS.items()]
    )
    note = forms.CharField(label=_("Catatan untuk pengaju klaim"), widget=NOTE_WIDGET)


REVISION_CHOICES = [*DocumentType.choices, ("bank_account", _("Data rekening bank"))]


class RevisionForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=_("Yang perlu diperbaiki"), choices=REVISION_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Catatan untuk pengaju klaim"), widget=NOTE_WIDGET)


class ScheduleInterviewForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Jadwal wawancara video"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class RecordInterviewForm(forms.Form):
    note = forms.CharField(label=_("Hasil wawancara"), widget=NOTE_WIDGET)


class RevealNikForm(forms.Form):
    reason = forms.CharField(label=_("Alasan melihat NIK (dicatat di log akses)"), max_length=200)


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("Status kepesertaan"), choices=MembershipStatus.choices)
    status_reason = forms.ChoiceField(label=_("Alasan status"), choices=StatusReason.choices)
    reason = forms.CharField(label=_("Alasan perubahan (disimpan di riwayat)"), widget=NOTE_WIDGET)


class PersonalDataForm(forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    address = forms.CharField(label=_("Alamat"), max_length=255, required=False)
    phone = forms.CharField(label=_("Nomor HP"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    reason = forms.CharField(label=_("Alasan perbaikan (disimpan di riwayat)"), widget=NOTE_WIDGET)


class CorrectionForm(forms.Form):
    amount_idr = forms.IntegerField(label=_("Jumlah koreksi dalam rupiah (negatif = mengurangi saldo)"))
    reason = forms.CharField(label=_("Alasan koreksi"), widget=NOTE_WIDGET)
