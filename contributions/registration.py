"""BPU self-registration for people without a KPJ: form → code → KPJ, profile and account.

Nothing exists before the code is confirmed: step 1 stores a `PendingBpuRegistration` (NIK encrypted,
code hashed, expiring after `ACTIVATION_CODE_TTL`) and queues the code in the notification outbox
(`contributions.notices`; sent by the notifications app's task after commit, never inside the
request), using the activation code mechanism (`accounts.codes`). The code goes by email; on the code
page the person may ask for a new one by email or by SMS to the phone given in the form, after the
same cool-down and within the same limits as account activation. Step 2, with the right code and a
password, creates in one transaction the participant (BPU, aktif, a new random KPJ), its first
declaration and profile, and the online account (`accounts.services.account_create_for_participant`).

Against enumeration, step 1 answers the same whatever the NIK or email, with the same work: when the
email already has an account the mailbox receives a notice instead of a code (as activation does), and
when the NIK already has a KPJ nothing is sent to what the visitor typed: the "you already have a KPJ,
activate it" notice goes to the contacts on record of that KPJ (participants/contacts.py). Such a
pending row can never complete, so whoever typed the NIK learns nothing about it (README, "Identitas
dan kontak tercatat"). A NIK registered between the two steps ends the same way, as a void code.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import structlog
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.id import nik as stdnum_nik

from accounts.codes import (
    code_hash,
    code_matches,
    code_max_attempts,
    code_max_sends,
    code_new,
    code_resend_available_at,
    code_sms_allowed,
    code_ttl_seconds,
)
from accounts.services import account_create_for_participant
from contributions import notices
from contributions.billing import current_period
from contributions.declarations import DeclarationError, bpu_declaration_record, check_income
from contributions.kpj import kpj_allocate
from contributions.models import DeclarationSource, PendingBpuRegistration, WorkType
from participants.models import (
    Branch,
    Category,
    ContactSource,
    MembershipStatus,
    Participant,
    Sex,
    StatusReason,
    User,
)
from participants.nik import (
    InvalidNik,
    birth_date_and_sex_from_nik,
    decrypt_nik,
    encrypt_nik,
    nik_index,
    nik_matches_person,
    normalize_nik,
)
from participants.services import participant_create
from portal.phones import normalize_msisdn

log = structlog.get_logger(__name__)

# Youngest age at which someone may register as a BPU worker (UU 13/2003: adult worker at 18).
MIN_AGE_YEARS = 18
OLDEST_BIRTH_YEAR = 1900


class RegistrationInvalid(ValueError):
    """Step 1 refused the data; `str(exc)` is a message for the visitor. Nothing was saved or sent."""


class RegistrationError(Exception):
    """Step 2 failed. `reason`: invalid (wrong code, try again), expired, void (used, voided, unknown,
    or too many wrong codes). The wrong-code count is committed before this is raised. Asking for a new
    code adds cooldown, limit, no_phone and rate_limited (nothing changed, nothing sent)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Registered:
    participant: Participant
    user: User


def age_on(birth_date: dt.date, today: dt.date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def check_person(*, nik: str, birth_date: dt.date, sex: str, today: dt.date | None = None) -> None:
    """The NIK is well formed and agrees with the date of birth and sex; the person is old enough.

    Raises RegistrationInvalid. The region code is not checked (python-stdnum's table is stale,
    docs/ids.md#nik): an unknown region is only logged, without the NIK.
    """
    today = today or timezone.localdate()
    try:
        birth_date_and_sex_from_nik(nik)
    except InvalidNik:
        raise RegistrationInvalid(_("NIK tidak valid. Periksa kembali 16 digit NIK pada KTP Anda.")) from None
    if birth_date > today or birth_date.year < OLDEST_BIRTH_YEAR:
        raise RegistrationInvalid(_("Tanggal lahir tidak valid."))
    if age_on(birth_date, today) < MIN_AGE_YEARS:
        raise RegistrationInvalid(
            _("Pendaftaran peserta BPU untuk usia %(age)d tahun ke atas.") % {"age": MIN_AGE_YEARS}
        )
    if sex not in Sex.values or not nik_matches_person(nik, birth_date=birth_date, sex=sex):
        raise RegistrationInvalid(
            _("Tanggal lahir atau jenis kelamin tidak sesuai dengan NIK. Periksa kembali KTP Anda.")
        )
    try:
        stdnum_nik.validate(nik)
    except StdnumError:
        log.info("registration.nik_region_not_in_stdnum_table")


@transaction.atomic
def bpu_registration_start(
    *,
    nik: str,
    full_name: str,
    birth_date: dt.date,
    sex: str,
    address: str,
    phone: str,
    email: str,
    work_type: str,
    declared_income_idr: int,
    with_jht: bool,
    branch: Branch,
    today: dt.date | None = None,
    language: str = "id",
) -> PendingBpuRegistration:
    """Check the data, store it as a pending registration and queue a 6-digit code by email.

    JKK and JKM are always included (the caller's form insists on them); JHT is `with_jht`. Raises
    RegistrationInvalid (nothing saved or queued). Earlier pending registrations of the same NIK are
    voided: only the newest code works. When the email already belongs to an account, the mailbox
    gets a notice instead of a code and the pending row can never complete. The message is written to
    the outbox in this transaction and sent by a task after commit. Not idempotent (each call queues
    a new code): callers rate-limit it.
    """
    today = today or timezone.localdate()
    nik = normalize_nik(nik)
    check_person(nik=nik, birth_date=birth_date, sex=sex, today=today)
    if work_type not in WorkType.values:
        raise RegistrationInvalid(_("Pilih jenis pekerjaan dari daftar."))
    try:
        check_income(declared_income_idr, on=current_period(today))
    except DeclarationError as exc:
        raise RegistrationInvalid(str(exc)) from None
    email = email.strip().lower()
    index = nik_index(nik)
    now = timezone.now()
    PendingBpuRegistration.objects.filter(
        nik_index=index, used_at__isnull=True, voided_at__isnull=True
    ).update(voided_at=now)
    email_taken = User.objects.filter(email__iexact=email).exists()
    existing = Participant.objects.filter(nik_index=index).order_by("registered_on", "kpj").first()
    code = code_new()
    pending = PendingBpuRegistration(
        nik_encrypted=encrypt_nik(nik),
        nik_index=index,
        full_name=full_name.strip(),
        birth_date=birth_date,
        sex=sex,
        address=address.strip(),
        phone=phone,
        email=email,
        work_type=work_type,
        declared_income_idr=declared_income_idr,
        with_jht=with_jht,
        branch=branch,
        email_taken=email_taken,
        nik_registered=existing is not None,
        expires_at=now + dt.timedelta(seconds=code_ttl_seconds()),
        created_at=now,
        channel="email",
        sends=1,
        last_sent_at=now,
    )
    pending.code_hash = code_hash(pending_id=pending.id, code=code)
    pending.save(force_insert=True)
    if existing is not None:
        notices.bpu_registration_existing(pending=pending, participant=existing, language=language)
    else:
        notices.bpu_registration_code(pending=pending, code=code, language=language)
    return pending


def bpu_registration_resend(
    *, registration_id: uuid.UUID | str, channel: str, language: str = "id"
) -> PendingBpuRegistration:
    """Queue a new code for a pending registration, by email or by SMS to the phone given in the form;
    the previous code stops working.

    Raises RegistrationError("void") for a used, voided, expired or unknown registration, "cooldown"
    before ACTIVATION_RESEND_COOLDOWN seconds since the last code, "limit" after ACTIVATION_MAX_SENDS
    codes, "no_phone" when SMS is asked and the phone is not a mobile number, "rate_limited" when the
    phone's SMS codes are over their hourly limit (shared with account activation). Wrong-code
    attempts carry over. Nothing changes and nothing is queued when it raises.
    """
    with transaction.atomic():
        try:
            pending = PendingBpuRegistration.objects.select_for_update().get(pk=registration_id)
        except (PendingBpuRegistration.DoesNotExist, ValidationError, ValueError, TypeError):
            raise RegistrationError("void") from None
        now = timezone.now()
        if pending.used_at or pending.voided_at or now >= pending.expires_at:
            raise RegistrationError("void")
        if now < code_resend_available_at(pending):
            raise RegistrationError("cooldown")
        if pending.sends >= code_max_sends():
            raise RegistrationError("limit")
        if channel == "sms":
            msisdn = normalize_msisdn(pending.phone)
            if not msisdn:
                raise RegistrationError("no_phone")
            if not code_sms_allowed(msisdn):
                raise RegistrationError("rate_limited")
        code = code_new()
        pending.channel = "sms" if channel == "sms" else "email"
        pending.sends += 1
        pending.last_sent_at = now
        pending.expires_at = now + dt.timedelta(seconds=code_ttl_seconds())
        pending.code_hash = code_hash(pending_id=pending.id, code=code)
        pending.save(update_fields=["channel", "sends", "last_sent_at", "expires_at", "code_hash"])
        if not pending.nik_registered:  # the owner was told once, at step 1
            notices.bpu_registration_code(pending=pending, code=code, language=language)
    return pending


def _lock_nik(index: str) -> None:
    """Serialise registrations of one NIK until the transaction ends (two tabs confirming at once)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"bpu-nik:{index}"])


def bpu_registration_code_wrong(*, registration_id: uuid.UUID | str, code: str) -> bool:
    """True (and the wrong attempt counted, like `bpu_registration_confirm` does) when `code` is not the
    registration's code; False when it is right or the registration is no longer usable (the full
    confirmation then says why). Nothing is created or used up. Lets the code page report a wrong code
    together with the form's other errors instead of one per try."""
    with transaction.atomic():
        try:
            pending = PendingBpuRegistration.objects.select_for_update().get(pk=registration_id)
        except (PendingBpuRegistration.DoesNotExist, ValidationError, ValueError, TypeError):
            return False
        now = timezone.now()
        if pending.used_at or pending.voided_at or now >= pending.expires_at:
            return False
        if code_matches(pending_id=pending.id, code=code, stored_hash=pending.code_hash):
            return False
        pending.attempts += 1
        if pending.attempts >= code_max_attempts():
            pending.voided_at = now
        pending.save(update_fields=["attempts", "voided_at"])
        return True


def bpu_registration_confirm(
    *, registration_id: uuid.UUID | str, code: str, password: str, today: dt.date | None = None
) -> Registered:
    """Check the code and, when right, create participant, declaration, profile and account at once.

    Raises RegistrationError("invalid") for a wrong code (counted; the last allowed wrong code voids
    the registration and raises "void"), RegistrationError("expired") after the code's lifetime,
    RegistrationError("void") when used, voided, unknown, the email was taken meanwhile, or the NIK has
    a KPJ (nothing created; the KPJ's contacts on record are told to activate instead).
    A used code never works again.
    """
    outcome = ""
    registered: Registered | None = None
    with transaction.atomic():
        try:
            pending = PendingBpuRegistration.objects.select_for_update().get(pk=registration_id)
        except (PendingBpuRegistration.DoesNotExist, ValidationError, ValueError, TypeError):
            raise RegistrationError("void") from None
        now = timezone.now()
        if pending.used_at or pending.voided_at:
            raise RegistrationError("void")
        if now >= pending.expires_at:
            pending.voided_at = now
            pending.save(update_fields=["voided_at"])
            outcome = "expired"
        elif (
            pending.email_taken
            or pending.nik_registered
            or not code_matches(pending_id=pending.id, code=code, stored_hash=pending.code_hash)
        ):
            pending.attempts += 1
            if pending.attempts >= code_max_attempts():
                pending.voided_at = now
            pending.save(update_fields=["attempts", "voided_at"])
            outcome = "void" if pending.voided_at else "invalid"
        else:
            pending.used_at = now
            pending.save(update_fields=["used_at"])
            _lock_nik(pending.nik_index)
            existing = (
                Participant.objects.filter(nik_index=pending.nik_index)
                .order_by("registered_on", "kpj")
                .first()
            )
            if existing is not None:
                # Registered since step 1: the code holder learns nothing, the owner is told.
                notices.bpu_registration_existing(pending=pending, participant=existing, language="id")
                outcome = "void"
            elif User.objects.filter(email__iexact=pending.email).exists():
                outcome = "void"  # someone took the email since the code was sent
            else:
                with transaction.atomic():
                    registered = _create(pending, password=password, today=today or timezone.localdate())
    # Raised only after the transaction committed the attempt count / voiding / use.
    if outcome:
        raise RegistrationError(outcome)
    assert registered is not None
    log.info("registration.completed", kpj=registered.participant.kpj)
    return registered


def _create(pending: PendingBpuRegistration, *, password: str, today: dt.date) -> Registered:
    nik = decrypt_nik(pending.nik_encrypted)

    def insert(kpj: str) -> Participant:
        return participant_create(
            kpj=kpj,
            nik=nik,
            full_name=pending.full_name,
            birth_date=pending.birth_date,
            sex=pending.sex,
            category=Category.BPU,
            branch=pending.branch,
            registered_on=today,
            email=pending.email,
            phone=pending.phone,
            # The code proved the contact it went to; both were given in the form (contacts.py).
            contact_source=ContactSource.BPU_REGISTRATION,
            address=pending.address,
            status=MembershipStatus.AKTIF,
            status_reason=StatusReason.REGISTERED,
        )

    participant = kpj_allocate(insert)
    bpu_declaration_record(
        participant=participant,
        declared_income_idr=pending.declared_income_idr,
        with_jht=pending.with_jht,
        effective_from=current_period(today),
        source=DeclarationSource.REGISTRATION,
        work_type=pending.work_type,
    )
    # The caller checked that no account has this email. If one appeared in the instant since, the
    # service links the new KPJ to it: that account's owner received this code at the same address.
    # A code by SMS proves the phone, not the email address (as in account activation).
    user = account_create_for_participant(
        participant=participant,
        email=pending.email,
        password=password,
        email_verified=pending.channel == "email",
    )
    return Registered(participant=participant, user=user)


def pending_registration_purge(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete pending registrations that ended (expired, used or voided) more than `older_than` ago:
    they hold personal data that is of no use once the code cannot be used. Idempotent."""
    cutoff = timezone.now() - older_than
    deleted, _per_model = PendingBpuRegistration.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
