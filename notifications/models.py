"""The notification outbox, participants' channel preferences, and the SMS balance service's data.

Every outbound message is one `Outbox` row written in the same transaction as the event that caused it,
then sent by a Celery task after commit (`notifications.tasks.send_outbox`). The row is the lock that
makes sending happen once: `idempotency_key` is unique per (event key, channel, recipient).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Antre")
    SENT = "sent", _("Terkirim ke penyedia")
    FAILED = "failed", _("Gagal")
    DELIVERED = "delivered", _("Diterima")


class NotificationCategory(models.TextChoices):
    """What a participant can choose channels for. Security notices always go out (email at least);
    `service` messages (one-time codes, SMS replies) go exactly where they were asked for."""

    PAYMENTS = "payments", _("Pembayaran dan pengingat iuran")
    MEMBERSHIP = "membership", _("Kepesertaan dan rincian saldo")
    CLAIMS = "claims", _("Klaim JHT")
    SECURITY = "security", _("Keamanan akun")
    SERVICE = "service", _("Kode dan balasan SMS")


CONFIGURABLE_CATEGORIES = (
    NotificationCategory.PAYMENTS,
    NotificationCategory.MEMBERSHIP,
    NotificationCategory.CLAIMS,
)


class Outbox(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(_("peristiwa"), max_length=40)
    event_key = models.CharField(_("kunci peristiwa"), max_length=120)
    category = models.CharField(_("kategori"), max_length=12, choices=NotificationCategory.choices)
    template = models.CharField(_("templat"), max_length=60)
    language = models.CharField(_("bahasa"), max_length=5, default="id")
    channel = models.CharField(_("saluran"), max_length=5, choices=Channel.choices)
    recipient = models.CharField(_("penerima"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("subjek"), max_length=200, blank=True)
    body = models.TextField(_("isi"))
    # One-time codes: the body is replaced once sent, so the database never keeps a usable code.
    sensitive = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan kirim"), default=0)
    provider_id = models.CharField(_("id penyedia"), max_length=100, blank=True)
    last_error = models.CharField(_("galat terakhir"), max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    sent_at = models.DateTimeField(_("dikirim"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("diterima"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pesan keluar")
        verbose_name_plural = _("kotak keluar")
        indexes = [
            models.Index(fields=["channel", "-created_at"], name="outbox_channel_created"),
            models.Index(fields=["provider_id"], name="outbox_provider_id", condition=~Q(provider_id="")),
            models.Index(fields=["status", "created_at"], name="outbox_status_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in OutboxStatus]), name="outbox_status_known"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=[c.value for c in Channel]), name="outbox_channel_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.channel} {self.status}"


class NotificationPreference(models.Model):
    """The channels one account wants for one category. No row: email (or SMS without an email)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    category = models.CharField(_("kategori"), max_length=12, choices=NotificationCategory.choices)
    email = models.BooleanField(_("email"), default=True)
    sms = models.BooleanField(_("SMS"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("preferensi notifikasi")
        verbose_name_plural = _("preferensi notifikasi")
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="notification_pref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.category}"


class SmsRegistration(models.Model):
    """The phone registered for the SMS balance service of one KPJ (one phone per KPJ)."""

    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.CASCADE, related_name="sms_registration"
    )
    phone = models.CharField(_("nomor HP"), max_length=20, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    registered_at = models.DateTimeField(_("terdaftar"), auto_now_add=True)

    class Meta:
        verbose_name = _("pendaftaran SMS saldo")
        verbose_name_plural = _("pendaftaran SMS saldo")

    def __str__(self) -> str:
        return f"{self.participant_id}"


class InboundOutcome(models.TextChoices):
    REGISTERED = "registered", _("Terdaftar")
    REGISTER_REFUSED = "register_refused", _("Pendaftaran ditolak")
    BINDING_REQUESTED = "binding_requested", _("Menunggu konfirmasi pemilik")
    BALANCE = "balance", _("Saldo dikirim")
    NOT_REGISTERED = "not_registered", _("Nomor belum terdaftar")
    HELP = "help", _("Bantuan")
    RATE_LIMITED = "rate_limited", _("Dibatasi")


class InboundSms(models.Model):
    """One message received from the provider, once per provider message id. The text is stored with
    NIK and phone numbers masked (a DAFTAR message carries the NIK)."""

    message_id = models.CharField(max_length=100, unique=True)
    sender = models.CharField(_("pengirim"), max_length=20)
    text_masked = models.CharField(_("isi (disamarkan)"), max_length=320)
    command = models.CharField(_("perintah"), max_length=10, blank=True)
    outcome = models.CharField(_("hasil"), max_length=20, choices=InboundOutcome.choices)
    reply = models.ForeignKey(Outbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(_("diterima"), auto_now_add=True)

    class Meta:
        verbose_name = _("SMS masuk")
        verbose_name_plural = _("SMS masuk")

    def __str__(self) -> str:
        return self.message_id


class SmsBindingRequest(models.Model):
    """A `DAFTAR SALDO` whose data matched a KPJ but came from a phone that is not on record for it:
    nothing is bound until the owner confirms through a contact on record (notifications/sms_binding.py).
    The link names this row by its random public id; the row is single use."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="sms_binding_requests"
    )
    phone = models.CharField(_("nomor HP"), max_length=20)
    email = models.EmailField(_("email"), blank=True)
    created_at = models.DateTimeField(_("diminta"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("dikonfirmasi"), null=True, blank=True)

    class Meta:
        verbose_name = _("permintaan pendaftaran SMS saldo")
        verbose_name_plural = _("permintaan pendaftaran SMS saldo")

    def __str__(self) -> str:
        return f"{self.participant_id} {self.created_at:%Y-%m-%d %H:%M}"
