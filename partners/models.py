"""Payment partners on SNAP (banks, e-wallets, minimarkets, ATM networks) and what they asked us.

A partner has credentials (an RSA public key for tokens and a client secret for request signatures);
several may be valid at once so keys rotate without downtime. Every transaction request is journalled
under its `X-EXTERNAL-ID` (unique per partner per WIB day): a repeat gets the first answer. Inquiries
remember the bill they quoted; a payment must match one. docs/partners.md describes the protocol.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Service(models.TextChoices):
    VA = "va", _("Iuran BPU (inquiry dan payment)")
    BALANCE = "balance", _("Cek saldo JHT")


class Partner(models.Model):
    name = models.CharField(_("nama mitra"), max_length=100)
    client_id = models.CharField(
        _("client id"), max_length=64, unique=True, help_text=_("X-CLIENT-KEY dan X-PARTNER-ID mitra.")
    )
    # The biller (company) code the partner assigned us: the VA number is this, left-padded to 8, + KPJ.
    partner_service_id = models.CharField(_("kode biller (partnerServiceId)"), max_length=8)
    services = ArrayField(
        models.CharField(max_length=10, choices=Service.choices), verbose_name=_("layanan"), default=list
    )
    channel_ids = ArrayField(
        models.CharField(max_length=5),
        verbose_name=_("CHANNEL-ID yang diizinkan"),
        default=list,
        blank=True,
        help_text=_("Kosong: semua kanal mitra."),
    )
    active_from = models.DateTimeField(_("aktif sejak"), default=timezone.now)
    active_until = models.DateTimeField(_("aktif sampai"), null=True, blank=True)
    switched_off_at = models.DateTimeField(_("dimatikan pada"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mitra pembayaran")
        verbose_name_plural = _("mitra pembayaran")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(partner_service_id__regex=r"^[0-9]{1,8}$"), name="partner_service_id_digits"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    def is_active_at(self, moment: object) -> bool:
        return (
            self.switched_off_at is None
            and self.active_from <= moment  # type: ignore[operator]
            and (self.active_until is None or moment < self.active_until)  # type: ignore[operator]
        )

    @property
    def padded_service_id(self) -> str:
        return self.partner_service_id.rjust(8)


class Credential(models.Model):
    """One key pair + secret of a partner. Rotation: add a credential, let the partner switch, revoke the
    old one; both work meanwhile. The secret is stored encrypted (we need it to check HMACs) and shown
    to staff once, when created."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="credentials")
    public_key_pem = models.TextField(_("public key (PEM)"))
    secret_encrypted = models.BinaryField(editable=False)
    secret_hint = models.CharField(_("akhir client secret"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    class Meta:
        verbose_name = _("kredensial mitra")
        verbose_name_plural = _("kredensial mitra")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.partner_id} …{self.secret_hint}"

    @property
    def secret(self) -> str:
        from participants.nik import decrypt_nik

        return decrypt_nik(self.secret_encrypted)


class RequestJournal(models.Model):
    """Each transaction request a partner made, under its X-EXTERNAL-ID, with the answer we gave. The
    unique key turns a repeat (sequential or concurrent) into a replay of the first answer."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    external_id = models.CharField(max_length=36)
    service = models.CharField(max_length=2)
    body_digest = models.CharField(max_length=64)
    http_status = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("jurnal permintaan mitra")
        verbose_name_plural = _("jurnal permintaan mitra")
        constraints = [
            models.UniqueConstraint(fields=["partner", "day", "external_id"], name="partner_external_id_once")
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.day} {self.external_id}"


class Inquiry(models.Model):
    """The bill we quoted a partner for one inquiryRequestId; its payment must carry the same amount."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="inquiries")
    inquiry_request_id = models.CharField(max_length=128)
    participant = models.ForeignKey("participants.Participant", on_delete=models.PROTECT, related_name="+")
    first_period = models.DateField()
    months = models.PositiveSmallIntegerField()
    amount_idr = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "inquiry_request_id"], name="partner_inquiry_once"),
            models.CheckConstraint(condition=Q(amount_idr__gt=0), name="partner_inquiry_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.inquiry_request_id}"


class PartnerPayment(models.Model):
    """Money a partner collected and reported, and the portal payment it was credited as (once)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="payments")
    inquiry = models.OneToOneField(Inquiry, on_delete=models.PROTECT, related_name="partner_payment")
    payment = models.OneToOneField(
        "contributions.Payment", on_delete=models.PROTECT, related_name="partner_payment"
    )
    payment_request_id = models.CharField(max_length=128)
    reference_no = models.CharField(max_length=64, blank=True)
    channel_id = models.CharField(max_length=5, blank=True)
    paid_amount_idr = models.BigIntegerField()
    paid_at = models.DateTimeField()
    settled_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("pembayaran via mitra")
        verbose_name_plural = _("pembayaran via mitra")
        constraints = [
            models.UniqueConstraint(fields=["partner", "payment_request_id"], name="partner_payment_once")
        ]
        indexes = [models.Index(fields=["partner", "paid_at"], name="partner_payment_by_day")]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.payment_request_id}"


class BalanceOptOut(models.Model):
    """The participant switched off the JHT balance at partner ATMs and apps (absent: allowed)."""

    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.CASCADE, related_name="partner_balance_opt_out"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.participant_id)


class LookupOutcome(models.TextChoices):
    ANSWERED = "answered", _("Saldo diberikan")
    SWITCHED_OFF = "switched_off", _("Ditolak: layanan Anda matikan")
    NIK_MISMATCH = "nik_mismatch", _("Ditolak: data NIK tidak cocok")


class BalanceLookup(models.Model):
    """Every balance question a partner asked about a KPJ we know, and what we did ("who looked at my
    data")."""

    participant = models.ForeignKey("participants.Participant", on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    channel_id = models.CharField(max_length=5, blank=True)
    outcome = models.CharField(max_length=20, choices=LookupOutcome.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["participant", "-created_at"], name="balance_lookup_by_participant")]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.partner_id} {self.outcome}"


class SettlementImport(models.Model):
    """One partner's settlement file for one day, matched against the payments it reported."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="settlements")
    day = models.DateField(_("tanggal settlement"))
    file_name = models.CharField(max_length=200)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    line_count = models.PositiveIntegerField(default=0)
    matched_count = models.PositiveIntegerField(default=0)
    difference_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("settlement mitra")
        verbose_name_plural = _("settlement mitra")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["partner", "day"], name="partner_settlement_once")]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.day}"


class LineOutcome(models.TextChoices):
    MATCHED = "matched", _("Cocok")
    AMOUNT_MISMATCH = "amount_mismatch", _("Jumlah berbeda")
    UNKNOWN = "unknown", _("Tidak ada di portal")
    MISSING = "missing", _("Tidak ada di file mitra")


class SettlementLine(models.Model):
    settlement = models.ForeignKey(SettlementImport, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    payment_request_id = models.CharField(max_length=128)
    customer_no = models.CharField(max_length=20, blank=True)
    amount_idr = models.BigIntegerField(null=True)
    reference_no = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=20, choices=LineOutcome.choices)
    partner_payment = models.ForeignKey(
        PartnerPayment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["line_no"]

    def __str__(self) -> str:
        return f"{self.settlement_id}:{self.line_no} {self.outcome}"
