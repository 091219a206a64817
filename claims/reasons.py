"""Rejection reason codes, each with a plain-language fix the claimant can act on.

See docs/claims.md#rejection-reasons.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RejectionReason:
    code: str
    label: str | Promise
    fix: str | Promise


REJECTION_REASONS: dict[str, RejectionReason] = {
    r.code: r
    for r in (
        RejectionReason(
            "data_mismatch",
            _("Nama, tanggal lahir atau NIK berbeda antara data kepesertaan, KTP, KK atau surat kerja."),
            _(
                "Perbaiki data di Dukcapil atau minta pemberi kerja memperbaiki data kepesertaan, "
                "lalu ajukan "
                "klaim baru."
            ),
        ),
        RejectionReason(
            "bank_account_not_own",
            _("Rekening bank bukan atas nama Anda sendiri."),
            _("Ajukan klaim baru dengan rekening atas nama Anda sendiri, sesuai KTP."),
        ),
        RejectionReason(
            "documents_incomplete",
            _("Dokumen yang diwajibkan tidak lengkap."),
            _("Ajukan klaim baru dan unggah semua dokumen yang tercantum di daftar persyaratan."),
        ),
        RejectionReason(
            "documents_unreadable",
            _("Dokumen tidak terbaca atau tidak asli."),
            _(
                "Pindai atau foto ulang dokumen asli dengan jelas (seluruh halaman terlihat), "
                "lalu ajukan lagi."
            ),
        ),
        RejectionReason(
            "not_eligible",
            _("Syarat klaim untuk sebab yang dipilih belum terpenuhi."),
            _("Periksa halaman kelayakan klaim untuk melihat syarat mana yang belum terpenuhi dan kapan."),
        ),
        RejectionReason(
            "exit_not_reported",
            _("Pemberi kerja belum melaporkan bahwa Anda berhenti bekerja."),
            _("Minta HRD pemberi kerja melaporkan tanggal Anda berhenti, lalu ajukan klaim lagi."),
        ),
        RejectionReason(
            "npwp_missing",
            _("NPWP wajib untuk klaim di atas batas yang berlaku tetapi tidak ada atau tidak valid."),
            _("Ajukan klaim lagi dengan NPWP Anda (atau NIK Anda bila sudah dipadankan sebagai NPWP)."),
        ),
        RejectionReason(
            "interview_failed",
            _("Wawancara video tidak dapat dilakukan atau identitas tidak dapat dipastikan."),
            _("Ajukan klaim lagi dan pastikan Anda dapat hadir pada jadwal wawancara dengan KTP asli."),
        ),
        RejectionReason(
            "duplicate_claim",
            _("Klaim yang sama sudah pernah diajukan atau dibayar."),
            _("Periksa riwayat klaim Anda; hubungi kantor cabang bila menurut Anda ini keliru."),
        ),
        RejectionReason(
            "other",
            _("Alasan lain, lihat catatan petugas."),
            _("Baca catatan petugas; bila ada yang kurang jelas, hubungi kantor cabang Anda."),
        ),
    )
}
