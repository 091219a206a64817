"""The one way to send a message: `notify` writes outbox rows, `outbox_deliver` sends one of them.

Guarantees:
- `notify` is transactional with its caller: the rows commit (and the send task is enqueued) only if
  the event's own transaction commits. Idempotent per (event key, channel, recipient): calling it again
  for the same event writes nothing and sends nothing twice.
- `outbox_deliver` locks the row; a row not `queued` (sent, failed, delivered) is never sent again, so
  a task run twice — one after the other or at the same time — sends once. A worker killed between
  the provider accepting the message and our commit can lead to one repeat (at-least-once, by design).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F
from django.db.models.constants import OnConflict
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.models import (
    CONFIGURABLE_CATEGORIES,
    Channel,
    NotificationCategory,
    NotificationPreference,
    Outbox,
    OutboxStatus,
)
from notifications.senders import SmsPermanentError, SmsTemporaryError, get_sms_sender
from participants.models import Participant, User
from portal.masking import mask_personal_numbers
from portal.phones import normalize_msisdn

log = structlog.get_logger(__name__)

# event → category; the template has the event's name (templates/notifications/<lang>/<event>.*.txt).
EVENTS: dict[str, str] = {
    "payment_received": NotificationCategory.PAYMENTS,
    "payment_expired": NotificationCategory.PAYMENTS,
    "due_reminder": NotificationCategory.PAYMENTS,
    "membership_nonaktif": NotificationCategory.MEMBERSHIP,
    "statement_ready": NotificationCategory.MEMBERSHIP,
    "claim_status": NotificationCategory.CLAIMS,
    "service_request_status": NotificationCategory.MEMBERSHIP,
    # A reminder of a branch visit (claims, data updates, cards): the person's membership channels.
    "booking_reminder": NotificationCategory.MEMBERSHIP,
    # Life events (lifeevents.notices): deadlines and dates the person must not miss.
    "jkp_deadline": NotificationCategory.CLAIMS,
    "jht_open": NotificationCategory.CLAIMS,
    "pension_soon": NotificationCategory.CLAIMS,
    "security_new_login": NotificationCategory.SECURITY,
    "security_password_changed": NotificationCategory.SECURITY,
    "security_email_changed": NotificationCategory.SECURITY,
    "activation_code": NotificationCategory.SERVICE,
    "activation_email_taken": NotificationCategory.SERVICE,
    "bpu_registration_code": NotificationCategory.SERVICE,
    "bpu_registration_email_taken": NotificationCategory.SERVICE,
    "sms_reply": NotificationCategory.SERVICE,
    # Identity and contacts on record: sent to exactly the contacts on record the publishing app
    # names (every one of them, whatever the account chose), so they are routed like codes.
    "security_event": NotificationCategory.SERVICE,
    "account_frozen": NotificationCategory.SERVICE,
    "sms_binding_confirm": NotificationCategory.SERVICE,
    "bpu_registration_existing": NotificationCategory.SERVICE,
    # Assisted verification: to the contact given in the request (not yet on record).
    "verification_received": NotificationCategory.SERVICE,
    "verification_status": NotificationCategory.SERVICE,
    "verification_activation": NotificationCategory.SERVICE,
    # Login throttling and password reset (accounts.unlock, accounts.adapter): codes, where asked.
    "login_unlock_code": NotificationCategory.SERVICE,
    "password_reset_code": NotificationCategory.SERVICE,
}
LANGUAGES = ("id", "en")
SMS_MAX_CHARS = 306  # two concatenated GSM-7 parts


def idempotency_key(*, event_key: str, channel: str, recipient: str) -> str:
    return hashlib.sha256(f"{event_key}\x1f{channel}\x1f{recipient}".encode()).hexdigest()


@dataclass(frozen=True)
class Route:
    channel: str
    recipient: str


def preferred_channels(*, user: User | None, category: str) -> tuple[bool, bool] | None:
    """(email, sms) the account chose for the category, None when it never chose."""
    if user is None or category not in CONFIGURABLE_CATEGORIES:
        return None
    row = (
        NotificationPreference.objects.filter(user=user, category=category)
        .values_list("email", "sms")
        .first()
    )
    return (row[0], row[1]) if row else None


def resolve_routes(
    *,
    category: str,
    user: User | None,
    participant: Participant | None,
    email: str | None = None,
    phone: str | None = None,
    prefs: tuple[bool, bool] | None = None,
    use_prefs: bool = True,
) -> list[Route]:
    """Where a message of `category` goes.

    Security: always email (the account's address), plus SMS if the person chose SMS anywhere.
    Service: exactly the addresses passed in. Others: the person's choice; without one, email, or SMS
    when there is no email address.
    """
    address = (email or (participant.email if participant else "") or (user.email if user else "")).strip()
    number = normalize_msisdn(phone or (participant.phone if participant else "") or "")
    if category == NotificationCategory.SERVICE:
        routes = []
        if email:
            routes.append(Route(Channel.EMAIL, email.strip().lower()))
        if phone and number:
            routes.append(Route(Channel.SMS, number))
        return routes
    if category == NotificationCategory.SECURITY:
        address = (user.email if user else "") or address
        wants_sms = bool(
            user is not None and NotificationPreference.objects.filter(user=user, sms=True).exists()
        )
        routes = [Route(Channel.EMAIL, address.lower())] if address else []
        if wants_sms and number:
            routes.append(Route(Channel.SMS, number))
        return routes
    if use_prefs and prefs is None:
        prefs = preferred_channels(user=user, category=category)
    if prefs is None:
        want_email, want_sms = bool(address), not address
    else:
        want_email, want_sms = prefs
    routes = []
    if want_email and address:
        routes.append(Route(Channel.EMAIL, address.lower()))
    if want_sms and number:
        routes.append(Route(Channel.SMS, number))
    return routes


def render_message(*, event: str, channel: str, language: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """(subject, body) of the event's template in `language` for `channel`."""
    lang = language if language in LANGUAGES else "id"
    base = f"notifications/{lang}/{event}"
    with translation.override(lang):
        if channel == Channel.SMS:
            body = " ".join(render_to_string(f"{base}.sms.txt", dict(context)).split())
            return "", body[:SMS_MAX_CHARS]
        subject = " ".join(render_to_string(f"{base}.subject.txt", dict(context)).split())
        body = render_to_string(f"{base}.email.txt", dict(context)).strip() + "\n"
    return subject[:200], body


def build_rows(
    *,
    event: str,
    event_key: str,
    context: Mapping[str, Any],
    routes: Iterable[Route],
    user: User | None = None,
    participant: Participant | None = None,
    language: str = "id",
    sensitive: bool = False,
) -> list[Outbox]:
    category = EVENTS[event]
    rows = []
    for route in routes:
        subject, body = render_message(event=event, channel=route.channel, language=language, context=context)
        rows.append(
            Outbox(
                event=event,
                event_key=event_key[:120],
                category=category,
                template=event,
                language=language,
                channel=route.channel,
                recipient=route.recipient,
                user=user,
                participant=participant,
                subject=subject,
                body=body,
                sensitive=sensitive,
                idempotency_key=idempotency_key(
                    event_key=event_key, channel=route.channel, recipient=route.recipient
                ),
            )
        )
    return rows


def outbox_insert(rows: Sequence[Outbox]) -> list[int]:
    """Insert rows, skipping those whose idempotency key exists; returns ids of the still-queued rows
    (new ones, or old ones never sent) so the caller can enqueue them.

    One `INSERT … ON CONFLICT DO NOTHING RETURNING id` per 1000 rows; only when some keys already
    existed, one more SELECT for those of them still queued.
    """
    if not rows:
        return []
    fields = [f for f in Outbox._meta.concrete_fields if not f.primary_key]
    ids: list[int] = []
    for start in range(0, len(rows), 1000):
        batch = list(rows[start : start + 1000])
        # Django's bulk_create does not return ids with ignore_conflicts; its insert does.
        returned = Outbox.objects._insert(  # type: ignore[attr-defined]
            batch, fields=fields, returning_fields=[Outbox._meta.pk], on_conflict=OnConflict.IGNORE
        )
        ids += [row[0] for row in returned]
    if len(ids) < len(rows):
        ids += list(
            Outbox.objects.filter(
                idempotency_key__in=[r.idempotency_key for r in rows], status=OutboxStatus.QUEUED
            )
            .exclude(pk__in=ids)
            .values_list("pk", flat=True)
        )
    return ids


def notify(
    *,
    event: str,
    event_key: str,
    context: Mapping[str, Any],
    user: User | None = None,
    participant: Participant | None = None,
    email: str | None = None,
    phone: str | None = None,
    language: str = "id",
    sensitive: bool = False,
) -> list[int]:
    """Queue `event` for the person (channels by category and preference, see `resolve_routes`).

    Writes the outbox rows in the caller's transaction and enqueues `send_outbox` for each after
    commit. Idempotent per (event_key, channel, recipient). Returns the queued outbox ids.
    """
    from notifications.tasks import send_outbox

    if user is None and participant is not None and participant.user_id is not None:
        user = participant.user
    routes = resolve_routes(
        category=EVENTS[event], user=user, participant=participant, email=email, phone=phone
    )
    rows = build_rows(
        event=event,
        event_key=event_key,
        context=context,
        routes=routes,
        user=user,
        participant=participant,
        language=language,
        sensitive=sensitive,
    )
    with transaction.atomic(savepoint=False):  # inside the caller's transaction: no savepoint round trips
        ids = outbox_insert(rows)
        for pk in ids:
            send_outbox.delay_on_commit(pk)
    # DEBUG: the outbox rows are the record (admin: Notifications → Outbox); the send task logs the outcome.
    log.debug("notification.queued", notification_event=event, count=len(ids))
    return ids


# --- Sending --------------------------------------------------------------------------------------

SENT, SKIPPED, RETRY, FAILED = "sent", "skipped", "retry", "failed"


def _send_one(row: Outbox) -> str:
    """Hand the row to its channel; returns the provider id ('' for email)."""
    if row.channel == Channel.EMAIL:
        EmailMessage(row.subject, row.body, settings.DEFAULT_FROM_EMAIL, [row.recipient]).send()
        return ""
    return get_sms_sender().send(to=row.recipient, text=row.body, reference=row.idempotency_key).provider_id


def outbox_deliver(*, outbox_id: int, final_attempt: bool = False) -> str:
    """Send one queued message. Returns SENT, SKIPPED (not queued, or another worker holds it),
    RETRY (temporary failure; the caller retries later) or FAILED (permanent failure, or temporary on
    the final attempt). Safe to run twice, also concurrently: the row lock (SKIP LOCKED) and the status
    check make sure one run sends."""
    with transaction.atomic():
        row = Outbox.objects.select_for_update(skip_locked=True).filter(pk=outbox_id).first()
        if row is None or row.status != OutboxStatus.QUEUED:
            return SKIPPED
        row.attempts += 1
        try:
            provider_id = _send_one(row)
        except SmsPermanentError as exc:
            return _fail(row, str(exc))
        except (SmsTemporaryError, ConnectionError, TimeoutError, OSError) as exc:
            if final_attempt:
                return _fail(row, f"{type(exc).__name__}: {exc}")
            row.last_error = mask_personal_numbers(f"{type(exc).__name__}: {exc}")[:255]
            row.save(update_fields=["attempts", "last_error", "updated_at"])
            log.info("notification.retry", outbox_id=row.pk, attempts=row.attempts)
            return RETRY
        row.status = OutboxStatus.SENT
        row.provider_id = provider_id
        row.sent_at = timezone.now()
        row.last_error = ""
        if row.sensitive:
            row.body = "[disembunyikan setelah terkirim]"
        row.save(
            update_fields=["attempts", "status", "provider_id", "sent_at", "last_error", "body", "updated_at"]
        )
    log.info("notification.sent", outbox_id=row.pk, channel=row.channel, notification_event=row.event)
    return SENT


def _fail(row: Outbox, error: str) -> str:
    row.status = OutboxStatus.FAILED
    row.last_error = mask_personal_numbers(error)[:255]
    if row.sensitive:
        row.body = "[disembunyikan]"
    row.save(update_fields=["attempts", "status", "last_error", "body", "updated_at"])
    log.warning("notification.failed", outbox_id=row.pk, channel=row.channel, error=row.last_error)
    return FAILED


def outbox_deliver_batch(*, outbox_ids: Sequence[int]) -> tuple[int, list[int]]:
    """Send a chunk of queued messages (the fan-out path): one locking SELECT for the chunk (rows
    another worker holds are skipped), one email connection, one bulk UPDATE. Same guarantees as
    `outbox_deliver` per row. Returns (sent, ids that failed temporarily and should be retried)."""
    from django.core.mail import mailers

    sent_ids: list[int] = []
    provider_ids: list[tuple[int, str]] = []
    retry: list[tuple[int, str]] = []
    failed: list[tuple[int, str]] = []
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Outbox.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(outbox_ids), status=OutboxStatus.QUEUED)
            .order_by("pk")
        )
        if not rows:
            return 0, []
        sms = get_sms_sender() if any(r.channel == Channel.SMS for r in rows) else None
        mailer = mailers.default
        with mailer:
            for row in rows:
                try:
                    if row.channel == Channel.EMAIL:
                        message = EmailMessage(
                            row.subject, row.body, settings.DEFAULT_FROM_EMAIL, [row.recipient]
                        )
                        mailer.send_messages([message])
                    else:
                        assert sms is not None
                        result = sms.send(to=row.recipient, text=row.body, reference=row.idempotency_key)
                        provider_ids.append((row.pk, result.provider_id))
                except SmsPermanentError as exc:
                    failed.append((row.pk, mask_personal_numbers(str(exc))[:255]))
                except (SmsTemporaryError, ConnectionError, TimeoutError, OSError) as exc:
                    retry.append((row.pk, mask_personal_numbers(f"{type(exc).__name__}: {exc}")[:255]))
                else:
                    sent_ids.append(row.pk)
        # A few set-based UPDATEs (Django's bulk_update builds a CASE per row and field: far slower).
        attempts = F("attempts") + 1
        Outbox.objects.filter(pk__in=sent_ids).update(
            status=OutboxStatus.SENT, sent_at=now, last_error="", attempts=attempts, updated_at=now
        )
        Outbox.objects.filter(pk__in=sent_ids, sensitive=True).update(body="[disembunyikan setelah terkirim]")
        if provider_ids:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Outbox._meta.db_table} AS o SET provider_id = v.pid "  # noqa: S608 - no user input
                    f"FROM (VALUES {', '.join(['(%s::bigint, %s)'] * len(provider_ids))}) AS v(id, pid) "
                    "WHERE o.id = v.id",
                    [value for pair in provider_ids for value in pair],
                )
        for pk, error in failed:
            Outbox.objects.filter(pk=pk).update(
                status=OutboxStatus.FAILED, last_error=error, attempts=attempts, updated_at=now
            )
        for pk, error in retry:
            Outbox.objects.filter(pk=pk).update(last_error=error, attempts=attempts, updated_at=now)
    sent = len(sent_ids)
    log.info("notification.batch_sent", sent=sent, retry=len(retry), size=len(rows))
    return sent, [pk for pk, _ in retry]


def outbox_deliver_queued(*, limit: int = 1000) -> int:
    """Send every queued message now, in this process (development helper and tests). Returns how many
    were sent."""
    ids = list(
        Outbox.objects.filter(status=OutboxStatus.QUEUED).order_by("pk").values_list("pk", flat=True)[:limit]
    )
    return sum(outbox_deliver(outbox_id=pk) == SENT for pk in ids)


# --- Delivery reports -----------------------------------------------------------------------------

DLR_STATUSES = {"delivered": OutboxStatus.DELIVERED, "failed": OutboxStatus.FAILED}


def outbox_record_delivery(*, provider_id: str, status: str) -> bool:
    """Apply a provider delivery report. `status` is delivered or failed. Returns False for an unknown
    provider id. Idempotent; a report never moves a message back (delivered stays delivered; a late
    `failed` after `delivered` is ignored) and never touches a queued message."""
    target = DLR_STATUSES[status]
    with transaction.atomic():
        row = (
            Outbox.objects.select_for_update().filter(provider_id=provider_id).exclude(provider_id="").first()
        )
        if row is None:
            return False
        if row.status == OutboxStatus.SENT:
            row.status = target
            if target == OutboxStatus.DELIVERED:
                row.delivered_at = timezone.now()
            else:
                row.last_error = "provider reported failure"
            row.save(update_fields=["status", "delivered_at", "last_error", "updated_at"])
    return True


# --- Preferences ----------------------------------------------------------------------------------


def preferences_for_user(*, user: User) -> dict[str, tuple[bool, bool]]:
    """(email, sms) per configurable category, the default where the person never chose."""
    has_email = bool(user.email)
    chosen = {
        row.category: (row.email, row.sms)
        for row in NotificationPreference.objects.filter(user=user, category__in=CONFIGURABLE_CATEGORIES)
    }
    return {c.value: chosen.get(c.value, (has_email, not has_email)) for c in CONFIGURABLE_CATEGORIES}


@transaction.atomic
def preferences_update(*, user: User, choices: Mapping[str, tuple[bool, bool]]) -> None:
    """Store the (email, sms) choice per category. Categories outside the configurable ones are
    ignored (security notices cannot be switched off). Idempotent."""
    for category, (email, sms) in choices.items():
        if category not in CONFIGURABLE_CATEGORIES:
            continue
        NotificationPreference.objects.update_or_create(
            user=user, category=category, defaults={"email": email, "sms": sms}
        )
