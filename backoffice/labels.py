"""Human labels for the codes the claim page shows (verification checks, eligibility outcomes, the
system's reasons in the status history). Staff read words; the code stays in a `title` for support."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

CHECK_LABELS = {
    "nik_structure": _("Struktur NIK"),
    "bank_name": _("Nama pemilik rekening"),
    "eligibility": _("Kelayakan klaim"),
    "documents": _("Dokumen wajib"),
    "npwp": _("NPWP"),
    "duplicate_claim": _("Klaim ganda"),
    "bank_account_reuse": _("Rekening dipakai orang lain"),
}

ELIGIBILITY_LABELS = {
    "eligible": _("Memenuhi syarat"),
    "exit_not_reported": _("Berhenti bekerja belum dilaporkan"),
    "exit_reason_mismatch": _("Sebab berhenti tidak sesuai"),
    "membership_active": _("Kepesertaan masih aktif"),
    "no_balance": _("Tidak ada saldo JHT"),
    "not_bpu": _("Bukan peserta BPU"),
    "not_working": _("Tidak sedang bekerja"),
    "open_claim_exists": _("Ada klaim lain yang sedang diproses"),
    "partial_already_taken": _("Klaim sebagian sudah pernah diambil"),
    "waiting_period": _("Masa tunggu belum lewat"),
}

HISTORY_REASON_LABELS = {
    "submit": _("Diajukan oleh peserta"),
    "verification": _("Hasil verifikasi otomatis"),
    "pay": _("Pembayaran ke rekening"),
    "exit_reason": _("Sebab berhenti bekerja dari pemberi kerja"),
}


def label_for(labels: Mapping[str, object], code: str) -> str:
    """The label of `code`, or the code itself when it has none (a new code is visible, not hidden)."""
    return str(labels.get(code, code))
