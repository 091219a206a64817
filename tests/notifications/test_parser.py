"""The SMS command parser: exact grammar, never raises, anything else is Help."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from notifications.sms_commands import (
    Balance,
    Help,
    Register,
    format_register,
    normalize_name,
    parse_command,
)

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
kpjs = st.text(alphabet="0123456789", min_size=11, max_size=11)
niks = st.text(alphabet="0123456789", min_size=16, max_size=16)
# Names as written in Indonesia: Latin script, accented letters included.
words = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll"), max_codepoint=0x24F), min_size=1, max_size=12
)
names = st.lists(words, min_size=1, max_size=4).map(" ".join)
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))
emails = st.one_of(st.just(""), st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.(id|com)", fullmatch=True))
registers = st.builds(Register, nik=niks, name=names, birth_date=dates, kpj=kpjs, email=emails)


@given(st.text(max_size=400))
def test_never_raises_and_returns_a_command(text: str) -> None:
    assert isinstance(parse_command(text), Register | Balance | Help)


@given(registers)
def test_register_round_trips(command: Register) -> None:
    assert parse_command(format_register(command)) == command


@given(registers, st.sampled_from(["\n", " ", "\r\n", "  \t"]))
def test_whitespace_around_the_message_is_ignored(command: Register, pad: str) -> None:
    assert parse_command(pad + format_register(command) + pad) == command


@given(kpjs)
def test_balance_round_trips(kpj: str) -> None:
    assert parse_command(f"SALDO {kpj}") == Balance(kpj=kpj)


@given(kpjs)
def test_balance_variants_are_help(kpj: str) -> None:
    for text in (
        f"saldo {kpj}",
        f"SALDO  {kpj}",
        f"SALDO#{kpj}",
        f"SALDO{kpj}",
        f"SALDO {kpj[:-1]}",
        f"SALDO {kpj}1",
    ):
        assert parse_command(text) == Help(), text


@given(registers, st.sampled_from(["lower", "extra_space", "separator", "missing_field", "bad_nik"]))
def test_register_variants_are_help(command: Register, how: str) -> None:
    text = format_register(command)
    if how == "lower":
        text = text.replace("DAFTAR SALDO", "daftar saldo")
    elif how == "extra_space":
        text = text.replace("DAFTAR SALDO", "DAFTAR  SALDO")
    elif how == "separator":
        text = text.replace("#", "*")
    elif how == "missing_field":
        text = text.replace(f"#{command.kpj}", "")
    elif how == "bad_nik":
        text = text.replace(command.nik, command.nik[:-1])
    assert parse_command(text) == Help()


@given(names, names)
def test_name_comparison_ignores_case_and_spacing(a: str, b: str) -> None:
    assert normalize_name(f"  {a.lower()}   ") == normalize_name(a.upper())
    if normalize_name(a) != normalize_name(b):
        assert normalize_name(a.lower()) != normalize_name(b.upper())


def test_impossible_date_and_bad_email_are_help() -> None:
    base = "DAFTAR SALDO#3171010907880777#Budi Santoso#{dob}#11122233344"
    assert parse_command(base.format(dob="31-02-1990")) == Help()
    assert parse_command(base.format(dob="09-07-1988") + "#not-an-email") == Help()
    assert parse_command(base.format(dob="09-07-1988")) == Register(
        nik="3171010907880777", name="Budi Santoso", birth_date=dt.date(1988, 7, 9), kpj="11122233344"
    )


def test_name_with_double_space_or_digits_only_is_help() -> None:
    assert parse_command("DAFTAR SALDO#3171010907880777#Budi  Santoso#09-07-1988#11122233344") == Help()
    assert parse_command("DAFTAR SALDO#3171010907880777#1234#09-07-1988#11122233344") == Help()
    assert parse_command("x" * 321) == Help()
