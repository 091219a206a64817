"""NIK at rest: authenticated encryption plus a keyed blind index.

- Encryption: AES-256-GCM. A ciphertext is `b"\\x01" + key_id (4 bytes) + nonce (12) + ciphertext+tag`.
  `NIK_ENCRYPTION_KEYS` lists base64 keys, newest first: new values use the first, any listed key
  decrypts, so keys rotate by prepending a new one and re-encrypting (`manage.py rotate_nik_keys`).
- Lookup: `HMAC-SHA256(NIK_BLIND_INDEX_KEY, nik)` hex, indexed, so an exact NIK finds its rows without
  the database ever holding the NIK in clear. The index key cannot rotate without re-indexing.
- Validation: 16 digits, the date of birth inside (day + 40 for women) must be a real date. The region
  table is deliberately not checked: libraries' tables are stale (docs/ids.md#nik).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils import timezone

_VERSION = b"\x01"


class InvalidNik(ValueError):
    pass


def _decode_key(raw: str) -> bytes:
    key = base64.b64decode(raw.strip(), validate=True)
    if len(key) != 32:
        raise ValueError("NIK encryption keys must be 32 bytes (base64)")
    return key


@cache
def _keys() -> tuple[tuple[bytes, bytes], ...]:
    """((key_id, key), ...) newest first."""
    keys = [_decode_key(raw) for raw in settings.NIK_ENCRYPTION_KEYS]
    return tuple((hashlib.sha256(key).digest()[:4], key) for key in keys)


def encrypt_nik(nik: str) -> bytes:
    key_id, key = _keys()[0]
    nonce = os.urandom(12)
    return _VERSION + key_id + nonce + AESGCM(key).encrypt(nonce, nik.encode(), key_id)


def decrypt_nik(blob: bytes | memoryview) -> str:
    data = bytes(blob)
    if data[:1] != _VERSION:
        raise ValueError("unknown NIK ciphertext version")
    key_id, nonce, body = data[1:5], data[5:17], data[17:]
    for candidate_id, key in _keys():
        if candidate_id == key_id:
            return AESGCM(key).decrypt(nonce, body, key_id).decode()
    raise ValueError("NIK was encrypted with a key that is no longer configured")


def needs_reencryption(blob: bytes | memoryview) -> bool:
    return bytes(blob)[1:5] != _keys()[0][0]


def nik_index(nik: str) -> str:
    key = settings.NIK_BLIND_INDEX_KEY.encode()
    return hmac.new(key, normalize_nik(nik).encode(), hashlib.sha256).hexdigest()


def normalize_nik(value: str) -> str:
    """The NIK as typed, without the spaces, dots and dashes people put between its groups.

    The one normalisation for every NIK input (forms, login, registration, imports, the blind index);
    it does not validate (`birth_date_and_sex_from_nik` does)."""
    return "".join(ch for ch in str(value) if not ch.isspace() and ch not in ".-")


def birth_date_and_sex_from_nik(nik: str) -> tuple[dt.date, str]:
    """(date of birth, 'L'/'P') encoded in a NIK; the century is the latest that is not in the future."""
    digits = normalize_nik(nik)
    if len(digits) != 16 or not digits.isdigit():
        raise InvalidNik("NIK harus 16 digit angka.")
    day, month, year2 = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    sex = "P" if day > 40 else "L"
    if day > 40:
        day -= 40
    today = timezone.localdate()
    year = 2000 + year2 if 2000 + year2 <= today.year else 1900 + year2
    try:
        born = dt.date(year, month, day)
    except ValueError as exc:
        raise InvalidNik("Tanggal lahir di dalam NIK tidak valid.") from exc
    if int(digits[12:16]) == 0:
        raise InvalidNik("Nomor urut NIK tidak boleh 0000.")
    if int(digits[0:2]) < 11:
        raise InvalidNik("Kode provinsi NIK tidak valid.")
    return born, sex


def nik_matches_person(nik: str, *, birth_date: dt.date, sex: str) -> bool:
    """The DOB inside the NIK (day + 40 for women) agrees with the recorded DOB and sex."""
    try:
        born, nik_sex = birth_date_and_sex_from_nik(nik)
    except InvalidNik:
        return False
    return (born.day, born.month, born.year % 100) == (
        birth_date.day,
        birth_date.month,
        birth_date.year % 100,
    ) and nik_sex == sex
