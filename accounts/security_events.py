"""Security events and "Bukan saya": every security-relevant change is told to the contacts on record
with a one-click link that freezes the account (README, "Identitas dan kontak tercatat").

- `security_event_record` writes the event and queues its notice (in the caller's transaction) to every
  contact on record of the person, plus any contact the caller names (the old address of a change).
- The link carries a signed, expiring token naming the event's public id (never a NIK). Opening it
  (GET) only shows what happened; confirming it (POST, `security_event_disown`) opens a `RecoveryCase`.
- While a case is open the person is frozen (`account_frozen`): no login, no claim, no bank-account
  change, no payout. Branch staff close the case with a reason (`recovery_case_unfreeze`).
- A claim filed within `SECURITY_INTERVIEW_WINDOW_DAYS` of an assisted activation or a contact change
  goes to a video interview (`claim_needs_interview`, called by claims: layers point one way).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts import notices
from accounts.models import RecoveryCase, RecoveryStatus, SecurityEvent, SecurityEventKind
from accounts.roles import branch_scope_q, is_read_only, staff_roles
from accounts.sessions import account_logout_everywhere
from participants.contacts import (
    ACCOUNT_SOURCE,
    ContactOnRecord,
    contacts_of_person,
    email_contact,
    phone_contact,
)
from participants.models import Branch, Participant, User
from portal.notices import absolute_url

_SALT = "accounts.security_event.not_me"
# Events that make the next claims of the person go to a video interview.
INTERVIEW_KINDS = (SecurityEventKind.ASSISTED_ACTIVATION, SecurityEventKind.CONTACT_CHANGE)


class RecoveryError(Exception):
    """A refused "Bukan saya" or unfreeze. `reason`: invalid (bad or tampered token), expired,
    not_staff, other_branch, reason_missing, closed (the case is not open). Nothing changed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- The link -------------------------------------------------------------------------------------


def not_me_token(event: SecurityEvent) -> str:
    """A signed, timestamped token naming the event (its random public id only)."""
    return signing.dumps(event.public_id.hex, salt=_SALT)


def not_me_url(event: SecurityEvent) -> str:
    return absolute_url(reverse("accounts:not_me", args=[not_me_token(event)]))


def security_event_for_token(token: str) -> SecurityEvent:
    """The event a "Bukan saya" token names. Raises RecoveryError("expired") after
    SECURITY_NOT_ME_MAX_AGE seconds and RecoveryError("invalid") for anything tampered or unknown."""
    try:
        value = signing.loads(token, salt=_SALT, max_age=settings.SECURITY_NOT_ME_MAX_AGE)
        public_id = uuid.UUID(hex=str(value))
    except signing.SignatureExpired:
        raise RecoveryError("expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise RecoveryError("invalid") from None
    event = (
        SecurityEvent.objects.select_related("participant__branch", "user")
        .filter(public_id=public_id)
        .first()
    )
    if event is None:
        raise RecoveryError("invalid")
    return event


# --- Recording ------------------------------------------------------------------------------------


def _person_index(participant: Participant | None, user: User | None) -> str:
    if participant is not None:
        return participant.nik_index
    if user is not None:
        return Participant.objects.filter(user=user).values_list("nik_index", flat=True).first() or ""
    return ""


def security_event_record(
    *,
    kind: str,
    participant: Participant | None = None,
    user: User | None = None,
    detail: Mapping[str, Any] | None = None,
    also_notify: Iterable[ContactOnRecord] = (),
    language: str = "id",
    notify: bool = True,
) -> SecurityEvent:
    """Record one security event of a person (by a KPJ, an account or both) and queue its notice.

    The notice goes to every contact on record of the person (all KPJs of the NIK and the account's
    verified emails) and to `also_notify` (e.g. the address a contact change replaced), with a
    "Bukan saya" link. `detail` is shown to the person: pass masked values only. `notify=False` is for
    callers that send their own notice with `not_me_url(event)` (the new-login notice). Queued in the
    caller's transaction. Not idempotent: each call is one event. Raises ValueError for an unknown
    kind or when neither participant nor user is given.

    For the identity-verification flow: `security_event_record(kind="assisted_activation",
    participant=..., user=...)` once the account is activated on a staff approval.
    """
    if kind not in SecurityEventKind.values:
        raise ValueError(f"unknown security event kind {kind!r}")
    if participant is None and user is None:
        raise ValueError("a security event needs a participant or a user")
    if user is None and participant is not None and participant.user_id is not None:
        user = participant.user
    event = SecurityEvent.objects.create(
        participant=participant,
        user=user,
        nik_index=_person_index(participant, user),
        kind=kind,
        detail=dict(detail or {}),
    )
    if notify:
        contacts = contacts_of_person(nik_index=event.nik_index, user=user)
        seen = {(c.kind, c.value) for c in contacts}
        contacts += [c for c in also_notify if (c.kind, c.value) not in seen]
        notices.security_event(event=event, contacts=contacts, url=not_me_url(event), language=language)
    return event


def security_contact_changed(
    *,
    user: User | None = None,
    participant: Participant | None = None,
    old_email: str = "",
    old_phone: str = "",
    previous: Iterable[ContactOnRecord] = (),
    language: str = "id",
) -> SecurityEvent:
    """A contact (login email, record email or phone) changed: a `contact_change` event told to the
    contacts on record now and to the old ones (`old_email`, `old_phone`, `previous`: what the
    caller read before the change), so the owner hears of it even when the new contact is not theirs."""
    old = [
        email_contact(old_email, source=ACCOUNT_SOURCE) if old_email else None,
        phone_contact(old_phone, source=ACCOUNT_SOURCE) if old_phone else None,
    ]
    return security_event_record(
        kind=SecurityEventKind.CONTACT_CHANGE,
        participant=participant,
        user=user,
        also_notify=[*(c for c in old if c is not None), *previous],
        language=language,
    )


def security_login_from_browser(*, user: User, user_agent: str, ip: str, language: str = "id") -> list[int]:
    """A login: the first from a browser (by its user agent) is a `new_browser_login` event, told to
    the account with a "Bukan saya" link; later logins from that browser reuse the event (the notice
    is idempotent per account and browser, so nothing new is sent)."""
    device = notices.device_tag(user_agent)
    event = SecurityEvent.objects.filter(
        user=user, kind=SecurityEventKind.NEW_BROWSER_LOGIN, detail__device=device
    ).first()
    if event is None:
        event = security_event_record(
            kind=SecurityEventKind.NEW_BROWSER_LOGIN,
            user=user,
            detail={"device": device, "ip": ip or "-"},
            notify=False,
        )
    return notices.security_new_login(
        user=user, user_agent=user_agent, ip=ip, language=language, not_me_url=not_me_url(event)
    )


def security_event_disown(*, token: str, language: str = "id") -> RecoveryCase:
    """ "Bukan saya" confirmed: freeze the person and open a recovery case at their branch.

    Marks the event disowned, opens one case per event (a second click returns the same case), ends
    every session of the account, and tells the contacts on record how to recover. Raises
    RecoveryError("invalid" | "expired") and changes nothing for a bad token. Idempotent.
    """
    event = security_event_for_token(token)
    with transaction.atomic():
        event = SecurityEvent.objects.select_for_update().get(pk=event.pk)
        existing = RecoveryCase.objects.filter(event=event, status=RecoveryStatus.OPEN).first()
        if existing is not None:
            return existing
        if event.disowned_at is None:
            event.disowned_at = timezone.now()
            event.save(update_fields=["disowned_at"])
        participant = event.participant
        if participant is None and event.nik_index:
            participant = Participant.objects.filter(nik_index=event.nik_index).order_by("pk").first()
        try:
            with transaction.atomic():
                case = RecoveryCase.objects.create(
                    participant=participant,
                    user=event.user,
                    nik_index=event.nik_index,
                    branch=participant.branch if participant is not None else None,
                    event=event,
                )
        except IntegrityError:  # the same event disowned concurrently: that case stands
            return RecoveryCase.objects.get(event=event, status=RecoveryStatus.OPEN)
        for user in _accounts_of(event.nik_index, event.user):
            account_logout_everywhere(user=user)
        notices.account_frozen(
            case=case,
            contacts=contacts_of_person(nik_index=event.nik_index, user=event.user),
            language=language,
        )
    return case


def _accounts_of(nik_index: str, user: User | None) -> list[User]:
    query = Q(pk=user.pk) if user is not None else Q(pk__in=[])
    if nik_index:
        query |= Q(participants__nik_index=nik_index)
    return list(User.objects.filter(query).distinct())


# --- Reading --------------------------------------------------------------------------------------


def _open_cases(*, user: User | None = None, nik_index: str = "") -> Any:
    query = Q(pk__in=[])
    if user is not None and user.pk is not None:
        query |= Q(user=user) | Q(nik_index__in=Participant.objects.filter(user=user).values("nik_index"))
    if nik_index:
        query |= Q(nik_index=nik_index) | Q(user__participants__nik_index=nik_index)
    return RecoveryCase.objects.filter(query, status=RecoveryStatus.OPEN)


def account_frozen(*, user: User | None = None, nik_index: str = "") -> bool:
    """Whether the account or the person (any KPJ of the NIK) has an open recovery case."""
    return _open_cases(user=user, nik_index=nik_index).exists()


def frozen_branch(*, user: User | None = None, nik_index: str = "") -> Branch | None:
    """The branch of the open recovery case, for the "go to your branch" instructions."""
    case = _open_cases(user=user, nik_index=nik_index).select_related("branch").order_by("-opened_at").first()
    return case.branch if case is not None else None


def claim_needs_interview(*, nik_index: str, now: dt.datetime | None = None) -> bool:
    """Whether a claim of the person filed now must go to a video interview: an assisted activation
    or a contact change of the person happened within SECURITY_INTERVIEW_WINDOW_DAYS."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=settings.SECURITY_INTERVIEW_WINDOW_DAYS)
    return SecurityEvent.objects.filter(
        nik_index=nik_index, kind__in=INTERVIEW_KINDS, created_at__gte=since, created_at__lte=now
    ).exists()


# --- Staff ----------------------------------------------------------------------------------------


def recovery_case_unfreeze(*, actor: User, case_id: uuid.UUID | str, reason: str) -> RecoveryCase:
    """Branch staff close an open case with a reason: the person can log in, claim and be paid again.

    Raises RecoveryError: "not_staff" (no writable staff role), "other_branch" (outside the actor's
    branch scope, unknown ids included), "reason_missing", "closed" (not open any more: a double
    unfreeze changes nothing). Nothing changes when it raises.
    """
    if not staff_roles(actor) or is_read_only(actor):
        raise RecoveryError("not_staff")
    reason = " ".join((reason or "").split())
    if not reason:
        raise RecoveryError("reason_missing")
    with transaction.atomic():
        try:
            case = (
                RecoveryCase.objects.select_for_update()
                .filter(branch_scope_q(actor, "branch"))
                .get(public_id=case_id)
            )
        except (RecoveryCase.DoesNotExist, ValueError, TypeError):
            raise RecoveryError("other_branch") from None
        if case.status != RecoveryStatus.OPEN:
            raise RecoveryError("closed")
        case.status = RecoveryStatus.UNFROZEN
        case.closed_at = timezone.now()
        case.closed_by = actor
        case.close_reason = reason[:2000]
        case.save(update_fields=["status", "closed_at", "closed_by", "close_reason"])
    return case
