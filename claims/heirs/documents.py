"""The documents of a heirs' claim: one list for the whole case, each benefit naming the ones it needs
(docs/heirs.md#documents). Uploaded once and reused across benefits."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class HeirDocument(StrEnum):
    DEATH_CERTIFICATE = "death_certificate"
    KK = "kk"
    HEIR_KTP = "heir_ktp"
    HEIR_STATEMENT = "heir_statement"
    BANK_BOOK = "bank_book"
    MARRIAGE_BOOK = "marriage_book"
    BIRTH_CERTIFICATE = "birth_certificate"
    SCHOOL_PROOF = "school_proof"
    ACCIDENT_REPORT = "accident_report"
    NPWP = "npwp"
    WILL = "will"

    @property
    def label(self) -> str:
        return str(LABELS[self])


LABELS = {
    HeirDocument.DEATH_CERTIFICATE: _("Akta kematian atau surat keterangan kematian"),
    HeirDocument.KK: _("Kartu Keluarga peserta"),
    HeirDocument.HEIR_KTP: _("KTP setiap ahli waris"),
    HeirDocument.HEIR_STATEMENT: _("Surat keterangan ahli waris"),
    HeirDocument.BANK_BOOK: _("Buku tabungan ahli waris penerima"),
    HeirDocument.MARRIAGE_BOOK: _("Buku nikah atau akta perkawinan"),
    HeirDocument.BIRTH_CERTIFICATE: _("Akta kelahiran anak"),
    HeirDocument.SCHOOL_PROOF: _("Surat keterangan aktif sekolah atau kuliah"),
    HeirDocument.ACCIDENT_REPORT: _("Laporan kecelakaan kerja dari pemberi kerja"),
    HeirDocument.NPWP: _("NPWP ahli waris penerima"),
    HeirDocument.WILL: _("Surat wasiat"),
}

# Every heirs' claim needs these, whatever the benefit.
BASE: tuple[HeirDocument, ...] = (
    HeirDocument.DEATH_CERTIFICATE,
    HeirDocument.KK,
    HeirDocument.HEIR_KTP,
    HeirDocument.HEIR_STATEMENT,
    HeirDocument.BANK_BOOK,
)


def ordered(documents: set[HeirDocument]) -> tuple[HeirDocument, ...]:
    """The documents in the enum's order, so every list reads the same way."""
    return tuple(d for d in HeirDocument if d in documents)
