"""The SMS balance service: one inbound message in, one reply queued through the outbox.

`inbound_sms_handle` guarantees:
- the same provider message id is processed once (a unique row inserted in the same transaction as
  the effect; a concurrent duplicate waits on the index and then sees the row);
- a phone is bound at once only when NIK, name (case and spacing ignored), date of birth and KPJ all
  match one participant, the sender is a phone on record for it, and the KPJ's registration attempts
  are under their rate limit; a match from another phone only asks the owner to confirm through the
  contacts on record (notifications/sms_binding.py). Every other outcome — mismatch, other phone,
  already bound, rate limit — gets one and the same reply;
- the balance goes only to the phone registered for that KPJ, read from the balance row (no SUM);
- nothing is logged or stored with the NIK in clear (the stored text is masked).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.ratelimit import ratelimit_hit
from notifications.models import InboundOutcome, InboundSms, SmsRegistration
from notifications.services import notify
from notifications.sms_binding import sms_bind, sms_binding_request
from notifications.sms_commands import Balance, Register, normalize_name, parse_command
from participants.contacts import phone_is_on_record
from participants.models import Participant
from participants.nik import nik_index
from portal.masking import mask_personal_numbers

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class InboundResult:
    outcome: str  # an InboundOutcome value, or "duplicate"
    reply_ids: tuple[int, ...] = ()


# One reply for every DAFTAR outcome except an immediate binding by a phone on record: a mismatch, a
# match from another phone and an already-bound KPJ must read the same (README, "SMS saldo").
_RECEIVED: tuple[str, dict[str, object]] = (InboundOutcome.REGISTER_REFUSED, {"kind": "register_received"})


def _register(sender: str, command: Register) -> tuple[str, dict[str, object]]:
    if not ratelimit_hit(
        key=f"sms:daftar:kpj:{command.kpj}", limit=settings.SMS_REGISTER_RATE_PER_KPJ, window_seconds=3600
    ):
        return _RECEIVED
    participant = (
        Participant.objects.select_for_update()
        .filter(kpj=command.kpj, nik_index=nik_index(command.nik), birth_date=command.birth_date)
        .first()
    )
    # Comparing the name in Python keeps the query on indexed columns and the reply the same whatever
    # did not match.
    if participant is None or normalize_name(participant.full_name) != normalize_name(command.name):
        return _RECEIVED
    if phone_is_on_record(participant, sender):
        sms_bind(participant=participant, phone=sender, email=command.email)
        return InboundOutcome.REGISTERED, {"kind": "registered", "kpj": command.kpj}
    # The data matched but the phone is not the owner's on record: the owner confirms (or not).
    sms_binding_request(participant=participant, phone=sender, email=command.email)
    return InboundOutcome.BINDING_REQUESTED, _RECEIVED[1]


def _balance(sender: str, command: Balance) -> tuple[str, dict[str, object]]:
    registration = (
        SmsRegistration.objects.filter(participant__kpj=command.kpj, phone=sender)
        .select_related("participant__jht_balance")
        .first()
    )
    if registration is None:
        return InboundOutcome.NOT_REGISTERED, {"kind": "not_registered"}
    participant = registration.participant
    balance = getattr(participant, "jht_balance", None)
    amount = balance.balance_idr if balance is not None else 0
    as_of = timezone.localdate(balance.updated_at) if balance is not None else timezone.localdate()
    return InboundOutcome.BALANCE, {
        "kind": "balance",
        "kpj": command.kpj,
        "amount_idr": amount,
        "as_of": as_of,
    }


def inbound_sms_handle(*, message_id: str, sender: str, text: str) -> InboundResult:
    """Process one inbound SMS (sender already normalised, see portal.phones). Idempotent per
    message id. The caller applies the per-sender rate limit before calling."""
    command = parse_command(text)
    command_name = type(command).__name__.lower()
    # One transaction, no savepoints: the effect, the reply and the message row commit together. The
    # message row goes in last; a duplicate (sequential or concurrent, which waits on the unique index)
    # fails there and rolls everything back, its reply included.
    try:
        with transaction.atomic():
            if isinstance(command, Register):
                outcome, context = _register(sender, command)
            elif isinstance(command, Balance):
                outcome, context = _balance(sender, command)
            else:
                outcome, context = InboundOutcome.HELP, {"kind": "help"}
            ids = notify(
                event="sms_reply",
                event_key=f"sms_reply:{message_id}",
                context=context,
                phone=sender,
            )
            InboundSms.objects.create(
                message_id=message_id,
                sender=sender,
                text_masked=mask_personal_numbers(text)[:320],
                command=command_name[:10],
                outcome=outcome,
                reply_id=ids[0] if ids else None,
            )
    except IntegrityError:
        if not InboundSms.objects.filter(message_id=message_id).exists():
            raise
        log.info("sms.inbound_duplicate", sender=mask_personal_numbers(sender))
        return InboundResult(outcome="duplicate")
    log.info("sms.inbound", sender=mask_personal_numbers(sender), command=command_name, outcome=str(outcome))
    return InboundResult(outcome=str(outcome), reply_ids=tuple(ids))


def secret_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison; an unset expected secret matches nothing."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())
