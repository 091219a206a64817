"""The consent texts shown with an assisted verification request, by version.

A text once shown is never edited: a change is a new version (a new key below, `CURRENT_*` pointing to
it), so every `VerificationConsent` row still names the exact words the person agreed to. The README
quotes the current texts.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from verification.models import ConsentPurpose

IDENTITY_CHECK_V1 = "identitas-v1"
FACE_MATCH_V1 = "wajah-v1"

TEXTS = {
    IDENTITY_CHECK_V1: _(
        "Saya setuju BPJS Ketenagakerjaan memproses foto KTP dan swafoto saya (data biometrik, data "
        "pribadi yang bersifat spesifik) hanya untuk memastikan identitas saya dalam permintaan aktivasi "
        "akun ini. Foto hanya dilihat petugas kantor cabang, dihapus paling lambat 30 hari setelah "
        "permintaan diputuskan, dan saya dapat menarik persetujuan ini kapan saja melalui halaman status "
        "permintaan; foto lalu segera dihapus dan permintaan ditutup."
    ),
    FACE_MATCH_V1: _(
        "Saya juga setuju swafoto saya dicocokkan secara otomatis dengan foto di data kependudukan. "
        "Hasilnya hanya menjadi bahan pertimbangan petugas dan tidak memutuskan sendiri."
    ),
}

CURRENT = {ConsentPurpose.IDENTITY_CHECK: IDENTITY_CHECK_V1, ConsentPurpose.FACE_MATCH: FACE_MATCH_V1}


def consent_text(version: str) -> str:
    return str(TEXTS[version])
