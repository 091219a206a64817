"""Pending online-account activations (the step between "we know you" and "you have an account"),
security events with their "Bukan saya" link, and the recovery cases that freeze an account."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingActivation(models.Model):
    """One activation attempt that passed the NIK + KPJ + date-of-birth check and awaits its code.

    Holds only hashes: the 6-digit code as an HMAC (keyed with SECRET_KEY and this row's id, so a
    database dump alone cannot brute-force it offline) and the chosen password as a Django password
    hash. The row is void once used, expired, or after too many wrong codes; voided rows are kept for
    the audit trail and purged with the participant.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("peserta"),
        on_delete=models.CASCADE,
        related_name="pending_activations",
    )
    # The login email the visitor typed: it becomes the account's only after the code sent to a contact
    # on record (`contact_email` or `phone`) is entered.
    email = models.EmailField(_("email"))
    # The record's email the code goes to when the channel is email ('' when the record holds none).
    contact_email = models.EmailField(_("email tercatat"), blank=True)
    password_hash = models.CharField(max_length=256)
    code_hash = models.CharField(max_length=64)
    # True when the email already belonged to an account: no code was sent (a notice was), so the
    # flow looks identical to the visitor but can never complete.
    email_taken = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(_("percobaan kode"), default=0)
    # Where the current code went (email, or SMS to the phone on record) and when a new one may be asked.
    channel = models.CharField(_("saluran kode"), max_length=5, default="email")
    phone = models.CharField(_("nomor HP tercatat"), max_length=20, blank=True)
    sends = models.PositiveSmallIntegerField(_("kode dikirim"), default=1)
    last_sent_at = models.DateTimeField(_("kode terakhir dikirim"), null=True, blank=True)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    used_at = models.DateTimeField(_("dipakai pada"), null=True, blank=True)
    voided_at = models.DateTimeField(_("dibatalkan pada"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("aktivasi tertunda")
        verbose_name_plural = _("aktivasi tertunda")
        indexes = [models.Index(fields=["participant", "created_at"])]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.created_at:%Y-%m-%d %H:%M}"


class SecurityEventKind(models.TextChoices):
    ACTIVATION = "activation", _("Aktivasi akun online")
    ASSISTED_ACTIVATION = "assisted_activation", _("Aktivasi dengan verifikasi dibantu")
    CONTACT_CHANGE = "contact_change", _("Perubahan email atau nomor HP")
    NEW_BROWSER_LOGIN = "new_browser_login", _("Masuk dari perangkat baru")
    SMS_BINDING = "sms_binding", _("Pendaftaran layanan SMS saldo")
    BANK_CHANGE = "bank_change", _("Perubahan rekening bank")


class SecurityEvent(models.Model):
    """One security-relevant change of a person's account or data (accounts/security_events.py).

    Each is told to the contacts on record with a signed "Bukan saya" link naming this row by its
    public id (never the NIK). `disowned_at` is set when the person used the link.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("peserta"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="security_events",
    )
    user = models.ForeignKey(
        "participants.User",
        verbose_name=_("akun"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_events",
    )
    # The person (NIK blind index) when known: a claim checks recent events of the person, any KPJ.
    nik_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    kind = models.CharField(_("jenis"), max_length=24, choices=SecurityEventKind.choices)
    # Masked, display-only details (device, masked phone, bank): never a NIK or a full number.
    detail = models.JSONField(_("rincian"), default=dict, blank=True)
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    disowned_at = models.DateTimeField(_("dilaporkan bukan saya"), null=True, blank=True)

    class Meta:
        verbose_name = _("peristiwa keamanan")
        verbose_name_plural = _("peristiwa keamanan")
        indexes = [
            models.Index(fields=["nik_index", "kind", "created_at"], name="security_event_person_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class RecoveryStatus(models.TextChoices):
    OPEN = "open", _("Dibekukan, menunggu pemulihan")
    UNFROZEN = "unfrozen", _("Dibuka kembali")


class RecoveryCase(models.Model):
    """A frozen account: opened by a "Bukan saya" click, closed by branch staff with a reason.

    While a case is open the person (every KPJ of the NIK, and the account) cannot log in, submit a
    claim, change a bank account or be paid. `branch` is the participant's branch, which scopes the
    case in the admin like every other branch queue.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("peserta"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="recovery_cases",
    )
    user = models.ForeignKey(
        "participants.User",
        verbose_name=_("akun"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recovery_cases",
    )
    nik_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    branch = models.ForeignKey(
        "participants.Branch",
        verbose_name=_("kantor cabang"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recovery_cases",
    )
    event = models.ForeignKey(
        SecurityEvent,
        verbose_name=_("peristiwa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recovery_cases",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RecoveryStatus.choices, default=RecoveryStatus.OPEN
    )
    opened_at = models.DateTimeField(_("dibekukan pada"), auto_now_add=True)
    closed_at = models.DateTimeField(_("dibuka pada"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "participants.User",
        verbose_name=_("dibuka oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    close_reason = models.TextField(_("alasan dibuka"), blank=True)

    class Meta:
        verbose_name = _("kasus pemulihan akun")
        verbose_name_plural = _("kasus pemulihan akun")
        constraints = [
            # One open case per event: a double click or two tabs open it once.
            models.UniqueConstraint(
                fields=["event"],
                condition=models.Q(status="open"),
                name="recovery_case_one_open_per_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.opened_at:%Y-%m-%d %H:%M}"


class PasswordResetMail(models.Model):
    """One password reset asked for an address, known or not: the request's whole work is this row and
    its task (accounts.password_reset), so a known and an unknown address cost the request the same.
    The worker decides whether the address is an account's and only then queues the code in the
    notification outbox; either way it blanks the code and marks the row done."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email"))
    # The code allauth keeps in the visitor's session; empty for unknown addresses (allauth made none).
    code = models.CharField(max_length=32, blank=True)
    language = models.CharField(max_length=5, default="id")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("email atur ulang kata sandi")
        verbose_name_plural = _("email atur ulang kata sandi")
        indexes = [models.Index(fields=["done_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"
