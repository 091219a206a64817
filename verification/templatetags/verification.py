"""Filters of the "Data saya" page: a label for each key of the export, and list detection."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The export's keys stay English (a stable machine format); the page shows these labels.
LABELS = {
    "kpj": _("Nomor KPJ"),
    "nik": _("NIK"),
    "full_name": _("Nama lengkap"),
    "name": _("Nama"),
    "birth_date": _("Tanggal lahir"),
    "sex": _("Jenis kelamin"),
    "address": _("Alamat"),
    "email": _("Email"),
    "phone": _("Nomor HP"),
    "category": _("Segmen"),
    "status": _("Status"),
    "branch": _("Kantor cabang"),
    "registered_on": _("Terdaftar sejak"),
    "employments": _("Riwayat pemberi kerja"),
    "employer": _("Pemberi kerja"),
    "start": _("Mulai"),
    "end": _("Selesai"),
    "contribution_months": _("Jumlah bulan iuran"),
    "first_contribution_month": _("Iuran pertama"),
    "last_contribution_month": _("Iuran terakhir"),
    "jht_balance_idr": _("Saldo JHT (Rp)"),
    "joined": _("Akun dibuat"),
    "created_at": _("Dibuat"),
    "submitted_at": _("Diajukan"),
    "paid_at": _("Dibayar"),
    "sent_at": _("Dikirim"),
    "reason": _("Sebab"),
    "gross_idr": _("Bruto (Rp)"),
    "tax_idr": _("Pajak (Rp)"),
    "net_idr": _("Dibayar (Rp)"),
    "bank": _("Bank"),
    "bank_account_number": _("Nomor rekening"),
    "bank_account_name": _("Nama pemilik rekening"),
    "event": _("Jenis pemberitahuan"),
    "channel": _("Saluran"),
    "recipient": _("Penerima"),
    "subject": _("Subjek"),
    "images_kept": _("Foto masih disimpan"),
    "images_deleted_at": _("Foto dihapus"),
    "face_match_score": _("Skor pencocokan wajah"),
    "consents": _("Persetujuan"),
    "purpose": _("Tujuan"),
    "text_version": _("Versi teks"),
    "text": _("Teks"),
    "given_at": _("Diberikan"),
    "withdrawn_at": _("Ditarik"),
}


@register.filter
def field_label(key: str) -> Any:
    return LABELS.get(key, key)


@register.filter
def is_list(value: Any) -> bool:
    return isinstance(value, list | tuple)
