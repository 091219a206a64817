"""Writing payments: create, cancel, apply a gateway status (and credit), sync with the gateway.

Every status change goes through `transitions.payment_transition`. Crediting happens in the same
transaction as the move to `settlement`, so a payment is either settled *and* credited or neither.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contributions import notices
from contributions.billing import (
    Bill,
    BillingError,
    bill_preview,
    current_period,
    free_periods,
)
from contributions.gateway import get_gateway
from contributions.gateway.protocol import (
    ChargeRequest,
    GatewayError,
    GatewayUnavailable,
    PaymentGateway,
    gross_amount_matches,
)
from contributions.models import OPEN_STATUSES, FlagKind, Payment, PaymentEvent, PaymentFlag, PaymentMonth
from contributions.models import PaymentStatus as S
from contributions.transitions import IllegalTransition, is_allowed, move_locked, payment_transition
from participants.ledger.services import contributions_credit_jht
from participants.models import Contribution, MembershipStatus, Participant, StatusReason, User
from participants.selectors import participant_get_for_user
from portal.dates import add_months, month_end
from portal.effects.services import effect_schedule

log = structlog.get_logger(__name__)

__all__ = ["BillingError", "payment_cancel", "payment_create"]


class PaymentError(Exception):
    """A payment action was refused; `str(exc)` is a message for the participant."""


class OpenPaymentExists(PaymentError):
    def __init__(self, payment: Payment) -> None:
        super().__init__(_("Masih ada pembayaran yang belum selesai. Selesaikan atau batalkan dulu."))
        self.payment = payment


class PaymentAlreadyPaid(PaymentError):
    """Cancel refused because the gateway has the money: the payment is settled and credited."""

    def __init__(self, payment: Payment) -> None:
        super().__init__(
            _(
                "Pembayaran ini sudah lunas sehingga tidak dapat dibatalkan. "
                "Iuran Anda sudah dicatat; bukti bayar tersedia di halaman pembayaran."
            )
        )
        self.payment = payment


class PaymentNotCreated(PaymentError):
    """The gateway could not create the charge. Nothing is left open; trying again is safe."""


def new_order_id(today: dt.date | None = None) -> str:
    """`IU-20261122-<20 hex>`: unique, unguessable, within Midtrans's 50-character limit."""
    day = today or timezone.localdate()
    return f"IU-{day:%Y%m%d}-{secrets.token_hex(10)}"


def _open_payment(participant_id: int) -> Payment | None:
    return Payment.objects.filter(participant_id=participant_id, status__in=OPEN_STATUSES).first()


def _same_selection(payment: Payment, *, months: int, channel: str) -> bool:
    return payment.months == months and payment.channel == channel


def payment_months_record(*, payment: Payment, participant: Participant, bill: Bill) -> None:
    """The months a new payment covers, as the bill priced them (income, shares, discount): one writer
    for web payments and the ones partners collect (contributions.collected)."""
    PaymentMonth.objects.bulk_create(
        PaymentMonth(
            payment=payment,
            participant=participant,
            period=m.period,
            income_idr=m.income_idr,
            jkk_idr=m.jkk_idr,
            jkm_idr=m.jkm_idr,
            jht_idr=m.jht_idr,
            discount_idr=m.discount_idr,
            discount_code=m.discount_code,
            discount_label=m.discount_label,
        )
        for m in bill.months
    )


def payment_create(
    *,
    user: User,
    participant_public_id: uuid.UUID | str,
    months: int,
    channel: str,
    gateway: PaymentGateway | None = None,
) -> Payment:
    """Bill the user's BPU participant for `months` months through `channel` and open a gateway charge.

    Idempotent for repeats: a double click, a refresh or a second tab with the same selection gets the
    payment that is already open. A different selection while one is open raises OpenPaymentExists.
    Raises Http404 for someone else's KPJ, BillingError for what cannot be billed, and
    PaymentNotCreated when the gateway is down or refuses (the payment is then `failed`, its months are
    released and trying again creates a fresh order).
    """
    from contributions.models import Channel

    if channel not in Channel.values:
        raise BillingError(_("Metode pembayaran tidak dikenal."))
    participant = participant_get_for_user(user=user, public_id=participant_public_id)
    existing = _open_payment(participant.pk)
    if existing is not None:
        if _same_selection(existing, months=months, channel=channel):
            return existing
        raise OpenPaymentExists(existing)
    bill = bill_preview(participant=participant, months=months)
    gateway = gateway or get_gateway()
    try:
        payment = _payment_insert(
            participant=participant, user=user, bill=bill, channel=channel, gateway=gateway
        )
    except IntegrityError:
        # A concurrent request (double click) opened one first; answer like the repeat above.
        existing = _open_payment(participant.pk)
        if existing is not None and _same_selection(existing, months=months, channel=channel):
            return existing
        if existing is not None:
            raise OpenPaymentExists(existing) from None
        raise PaymentError(_("Bulan yang dipilih baru saja dibayar. Muat ulang halaman.")) from None
    return _payment_charge(payment, participant=participant, gateway=gateway)


def _payment_insert(
    *, participant: Participant, user: User, bill: Bill, channel: str, gateway: PaymentGateway
) -> Payment:
    with transaction.atomic():
        payment = Payment.objects.create(
            order_id=new_order_id(),
            participant=participant,
            created_by=user,
            gateway=gateway.name,
            channel=channel,
            first_period=bill.first_period,
            months=len(bill.months),
            amount_idr=bill.total_idr,
            expires_at=timezone.now() + dt.timedelta(hours=settings.PAYMENT_EXPIRY_HOURS),
        )
        payment_months_record(payment=payment, participant=participant, bill=bill)
        PaymentEvent.objects.create(
            payment=payment, from_status="", to_status=S.NEW, actor=user, source="participant"
        )
    return payment


def _payment_charge(payment: Payment, *, participant: Participant, gateway: PaymentGateway) -> Payment:
    request = ChargeRequest(
        order_id=payment.order_id,
        amount_idr=payment.amount_idr,
        channel=payment.channel,
        expires_at=payment.expires_at,
        customer_name=participant.full_name,
        customer_email=participant.email,
    )
    try:
        result = gateway.create_charge(request)
    except (GatewayUnavailable, GatewayError) as exc:
        log.warning("payment.charge_failed", order_id=payment.order_id, error=str(exc)[:200])
        _charge_failed(payment, gateway=gateway, reason=str(exc)[:500])
        if isinstance(exc, GatewayUnavailable):
            raise PaymentNotCreated(
                _(
                    "Layanan pembayaran sedang tidak dapat dihubungi. "
                    "Tidak ada tagihan yang dibuat; silakan coba lagi."
                )
            ) from exc
        raise PaymentNotCreated(
            _("Layanan pembayaran menolak permintaan ini. Tidak ada tagihan yang dibuat; coba metode lain.")
        ) from exc
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        locked.gateway_transaction_id = result.transaction_id
        locked.va_number = result.va_number
        locked.biller_code = result.biller_code
        locked.qr_string = result.qr_string
        locked.deeplink_url = result.deeplink_url
        locked.payment_code = result.payment_code
        locked.save()
        if locked.status == S.NEW:
            payment_transition(
                payment_id=locked.pk, to_status=S.PENDING, source="gateway", reason="charge created"
            )
    payment.refresh_from_db()
    return payment


def _charge_failed(payment: Payment, *, gateway: PaymentGateway, reason: str) -> None:
    try:
        payment_transition(payment_id=payment.pk, to_status=S.FAILED, source="gateway", reason=reason)
    except IllegalTransition:
        return  # a notification got there first (the charge did exist); keep what it says
    # The charge may exist at the gateway even though we saw a timeout: cancel it, best effort. If it
    # is paid anyway, the notification credits it as late money and flags it.
    try:
        gateway.cancel(payment.order_id)
    except (GatewayUnavailable, GatewayError):
        log.info("payment.cancel_after_failure_failed", order_id=payment.order_id)


def payment_cancel(
    *, user: User, public_id: uuid.UUID | str, gateway: PaymentGateway | None = None
) -> Payment:
    """Cancel the user's open payment: ask the gateway for its status, cancel there, then here.

    A payment the gateway already settled is never cancelled: it is credited like a notification would
    (`payment_apply_status`, exactly once whoever gets there first) and PaymentAlreadyPaid is raised.
    A cancel the gateway refuses (Midtrans answers 412 once a charge is paid or expired) is not a
    success: the gateway's status is applied instead. Raises Http404 for another person's payment and
    PaymentError when it is no longer open or the gateway cannot be reached (nothing changed then).
    Idempotent: cancelling a cancelled payment returns it unchanged."""
    from contributions.selectors import payment_get_for_user

    payment = payment_get_for_user(user=user, public_id=public_id)
    if payment.status == S.CANCEL:
        return payment
    if not payment.is_open:
        raise PaymentError(_("Pembayaran ini tidak dapat dibatalkan lagi."))
    gateway = gateway or get_gateway(payment.gateway)
    payment = _apply_gateway_status_before_cancel(payment, gateway=gateway, actor_id=user.pk)
    if payment.status == S.CANCEL:
        return payment
    try:
        gateway.cancel(payment.order_id)
    except GatewayUnavailable as exc:
        raise PaymentError(_("Pembatalan belum dapat diproses. Silakan coba lagi.")) from exc
    except GatewayError as exc:
        # Refused: the charge moved on at the gateway between our status check and the cancel (the
        # participant paid a moment ago, or it expired). What the gateway says now is what counts.
        log.info("payment.cancel_refused", order_id=payment.order_id, error=str(exc)[:200])
        payment = _apply_gateway_status_before_cancel(payment, gateway=gateway, actor_id=user.pk)
        if payment.status == S.CANCEL:
            return payment
        raise PaymentError(_("Pembatalan ditolak oleh layanan pembayaran. Silakan coba lagi.")) from exc
    try:
        payment_transition(payment_id=payment.pk, to_status=S.CANCEL, source="participant", actor_id=user.pk)
    except IllegalTransition:
        payment.refresh_from_db()
        if payment.status == S.SETTLEMENT:
            raise PaymentAlreadyPaid(payment) from None
        raise PaymentError(_("Pembayaran ini sudah diproses dan tidak dapat dibatalkan.")) from None
    payment.refresh_from_db()
    return payment


def _apply_gateway_status_before_cancel(
    payment: Payment, *, gateway: PaymentGateway, actor_id: int
) -> Payment:
    """Apply the gateway's status of the charge (crediting a settlement) and return the payment as it
    is now. Raises PaymentAlreadyPaid when it is settled, PaymentError when it is no longer open or the
    gateway cannot say; returns an open payment (or one the gateway already cancelled) otherwise."""
    try:
        status = gateway.get_status(payment.order_id)
    except (GatewayUnavailable, GatewayError) as exc:
        raise PaymentError(_("Pembatalan belum dapat diproses. Silakan coba lagi.")) from exc
    if status is None:
        return payment  # no charge at the gateway (it was never created): nothing there can be paid
    target = target_status(status.transaction_status, status.fraud_status)
    if target == S.SETTLEMENT and not gross_amount_matches(status.gross_amount, payment.amount_idr):
        _flag(
            payment.pk,
            _("Gateway melaporkan jumlah %(amount)s yang berbeda.") % {"amount": status.gross_amount[:20]},
            kind=FlagKind.AMOUNT_MISMATCH,
        )
        raise PaymentError(_("Pembayaran ini sedang diperiksa petugas dan tidak dapat dibatalkan."))
    payment_apply_status(
        payment_id=payment.pk,
        to_status=target,
        source="gateway",
        reason="status before cancel",
        actor_id=actor_id,
    )
    payment.refresh_from_db()
    if payment.status == S.SETTLEMENT:
        raise PaymentAlreadyPaid(payment)
    if payment.status != S.CANCEL and not payment.is_open:
        raise PaymentError(_("Pembayaran ini tidak dapat dibatalkan lagi."))
    return payment


# --- Applying gateway statuses ------------------------------------------------------------------


def target_status(transaction_status: str, fraud_status: str = "") -> str | None:
    """Our status for a Midtrans `transaction_status`; None when it moves nothing (pending, challenge)."""
    if transaction_status == "settlement":
        return S.SETTLEMENT
    if transaction_status == "capture":
        return S.SETTLEMENT if fraud_status in {"", "accept"} else None
    return {
        "expire": S.EXPIRE,
        "cancel": S.CANCEL,
        "deny": S.DENY,
        "failure": S.DENY,
        "refund": S.REFUND,
    }.get(transaction_status)


APPLIED, NOOP, REFUSED = "applied", "ignored", "refused"


def payment_apply_status(
    *, payment_id: int, to_status: str | None, source: str, reason: str = "", actor_id: int | None = None
) -> str:
    """Move a payment to what the gateway says, crediting on settlement, all in one transaction.

    Returns APPLIED, NOOP (already there, or a status that moves nothing) or REFUSED (illegal move;
    nothing changed). Safe to call any number of times with the same arguments. `actor_id`: the staff
    member who asked (a re-check from the back office), recorded on the history row.
    """
    if to_status is None:
        return NOOP
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status == to_status:
            return NOOP
        if not is_allowed(payment, to_status):
            log.info(
                "payment.transition_refused", order_id=payment.order_id, frm=payment.status, to=to_status
            )
            return REFUSED
        moved = move_locked(payment, to_status=to_status, source=source, reason=reason, actor_id=actor_id)
        if to_status == S.SETTLEMENT:
            _credit(payment, late=moved.from_status != S.PENDING and moved.from_status != S.NEW)
        elif moved.from_status == S.SETTLEMENT:
            raise_flag(
                payment,
                kind=FlagKind.REVERSED,
                reason=_("Status berubah dari lunas menjadi %(status)s: periksa dan koreksi iuran.")
                % {"status": to_status},
            )
            payment.save(update_fields=["needs_review", "review_reason", "updated_at"])
        elif to_status == S.EXPIRE:
            notices.payment_expired(payment=payment)
    return APPLIED


def _hold_months(payment: Payment) -> list[PaymentMonth]:
    """Make sure the payment holds its months again (late money). If another payment took them since,
    move this payment's months to the next free ones and flag it."""
    rows = list(payment.month_rows.order_by("period"))
    if all(r.active for r in rows):
        return rows
    periods = [r.period for r in rows]
    taken = free_periods(
        payment.participant_id, start=periods[0], count=len(rows), exclude_payment_id=payment.pk
    )
    if taken != periods:
        start = max(periods[0], current_period())
        new_periods = free_periods(
            payment.participant_id, start=start, count=len(rows), exclude_payment_id=payment.pk
        )
        raise_flag(
            payment,
            kind=FlagKind.LATE_MONEY,
            reason=_(
                "Uang diterima setelah bulan semula dibayar; iuran dicatat untuk %(first)s s.d. %(last)s."
            )
            % {"first": f"{new_periods[0]:%m/%Y}", "last": f"{new_periods[-1]:%m/%Y}"},
        )
        # Move the rows from the last to the first so the (payment, period) constraint never collides.
        for row, period in sorted(zip(rows, new_periods, strict=True), key=lambda rp: rp[1], reverse=True):
            row.period = period
            row.active = True
            row.save(update_fields=["period", "active"])
        payment.first_period = new_periods[0]
        return sorted(rows, key=lambda r: r.period)
    payment.month_rows.update(active=True)
    for row in rows:
        row.active = True
    return rows


def _credit(payment: Payment, *, late: bool) -> None:
    """Contribution rows, JHT ledger entries, coverage and status, receipt snapshot. Caller holds the
    payment row lock inside a transaction."""
    from contributions.receipts import receipt_create
    from contributions.tasks import render_receipt, send_payment_receipt

    now = timezone.now()
    participant = Participant.objects.select_for_update().get(pk=payment.participant_id)
    if late or now > payment.expires_at:
        raise_flag(
            payment,
            kind=FlagKind.LATE_MONEY,
            reason=_("Uang diterima setelah pembayaran kedaluwarsa atau dibatalkan; tetap dicatat."),
        )
    rows = _hold_months(payment)
    contributions = Contribution.objects.bulk_create(
        Contribution(
            participant=participant,
            employer=None,
            period=row.period,
            wage_idr=row.income_idr,
            jht_worker_idr=row.jht_idr,
            jkk_idr=row.jkk_idr,
            jkm_idr=row.jkm_idr,
            paid_at=now,
            posted_at=now,
        )
        for row in rows
    )
    value_date = timezone.localdate(now)
    contributions_credit_jht(
        contributions=contributions, value_date=value_date, reason=f"Iuran BPU {payment.order_id}"
    )
    covered_until = month_end(rows[-1].period)
    if participant.protected_until is None or participant.protected_until < covered_until:
        participant.protected_until = covered_until
    if participant.status != MembershipStatus.AKTIF:
        participant.status = MembershipStatus.AKTIF
        participant.status_reason = StatusReason.PAID_AGAIN
        participant.status_since = value_date
    participant.save(
        update_fields=["protected_until", "status", "status_reason", "status_since", "updated_at"]
    )
    payment.paid_at = now
    payment.save(update_fields=["paid_at", "first_period", "needs_review", "review_reason", "updated_at"])
    receipt = receipt_create(payment=payment, participant=participant, rows=rows)
    # Recorded with the credit, sent after commit, swept if lost (portal/effects).
    effect_schedule(render_receipt, receipt.pk)
    effect_schedule(send_payment_receipt, payment.pk)
    log.info("payment.credited", order_id=payment.order_id, amount_idr=payment.amount_idr, months=len(rows))


def payment_sync_with_gateway(
    *, payment_id: int, source: str, expire_if_overdue: bool = False, actor_id: int | None = None
) -> str:
    """Ask the gateway for the payment's status and apply it (the safety net for lost notifications).

    With `expire_if_overdue`, an open payment past its expiry that the gateway does not report as paid
    is expired here too. Raises GatewayUnavailable (the task retries). Idempotent. A settlement with a
    different amount is refused and flagged (amount mismatch); `actor_id` is recorded on a move.
    """
    payment = Payment.objects.get(pk=payment_id)
    gateway = get_gateway(payment.gateway)
    status = gateway.get_status(payment.order_id)
    outcome = NOOP
    if status is not None:
        target = target_status(status.transaction_status, status.fraud_status)
        if target == S.SETTLEMENT and not gross_amount_matches(status.gross_amount, payment.amount_idr):
            _flag(
                payment.pk,
                _("Gateway melaporkan jumlah %(amount)s yang berbeda.")
                % {"amount": status.gross_amount[:20]},
                kind=FlagKind.AMOUNT_MISMATCH,
            )
            return REFUSED
        outcome = payment_apply_status(
            payment_id=payment.pk, to_status=target, source=source, reason="gateway status", actor_id=actor_id
        )
    payment.refresh_from_db()
    if expire_if_overdue and payment.is_open and payment.expires_at < timezone.now():
        outcome = payment_apply_status(
            payment_id=payment.pk, to_status=S.EXPIRE, source=source, reason="overdue", actor_id=actor_id
        )
        if status is not None:
            try:
                gateway.cancel(payment.order_id)
            except (GatewayUnavailable, GatewayError):
                log.info("payment.cancel_overdue_failed", order_id=payment.order_id)
    return outcome


def raise_flag(
    payment: Payment, *, kind: str, reason: str, notification_id: int | None = None
) -> PaymentFlag:
    """Flag a payment for staff: a `PaymentFlag` row plus `needs_review`/`review_reason` on the payment
    (the caller saves the payment, inside its transaction)."""
    payment.flag(reason)
    return PaymentFlag.objects.create(
        payment=payment, notification_id=notification_id, kind=kind, detail=reason
    )


def _flag(payment_id: int, reason: str, *, kind: str, notification_id: int | None = None) -> None:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        raise_flag(payment, kind=kind, reason=reason, notification_id=notification_id)
        payment.save(update_fields=["needs_review", "review_reason", "updated_at"])


# --- Membership ----------------------------------------------------------------------------------


def last_due_period(today: dt.date) -> dt.date:
    """The newest month whose due date (the 15th) has passed."""
    this = today.replace(day=1)
    return this if today.day > 15 else add_months(this, -1)


def membership_deactivate_unpaid(*, today: dt.date | None = None) -> int:
    """Set BPU participants nonaktif after 3 consecutive unpaid months whose due dates have passed.

    Uses `protected_until` (the end of the last paid month, kept by crediting) and the registration
    date. Idempotent; returns how many participants changed. Holidays moving the due date to the next
    working day are not modelled (the check runs daily, so it errs by at most that delay).
    """
    from participants.models import Category

    today = today or timezone.localdate()
    third_unpaid = add_months(last_due_period(today), -2)  # the oldest of the three months
    candidates = Participant.objects.filter(
        category=Category.BPU, status=MembershipStatus.AKTIF, registered_on__lt=third_unpaid
    ).filter(
        # the last paid month ends before the first of the three months: all three are unpaid
        Q(protected_until__isnull=True) | Q(protected_until__lt=third_unpaid)
    )
    changed = 0
    for pk in candidates.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            participant = Participant.objects.select_for_update().get(pk=pk)
            if participant.status != MembershipStatus.AKTIF or (
                participant.protected_until is not None and participant.protected_until >= third_unpaid
            ):
                continue
            participant.status = MembershipStatus.NONAKTIF
            participant.status_reason = StatusReason.UNPAID_3_MONTHS
            participant.status_since = today
            participant.save(update_fields=["status", "status_reason", "status_since", "updated_at"])
            notices.membership_nonaktif(participant=participant)
            changed += 1
    log.info("membership.deactivated_unpaid", count=changed)
    return changed
