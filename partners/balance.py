"""Our extension (outside the SNAP service list): the JHT balance for partner ATMs and mobile banking.

The partner sends the KPJ and `HMAC-SHA256(clientSecret, NIK)` of the customer it verified itself. We
answer only when that hash matches the KPJ's NIK and the participant has not switched the service off;
every question about a KPJ we know is logged for the participant (`BalanceLookup`). An unknown KPJ and a
NIK that does not match get the same answer, so the service cannot be used to test numbers.
"""

from __future__ import annotations

import hmac
import re
from typing import Any

import structlog
from django.utils import timezone

from participants.ledger.models import JhtBalance
from participants.models import Participant
from partners import codes
from partners.auth import Caller, SnapError
from partners.journal import Answer
from partners.models import BalanceLookup, BalanceOptOut, LookupOutcome
from partners.signatures import format_timestamp, nik_hash
from partners.va import money
from portal.masking import mask_name

log = structlog.get_logger(__name__)

_KPJ = re.compile(r"^[0-9]{11}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def balance_inquiry(caller: Caller, payload: dict[str, Any]) -> Answer:
    service = codes.JHT_BALANCE
    kpj = payload.get("customerNo")
    extra = payload.get("additionalInfo")
    hashed = extra.get("hashedNik") if isinstance(extra, dict) else None
    if not isinstance(kpj, str) or not kpj:
        raise SnapError(codes.INVALID_MANDATORY_FIELD, "customerNo")
    if not isinstance(hashed, str) or not hashed:
        raise SnapError(codes.INVALID_MANDATORY_FIELD, "additionalInfo.hashedNik")
    if not _KPJ.match(kpj):
        raise SnapError(codes.INVALID_FIELD_FORMAT, "customerNo")
    if not _HEX64.match(hashed):
        raise SnapError(codes.INVALID_FIELD_FORMAT, "additionalInfo.hashedNik")
    participant = Participant.objects.filter(kpj=kpj).first()
    not_found = codes.body(codes.INVALID_ACCOUNT, service)
    if participant is None:
        return codes.INVALID_ACCOUNT.http_status, not_found

    def logged(outcome: str) -> None:
        BalanceLookup.objects.create(
            participant=participant, partner=caller.partner, channel_id=caller.channel_id, outcome=outcome
        )
        log.info("snap.balance_lookup", client_id=caller.partner.client_id, outcome=outcome)

    expected = nik_hash(secret=caller.credential.secret, nik=participant.nik)
    if not hmac.compare_digest(expected, hashed):
        logged(LookupOutcome.NIK_MISMATCH)
        return codes.INVALID_ACCOUNT.http_status, not_found
    if BalanceOptOut.objects.filter(participant=participant).exists():
        logged(LookupOutcome.SWITCHED_OFF)
        return codes.FEATURE_NOT_ALLOWED.http_status, codes.body(
            codes.FEATURE_NOT_ALLOWED, service, "The participant switched this service off"
        )
    balance = (
        JhtBalance.objects.filter(account=participant).values_list("balance_idr", flat=True).first() or 0
    )
    logged(LookupOutcome.ANSWERED)
    return 200, codes.body(
        codes.SUCCESS,
        service,
        customerNo=kpj,
        customerName=mask_name(participant.full_name),
        balance=money(balance),
        asOf=format_timestamp(timezone.now()),
    )
