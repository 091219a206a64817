"""Contacts on record: the email addresses and mobile numbers the portal trusts to reach a person.

Data printed on a KTP or KPJ card (NIK, KPJ, name, birth date) identifies a person but proves nothing
(README, "Identitas dan kontak tercatat"). What proves control is a code sent to a contact that came to
the record by another route than the visitor typing it: an employer's import, the BPU registration
(confirmed by a code), branch staff, or an earlier account email whose control was proven. Account
activation, the SMS balance channel and the "Bukan saya" notices all read contacts through
`contacts_on_record`, so they agree on where a code or a warning goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

from participants.models import ContactSource, Participant, User
from portal.masking import mask_personal_numbers
from portal.phones import normalize_msisdn

__all__ = ["ACCOUNT_SOURCE", "ContactOnRecord", "ContactSource", "contacts_on_record"]

# The account's own address: its control was proven by a code (activation or allauth's verification).
ACCOUNT_SOURCE = "account"

ContactKind = Literal["email", "phone"]


@dataclass(frozen=True)
class ContactOnRecord:
    """One contact. `value` is normalised (email lower case, phone as msisdn `628…`); `masked` is what
    a page may show to someone who has not proven anything yet (`b***@contoh.id`, `0812****90`)."""

    kind: ContactKind
    value: str
    masked: str
    source: str


def mask_email(email: str) -> str:
    """`budi@contoh.id` → `b***@contoh.id`."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_phone(phone: str) -> str:
    """`081234567890`, `6281234567890` → `0812****90`; '' when not a mobile number."""
    msisdn = normalize_msisdn(phone)
    return mask_personal_numbers("0" + msisdn[2:]) if msisdn else ""


def _usable_email(value: str) -> str:
    value = (value or "").strip().lower()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def email_contact(value: str, *, source: str) -> ContactOnRecord | None:
    clean = _usable_email(value)
    return ContactOnRecord("email", clean, mask_email(clean), source) if clean else None


def phone_contact(value: str, *, source: str) -> ContactOnRecord | None:
    msisdn = normalize_msisdn(value)
    return ContactOnRecord("phone", msisdn, mask_phone(msisdn), source) if msisdn else None


def _account_emails(user_id: int | None) -> list[str]:
    if user_id is None:
        return []
    # allauth's EmailAddress rows, read by table name through the user: participants sits below the
    # accounts layer, so it reads the verified addresses without importing allauth's app code.
    return list(
        User.objects.filter(pk=user_id, is_active=True, emailaddress__verified=True)
        .order_by("-emailaddress__primary", "emailaddress__email")
        .values_list("emailaddress__email", flat=True)
    )


def contacts_on_record(participant: Participant) -> list[ContactOnRecord]:
    """The participant's contacts, most trusted first: the account's verified emails, then the
    record's email and mobile number (from the employer's import, the BPU registration or the
    branch). Duplicates are dropped; an unusable value (no `@`, a landline) is not a contact. Empty
    when the record holds nothing usable: the person then needs assisted verification."""
    found: list[ContactOnRecord] = []
    candidates = [
        *(email_contact(e, source=ACCOUNT_SOURCE) for e in _account_emails(participant.user_id)),
        email_contact(participant.email, source=participant.contact_source),
        phone_contact(participant.phone, source=participant.contact_source),
    ]
    seen: set[tuple[str, str]] = set()
    for contact in candidates:
        if contact is not None and (contact.kind, contact.value) not in seen:
            seen.add((contact.kind, contact.value))
            found.append(contact)
    return found


def contacts_of_person(*, nik_index: str = "", user: User | None = None) -> list[ContactOnRecord]:
    """Every contact on record of one person: all KPJs of the NIK (blind index) and/or of the account."""
    query = models.Q(pk__in=[])
    if nik_index:
        query |= models.Q(nik_index=nik_index)
    if user is not None:
        query |= models.Q(user=user)
    found: list[ContactOnRecord] = []
    seen: set[tuple[str, str]] = set()
    for participant in Participant.objects.filter(query).order_by("registered_on", "kpj"):
        for contact in contacts_on_record(participant):
            if (contact.kind, contact.value) not in seen:
                seen.add((contact.kind, contact.value))
                found.append(contact)
    if user is not None and not found:
        for email in _account_emails(user.pk):
            account = email_contact(email, source=ACCOUNT_SOURCE)
            if account is not None and ("email", account.value) not in seen:
                seen.add(("email", account.value))
                found.append(account)
    return found


def phone_is_on_record(participant: Participant, phone: str) -> bool:
    """Whether `phone` (any format) is one of the participant's contacts on record."""
    msisdn = normalize_msisdn(phone)
    return bool(msisdn) and any(
        c.kind == "phone" and c.value == msisdn for c in contacts_on_record(participant)
    )
