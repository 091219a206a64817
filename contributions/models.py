"""Iuran mandiri (BPU self-paid contributions): profile, payments, their months and history, gateway
notifications and receipts.

A payment's status only changes through `contributions.transitions.payment_transition`, which locks
the row, consults the transition table and writes a `PaymentEvent`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class WorkType(models.TextChoices):
    """Jenis pekerjaan of a BPU participant (what they told us at registration)."""

    OJOL = "ojol", _("Pengemudi ojek / taksi online")
    DRIVER = "driver", _("Sopir / kurir")
    TRADER = "trader", _("Pedagang / pemilik usaha kecil")
    FARMER = "farmer", _("Petani / peternak")
    FISHER = "fisher", _("Nelayan")
    LABOURER = "labourer", _("Buruh harian lepas / tukang")
    DOMESTIC = "domestic", _("Pekerja rumah tangga")
    FREELANCER = "freelancer", _("Pekerja lepas / profesional mandiri")
    CREATIVE = "creative", _("Pekerja seni / kreator konten")
    OTHER = "other", _("Lainnya")


class BpuProfile(models.Model):
    """What a BPU participant declared, as it stands now: monthly income and whether they take the
    optional JHT, applying from the month `effective_from` falls in. Every declaration (registration and
    each later change) is also kept as a `BpuDeclaration`; this row is the newest of them, so billing
    needs the history only for months before `effective_from` (see `contributions.declarations`)."""

    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.CASCADE, related_name="bpu_profile"
    )
    declared_income_idr = models.BigIntegerField(_("penghasilan dilaporkan"))
    with_jht = models.BooleanField(_("ikut JHT"), default=False)
    effective_from = models.DateField(_("berlaku sejak"), default=timezone.localdate)
    work_type = models.CharField(_("jenis pekerjaan"), max_length=20, choices=WorkType.choices, blank=True)

    class Meta:
        verbose_name = _("profil BPU")
        verbose_name_plural = _("profil BPU")
        constraints = [
            models.CheckConstraint(
                condition=Q(declared_income_idr__gte=0), name="bpu_profile_income_non_negative"
            )
        ]

    def __str__(self) -> str:
        return f"BPU {self.participant_id}"


class DeclarationSource(models.TextChoices):
    REGISTRATION = "registration", _("Pendaftaran")
    PARTICIPANT = "participant", _("Perubahan oleh peserta")
    MIGRATION = "migration", _("Data awal")


class BpuDeclaration(models.Model):
    """History of what a BPU participant declared: one row per registration or change, never edited.

    A row applies to months from `effective_from` (a first of month) on, until a row *created later*
    covers them: for month m the values are those of the newest-created row with effective_from <= m.
    """

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="bpu_declarations"
    )
    effective_from = models.DateField(_("berlaku mulai bulan"))
    declared_income_idr = models.BigIntegerField(_("penghasilan dilaporkan"))
    with_jht = models.BooleanField(_("ikut JHT"))
    source = models.CharField(_("sumber"), max_length=20, choices=DeclarationSource.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("dicatat pada"), default=timezone.now)

    class Meta:
        verbose_name = _("riwayat penghasilan BPU")
        verbose_name_plural = _("riwayat penghasilan BPU")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(declared_income_idr__gte=0), name="bpu_declaration_income_non_negative"
            ),
            models.CheckConstraint(condition=Q(effective_from__day=1), name="bpu_declaration_first_of_month"),
        ]
        indexes = [models.Index(fields=["participant", "-created_at"], name="bpu_declaration_by_participant")]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.effective_from:%Y-%m} {self.declared_income_idr}"


class PendingBpuRegistration(models.Model):
    """A BPU self-registration waiting for its code (by email, or by SMS on request). Nothing else
    exists until the code is confirmed: no participant, no KPJ, no account. Holds the NIK encrypted
    (and its blind index), the code as the accounts app's keyed hash; void once used, expired or after
    too many wrong codes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nik_encrypted = models.BinaryField(editable=False)
    nik_index = models.CharField(max_length=64, db_index=True, editable=False)
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    birth_date = models.DateField(_("tanggal lahir"))
    sex = models.CharField(_("jenis kelamin"), max_length=1)
    address = models.CharField(_("alamat"), max_length=255)
    phone = models.CharField(_("nomor HP"), max_length=20)
    email = models.EmailField(_("email"))
    work_type = models.CharField(_("jenis pekerjaan"), max_length=20, choices=WorkType.choices)
    declared_income_idr = models.BigIntegerField(_("penghasilan dilaporkan"))
    with_jht = models.BooleanField(_("ikut JHT"))
    branch = models.ForeignKey("participants.Branch", on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=64)
    # The email already belongs to an account: a notice was sent instead of a code, so the flow looks
    # the same to the visitor but can never complete.
    email_taken = models.BooleanField(default=False)
    # The NIK already has a KPJ: no code was sent to what the visitor typed (the "you already have a
    # KPJ, activate it" notice went to the contacts on record instead), so the visitor learns nothing
    # about the NIK and the flow can never complete.
    nik_registered = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Where the current code went (email, or SMS to `phone`), how many codes were sent and when the
    # last one was (the cool-down before a new code), as for account activation.
    channel = models.CharField(_("saluran kode"), max_length=5, default="email")
    sends = models.PositiveSmallIntegerField(_("kode dikirim"), default=1)
    last_sent_at = models.DateTimeField(_("kode terakhir dikirim"), null=True, blank=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pendaftaran BPU tertunda")
        verbose_name_plural = _("pendaftaran BPU tertunda")
        constraints = [
            models.CheckConstraint(
                condition=Q(declared_income_idr__gte=0), name="pending_bpu_income_non_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.created_at:%Y-%m-%d %H:%M}"


class Channel(models.TextChoices):
    BCA_VA = "bca_va", _("Virtual account BCA")
    BNI_VA = "bni_va", _("Virtual account BNI")
    BRI_VA = "bri_va", _("Virtual account BRI")
    MANDIRI_BILL = "mandiri_bill", _("Mandiri Bill Payment")
    PERMATA_VA = "permata_va", _("Virtual account Permata")
    QRIS = "qris", _("QRIS")
    GOPAY = "gopay", _("GoPay")
    SHOPEEPAY = "shopeepay", _("ShopeePay")
    INDOMARET = "indomaret", _("Indomaret")
    ALFAMART = "alfamart", _("Alfamart")
    # Collected by a payment partner on SNAP (partners app); never offered on the web payment page.
    PARTNER = "mitra", _("Mitra pembayaran (bank, dompet digital, minimarket)")


# `Payment.gateway` of payments a SNAP partner collected: no gateway to ask, the partner's daily
# settlement file is what they are matched against (partners.settlement).
PARTNER_GATEWAY = "mitra"


class PaymentStatus(models.TextChoices):
    NEW = "new", _("Sedang dibuat")
    PENDING = "pending", _("Menunggu pembayaran")
    SETTLEMENT = "settlement", _("Lunas")
    EXPIRE = "expire", _("Kedaluwarsa")
    CANCEL = "cancel", _("Dibatalkan")
    DENY = "deny", _("Ditolak")
    REFUND = "refund", _("Dikembalikan")
    FAILED = "failed", _("Gagal dibuat")


OPEN_STATUSES = (PaymentStatus.NEW, PaymentStatus.PENDING)


class Payment(models.Model):
    """One bill for 1, 3, 6 or 12 consecutive months, paid through one gateway charge."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Our idempotency key at the gateway: random, never sequential.
    order_id = models.CharField(max_length=50, unique=True, editable=False)
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="payments"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    gateway = models.CharField(max_length=20)
    channel = models.CharField(_("metode pembayaran"), max_length=20, choices=Channel.choices)
    first_period = models.DateField(_("bulan pertama"))
    months = models.PositiveSmallIntegerField(_("jumlah bulan"))
    amount_idr = models.BigIntegerField(_("jumlah tagihan"))
    status = models.CharField(
        _("status"), max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.NEW
    )
    # What the payer needs: VA number / bill key / QR string / deeplink / store payment code.
    va_number = models.CharField(max_length=40, blank=True)
    biller_code = models.CharField(max_length=20, blank=True)
    qr_string = models.TextField(blank=True)
    deeplink_url = models.URLField(max_length=500, blank=True)
    payment_code = models.CharField(max_length=40, blank=True)
    gateway_transaction_id = models.CharField(max_length=100, blank=True)
    expires_at = models.DateTimeField(_("batas bayar"))
    paid_at = models.DateTimeField(_("dibayar pada"), null=True, blank=True)
    needs_review = models.BooleanField(_("perlu diperiksa petugas"), default=False)
    review_reason = models.TextField(_("alasan pemeriksaan"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Every saved change (status, flags, gateway references) with who made it; the status machine's
    # own history is `PaymentEvent`. Queryset `.update()` calls bypass it by design (bulk fix-ups).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pembayaran iuran")
        verbose_name_plural = _("pembayaran iuran")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_idr__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(months__in=[1, 3, 6, 12]), name="payment_months_1_3_6_12"),
            models.CheckConstraint(condition=Q(first_period__day=1), name="payment_first_period_day_1"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in PaymentStatus]), name="payment_status_known"
            ),
            # One open payment per participant: double clicks and second tabs meet here.
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(status__in=["new", "pending"]),
                name="payment_one_open_per_participant",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="payment_status_expiry"),
            models.Index(fields=["participant", "-created_at"], name="payment_by_participant"),
            # The daily reconciliation and the settlement export read one WIB day by these.
            models.Index(fields=["created_at"], name="payment_created_at"),
            models.Index(fields=["paid_at"], name="payment_paid_at", condition=Q(paid_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.order_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def flag(self, reason: str) -> None:
        """Mark for staff review (caller saves). Reasons accumulate, one per line."""
        self.needs_review = True
        self.review_reason = f"{self.review_reason}\n{reason}".strip()


class PaymentMonth(models.Model):
    """One month a payment covers, with its shares. Active rows hold the month: no two active rows
    (across payments) for the same participant and month."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="month_rows")
    participant = models.ForeignKey("participants.Participant", on_delete=models.PROTECT, related_name="+")
    period = models.DateField(_("bulan iuran"))
    income_idr = models.BigIntegerField()
    jkk_idr = models.BigIntegerField()
    jkm_idr = models.BigIntegerField()
    jht_idr = models.BigIntegerField()
    # What a discount programme took off JKK + JKM (already deducted from jkk_idr/jkm_idr), and which.
    discount_idr = models.BigIntegerField(default=0)
    discount_code = models.CharField(max_length=40, blank=True, default="")
    discount_label = models.CharField(max_length=160, blank=True, default="")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "period"],
                condition=Q(active=True),
                name="payment_month_held_once",
            ),
            models.UniqueConstraint(fields=["payment", "period"], name="payment_month_unique_in_payment"),
            models.CheckConstraint(
                condition=Q(income_idr__gte=0)
                & Q(jkk_idr__gte=0)
                & Q(jkm_idr__gte=0)
                & Q(jht_idr__gte=0)
                & Q(discount_idr__gte=0),
                name="payment_month_amounts_non_negative",
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="payment_month_period_day_1"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.period:%Y-%m}"

    @property
    def total_idr(self) -> int:
        return self.jkk_idr + self.jkm_idr + self.jht_idr


class PaymentEvent(models.Model):
    """History: who moved a payment from which status to which, why and when."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=30)  # participant, notification, reconcile, expiry, staff
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.from_status} → {self.to_status}"


class NotificationOutcome(models.TextChoices):
    APPLIED = "applied", _("Diterapkan")
    IGNORED = "ignored", _("Diabaikan (tidak mengubah status)")
    REFUSED = "refused", _("Transisi ditolak")
    AMOUNT_MISMATCH = "amount_mismatch", _("Jumlah berbeda")
    UNKNOWN_ORDER = "unknown_order", _("Order tidak dikenal")
    STATUS_MISMATCH = "status_mismatch", _("Status berbeda dengan gateway")


class GatewayNotification(models.Model):
    """Every accepted (correctly signed) notification, with its raw body. The unique event key makes a
    repeat a no-op: it is inserted in the same transaction as its effect."""

    provider = models.CharField(max_length=20)
    event_key = models.CharField(max_length=64)
    order_id = models.CharField(max_length=100, db_index=True)
    transaction_status = models.CharField(max_length=20)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    raw_body = models.TextField()
    outcome = models.CharField(max_length=20, choices=NotificationOutcome.choices)
    needs_review = models.BooleanField(default=False)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notifikasi gateway")
        verbose_name_plural = _("notifikasi gateway")
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_key"], name="gateway_notification_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.order_id} {self.transaction_status}"


class FlagKind(models.TextChoices):
    AMOUNT_MISMATCH = "amount_mismatch", _("Jumlah berbeda")
    LATE_MONEY = "late_money", _("Uang masuk terlambat")
    UNKNOWN_ORDER = "unknown_order", _("Order tidak dikenal")
    STATUS_MISMATCH = "status_mismatch", _("Status berbeda dengan gateway")
    REVERSED = "reversed", _("Lunas lalu berubah")
    OTHER = "other", _("Lainnya")


class PaymentFlag(models.Model):
    """Something about the money that staff must look at, and how it was settled (who, when, note).

    Raised by the payment services and the notification endpoint; an unknown-order notification has no
    payment, only its notification. `Payment.needs_review` is kept true while a payment has an open flag.
    """

    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )
    notification = models.ForeignKey(
        GatewayNotification, null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=FlagKind.choices)
    detail = models.TextField(_("keterangan"))
    created_at = models.DateTimeField(_("ditandai pada"), default=timezone.now)
    resolved_at = models.DateTimeField(_("diselesaikan pada"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diselesaikan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution_note = models.TextField(_("catatan penyelesaian"), blank=True)

    class Meta:
        verbose_name = _("tanda pembayaran")
        verbose_name_plural = _("tanda pembayaran")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(payment__isnull=False) | Q(notification__isnull=False),
                name="payment_flag_has_subject",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in FlagKind]), name="payment_flag_kind_known"
            ),
            # Resolved means: when, by whom and why, all three.
            models.CheckConstraint(
                condition=(
                    Q(resolved_at__isnull=True, resolved_by__isnull=True, resolution_note="")
                    | (Q(resolved_at__isnull=False, resolved_by__isnull=False) & ~Q(resolution_note=""))
                ),
                name="payment_flag_resolution_complete",
            ),
        ]
        indexes = [
            models.Index(
                fields=["payment", "kind"], name="payment_flag_open", condition=Q(resolved_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.payment_id or self.notification_id})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class DailyReconciliation(models.Model):
    """The last comparison of one WIB day's payments with the gateway (re-running replaces it).

    `totals`: count and sum per channel and status at the time of the run; `differences`: payments whose
    status or amount differs from the gateway's (at most `MAX_STORED_DIFFERENCES`, `difference_count`
    counts all); `unchecked_count`: payments the gateway could not be asked about.
    """

    MAX_STORED_DIFFERENCES = 1000

    day = models.DateField(_("tanggal (WIB)"), unique=True)
    started_at = models.DateTimeField(_("mulai"))
    finished_at = models.DateTimeField(_("selesai"))
    payment_count = models.PositiveIntegerField(_("jumlah pembayaran"))
    checked_count = models.PositiveIntegerField(_("diperiksa ke gateway"))
    unchecked_count = models.PositiveIntegerField(_("gagal diperiksa"))
    difference_count = models.PositiveIntegerField(_("jumlah selisih"))
    totals = models.JSONField(default=list)
    differences = models.JSONField(default=list)

    class Meta:
        verbose_name = _("rekonsiliasi harian")
        verbose_name_plural = _("rekonsiliasi harian")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.difference_count}"


def _receipt_storage() -> Storage:
    from django.core.files.storage import storages

    return storages["private"]


class Receipt(models.Model):
    """Bukti pembayaran: a snapshot taken when the payment settled; the PDF is rendered once by a task."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="receipt")
    number = models.CharField(_("nomor bukti"), max_length=30, unique=True)
    snapshot = models.JSONField()
    pdf = models.FileField(storage=_receipt_storage, upload_to="receipts/%Y/%m/", blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bukti pembayaran")
        verbose_name_plural = _("bukti pembayaran")

    def __str__(self) -> str:
        return self.number


class FakeCharge(models.Model):
    """The fake gateway's own book of charges (development and tests only)."""

    order_id = models.CharField(max_length=50, unique=True)
    transaction_id = models.CharField(max_length=64)
    payment_type = models.CharField(max_length=20)
    gross_amount = models.CharField(max_length=20)
    transaction_status = models.CharField(max_length=20, default="pending")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.order_id} {self.transaction_status}"
