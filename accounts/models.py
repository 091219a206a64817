"""Pending online-account activations (the step between "we know you" and "you have an account")."""

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
    email = models.EmailField(_("email"))
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
