"""Staff work on flagged payments: re-check a payment with its gateway, resolve flags with a note.

Both take the acting staff member, check their role and branch scope themselves (the admin is only one
caller), and record who did what: a re-check that moves a payment writes a `PaymentEvent` with the
actor; a resolution stores who, when and the note on every flag it closes.
"""

from __future__ import annotations

from collections.abc import Iterable

import structlog
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import StaffRole, branch_scope_q, has_role
from contributions.models import PARTNER_GATEWAY, GatewayNotification, Payment, PaymentFlag
from participants.models import User

log = structlog.get_logger(__name__)

MAX_NOTE_LENGTH = 2000
# Who may do what (administrators hold every right; auditors none of these).
RECHECK_ROLES = (StaffRole.REVIEWER, StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR)
RESOLVE_ROLES = (StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR)


class FlagError(Exception):
    """The request was refused; `str(exc)` is a message for the staff member. Nothing changed."""


def payments_for_staff(user: User) -> QuerySet[Payment]:
    """The payments `user` may see: their branch's participants', or all for national roles."""
    return Payment.objects.filter(branch_scope_q(user, "participant__branch"))


def flags_for_staff(user: User) -> QuerySet[PaymentFlag]:
    """Flags `user` may see. Unknown-order flags belong to no branch: national roles only."""
    return PaymentFlag.objects.filter(branch_scope_q(user, "payment__participant__branch"))


def notifications_for_staff(user: User) -> QuerySet[GatewayNotification]:
    return GatewayNotification.objects.filter(branch_scope_q(user, "payment__participant__branch"))


def payment_recheck(*, actor: User, payment_id: int) -> str:
    """Ask the payment's gateway for its status and apply it (`services.payment_sync_with_gateway`).

    Returns "applied", "ignored" or "refused". Raises PermissionDenied without a re-check role, Http404
    for a payment outside the actor's scope, FlagError for a partner-collected payment (no gateway to
    ask: the partner's settlement file is its check), GatewayError/GatewayUnavailable when the gateway cannot
    answer (nothing changed). Idempotent.
    """
    from contributions.services import payment_sync_with_gateway

    if not has_role(actor, *RECHECK_ROLES):
        raise PermissionDenied
    gateway = payments_for_staff(actor).filter(pk=payment_id).values_list("gateway", flat=True).first()
    if gateway is None:
        raise Http404
    if gateway == PARTNER_GATEWAY:
        raise FlagError(_("Pembayaran lewat mitra dicocokkan dengan file settlement mitra, bukan gateway."))
    outcome = payment_sync_with_gateway(payment_id=payment_id, source="staff", actor_id=actor.pk)
    log.info("payment.rechecked_by_staff", payment_id=payment_id, actor_id=actor.pk, outcome=outcome)
    return outcome


def payment_flags_resolve(*, actor: User, flag_ids: Iterable[int], note: str) -> int:
    """Close the given open flags with `note`, recording the actor and the time, in one transaction.

    A payment (or notification) whose flags are then all closed is no longer marked for review.
    Raises PermissionDenied without a resolving role; FlagError for an empty or too long note or when
    none of the flags is open and within the actor's scope (nothing changed). Flags already resolved or
    outside the scope are skipped: calling twice resolves nothing the second time. Returns how many
    flags were closed.
    """
    if not has_role(actor, *RESOLVE_ROLES):
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise FlagError(_("Catatan penyelesaian wajib diisi."))
    if len(note) > MAX_NOTE_LENGTH:
        raise FlagError(_("Catatan penyelesaian terlalu panjang (paling banyak 2000 karakter)."))
    ids = sorted({int(pk) for pk in flag_ids})
    now = timezone.now()
    with transaction.atomic():
        flags = list(
            flags_for_staff(actor)
            .filter(pk__in=ids, resolved_at__isnull=True)
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        if not flags:
            raise FlagError(_("Tidak ada tanda terbuka yang dapat diselesaikan."))
        PaymentFlag.objects.filter(pk__in=[f.pk for f in flags]).update(
            resolved_at=now, resolved_by=actor, resolution_note=note
        )
        payment_ids = {f.payment_id for f in flags if f.payment_id is not None}
        still_open = set(
            PaymentFlag.objects.filter(payment_id__in=payment_ids, resolved_at__isnull=True).values_list(
                "payment_id", flat=True
            )
        )
        for payment in Payment.objects.select_for_update().filter(pk__in=payment_ids - still_open):
            if payment.needs_review:
                payment.needs_review = False
                payment._history_user = actor  # type: ignore[attr-defined]
                payment.save(update_fields=["needs_review", "updated_at"])
        notification_ids = {f.notification_id for f in flags if f.notification_id is not None}
        open_notes = set(
            PaymentFlag.objects.filter(
                notification_id__in=notification_ids, resolved_at__isnull=True
            ).values_list("notification_id", flat=True)
        )
        GatewayNotification.objects.filter(pk__in=notification_ids - open_notes).update(needs_review=False)
    log.info("payment.flags_resolved", count=len(flags), actor_id=actor.pk)
    return len(flags)
