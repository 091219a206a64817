import datetime as dt

import pytest
from cryptography.exceptions import InvalidTag
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from participants import nik as nikmod
from participants.nik import (
    InvalidNik,
    birth_date_and_sex_from_nik,
    decrypt_nik,
    encrypt_nik,
    nik_index,
    nik_matches_person,
    normalize_nik,
)
from tests.factories import ParticipantFactory, make_nik

KEY_A = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="
KEY_B = "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY="


@given(st.from_regex(r"\A[0-9]{16}\Z"))
def test_encryption_round_trip_and_no_plaintext(nik: str) -> None:
    blob = encrypt_nik(nik)
    assert decrypt_nik(blob) == nik
    assert nik.encode() not in blob
    assert encrypt_nik(nik) != blob  # random nonce


def test_tampered_ciphertext_is_refused() -> None:
    blob = bytearray(encrypt_nik("3171011705900001"))
    blob[-1] ^= 1
    with pytest.raises(InvalidTag):
        decrypt_nik(bytes(blob))


def test_key_rotation_old_ciphertexts_still_decrypt() -> None:
    nikmod._keys.cache_clear()
    try:
        with override_settings(NIK_ENCRYPTION_KEYS=[KEY_A]):
            nikmod._keys.cache_clear()
            old = encrypt_nik("3171011705900001")
        with override_settings(NIK_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
            nikmod._keys.cache_clear()
            assert decrypt_nik(old) == "3171011705900001"
            assert nikmod.needs_reencryption(old)
            assert not nikmod.needs_reencryption(encrypt_nik("3171011705900001"))
        with override_settings(NIK_ENCRYPTION_KEYS=[KEY_B]):
            nikmod._keys.cache_clear()
            with pytest.raises(ValueError, match="no longer configured"):
                decrypt_nik(old)
    finally:
        nikmod._keys.cache_clear()


def test_blind_index_is_keyed_and_deterministic() -> None:
    assert nik_index("3171011705900001") == nik_index(" 3171011705900001 ")
    with override_settings(NIK_BLIND_INDEX_KEY="another-key-another-key-another-key"):
        assert (
            nik_index("3171011705900001") != nik_index.__wrapped__("3171011705900001")
            if hasattr(nik_index, "__wrapped__")
            else True
        )


def test_birth_date_and_sex_from_nik_women_plus_40() -> None:
    assert birth_date_and_sex_from_nik("3171015705900002") == (dt.date(1990, 5, 17), "P")
    assert birth_date_and_sex_from_nik("3171011705900001") == (dt.date(1990, 5, 17), "L")


@pytest.mark.parametrize(
    "bad",
    ["317101170590000", "31710117059000011", "3171013202900001", "3171011705900000", "0971011705900001"],
)
def test_invalid_niks(bad: str) -> None:
    with pytest.raises(InvalidNik):
        birth_date_and_sex_from_nik(bad)


def test_new_province_codes_are_accepted() -> None:
    # 65 Kalimantan Utara and the 2022 Papua provinces are missing from stale tables.
    for province in ("65", "92", "95", "96", "97"):
        assert birth_date_and_sex_from_nik(f"{province}71011705900001")[1] == "L"


def test_nik_matches_person() -> None:
    nik = make_nik(birth_date=dt.date(1988, 2, 29), sex="P", serial=7)
    assert nik_matches_person(nik, birth_date=dt.date(1988, 2, 29), sex="P")
    assert not nik_matches_person(nik, birth_date=dt.date(1988, 2, 29), sex="L")
    assert not nik_matches_person(nik, birth_date=dt.date(1988, 3, 1), sex="P")


@pytest.mark.django_db
def test_participant_stores_only_ciphertext_and_index() -> None:
    from django.db import connection

    p = ParticipantFactory(nik="3171011705900001")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM participants_participant WHERE id = %s", [p.pk])
        row = cursor.fetchone()
    assert row is not None
    assert not any("3171011705900001" in str(value) for value in row)
    p.refresh_from_db()
    assert p.nik == "3171011705900001"


@pytest.mark.parametrize(
    "typed", ["3171234501900001", " 3171 2345 0190 0001 ", "3171.2345.0190.0001", "31-71-23-450190-0001"]
)
def test_normalize_nik_drops_the_separators_people_type(typed: str) -> None:
    assert normalize_nik(typed) == "3171234501900001"
    assert nik_index(typed) == nik_index("3171234501900001")
