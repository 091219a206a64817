"""The SMS balance service's commands, parsed strictly (pure functions, no database).

    DAFTAR SALDO#<NIK>#<NAMA>#<DD-MM-YYYY>#<KPJ>[#<EMAIL>]   register this phone for the KPJ
    SALDO <KPJ>                                              the JHT balance

The keywords are upper case with single spaces, as printed on the official instructions; anything
else — lower case, other separators, extra spaces inside, missing fields — is `Help`. Only whitespace
around the whole message is ignored (phones and gateways add trailing newlines). The name is free
text (letters, spaces, `.`, `'`, `-`, `,`); it is compared tolerant of case and spacing later.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_TEXT = 320

_REGISTER = re.compile(
    r"DAFTAR SALDO#(?P<nik>[0-9]{16})#(?P<name>[^#]{1,100})#(?P<dob>[0-9]{2}-[0-9]{2}-[0-9]{4})"
    r"#(?P<kpj>[0-9]{11})(?:#(?P<email>[^#\s]{3,254}))?"
)
_BALANCE = re.compile(r"SALDO (?P<kpj>[0-9]{11})")
_NAME = re.compile(r"[^\W\d_][\w .,'\-]*", re.UNICODE)


@dataclass(frozen=True)
class Register:
    nik: str
    name: str
    birth_date: dt.date
    kpj: str
    email: str = ""


@dataclass(frozen=True)
class Balance:
    kpj: str


@dataclass(frozen=True)
class Help:
    pass


Command = Register | Balance | Help


def normalize_name(value: str) -> str:
    """`  budi   santoso ` and `BUDI SANTOSO` compare equal."""
    return " ".join(unicodedata.normalize("NFKC", value).upper().casefold().split())


def parse_command(text: str) -> Command:
    """Parse one inbound SMS. Never raises; anything not exactly a command is `Help()`."""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return Help()
    text = text.strip()
    if match := _BALANCE.fullmatch(text):
        return Balance(kpj=match["kpj"])
    match = _REGISTER.fullmatch(text)
    if match is None:
        return Help()
    name = match["name"]
    if name != name.strip() or "  " in name or not _NAME.fullmatch(name):
        return Help()
    try:
        day, month, year = match["dob"].split("-")
        birth_date = dt.date(int(year), int(month), int(day))
    except ValueError:
        return Help()
    email = match["email"] or ""
    if email:
        try:
            validate_email(email)
        except ValidationError:
            return Help()
    return Register(nik=match["nik"], name=name, birth_date=birth_date, kpj=match["kpj"], email=email.lower())


def format_register(command: Register) -> str:
    """The message text that parses back to `command` (tests and the development page use it)."""
    text = f"DAFTAR SALDO#{command.nik}#{command.name}#{command.birth_date:%d-%m-%Y}#{command.kpj}"
    return f"{text}#{command.email}" if command.email else text
