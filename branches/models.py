"""Antrian online: what a branch offers, when it is open, its time slots and the participants' bookings.

Slots are not pre-generated: the free slots of a day are computed from the opening hours, and a
`TimeSlot` row is created the first time somebody books it. The row carries the seat counter that makes
double booking impossible (`booked_count <= capacity`, moved by one conditional UPDATE).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    KLAIM_JHT = "klaim_jht", _("Klaim JHT")
    PENGKINIAN_DATA = "pengkinian_data", _("Pengkinian data")
    KARTU = "kartu", _("Kartu peserta (hilang/rusak)")
    KONSULTASI = "konsultasi", _("Konsultasi")


class BranchService(models.Model):
    """A service a branch offers at the counter, with its slot length and seats per slot."""

    branch = models.ForeignKey(
        "participants.Branch",
        verbose_name=_("kantor cabang"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    service = models.CharField(_("layanan"), max_length=20, choices=ServiceKind.choices)
    slot_minutes = models.PositiveSmallIntegerField(_("lama slot (menit)"), default=30)
    capacity = models.PositiveSmallIntegerField(_("kursi per slot"), default=4)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("layanan cabang")
        verbose_name_plural = _("layanan cabang")
        ordering = ["branch__code", "service"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "service"], name="branch_service_unique"),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=240), name="branch_service_slot_5_240"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="branch_service_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.branch.code} {self.get_service_display()}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Senin")
    TUESDAY = 1, _("Selasa")
    WEDNESDAY = 2, _("Rabu")
    THURSDAY = 3, _("Kamis")
    FRIDAY = 4, _("Jumat")
    SATURDAY = 5, _("Sabtu")
    SUNDAY = 6, _("Minggu")


class OpeningHours(models.Model):
    """Regular opening hours for one weekday. Public holidays close the branch unless overridden."""

    branch = models.ForeignKey(
        "participants.Branch",
        verbose_name=_("kantor cabang"),
        on_delete=models.PROTECT,
        related_name="opening_hours",
    )
    weekday = models.PositiveSmallIntegerField(_("hari"), choices=Weekday.choices)
    opens_at = models.TimeField(_("buka"))
    closes_at = models.TimeField(_("tutup"))

    class Meta:
        verbose_name = _("jam buka")
        verbose_name_plural = _("jam buka")
        ordering = ["branch__code", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "weekday"], name="opening_hours_unique_weekday"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="opening_hours_close_after_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch.code} {self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class DayOverride(models.Model):
    """Staff override for one date: closed on a normal day, or open (with hours) on a weekend/holiday."""

    branch = models.ForeignKey(
        "participants.Branch",
        verbose_name=_("kantor cabang"),
        on_delete=models.PROTECT,
        related_name="day_overrides",
    )
    date = models.DateField(_("tanggal"))
    is_open = models.BooleanField(_("buka"), default=False)
    opens_at = models.TimeField(_("buka"), null=True, blank=True)
    closes_at = models.TimeField(_("tutup"), null=True, blank=True)
    reason = models.CharField(_("keterangan"), max_length=200)

    class Meta:
        verbose_name = _("pengecualian hari")
        verbose_name_plural = _("pengecualian hari")
        ordering = ["branch__code", "date"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "date"], name="day_override_unique_date"),
            models.CheckConstraint(
                condition=Q(is_open=False)
                | (Q(opens_at__isnull=False) & Q(closes_at__isnull=False) & Q(closes_at__gt=F("opens_at"))),
                name="day_override_open_has_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch.code} {self.date}"


class TimeSlot(models.Model):
    """A booked-into slot. `booked_count` never exceeds `capacity` (database constraint)."""

    branch_service = models.ForeignKey(BranchService, on_delete=models.PROTECT, related_name="slots")
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    capacity = models.PositiveSmallIntegerField(_("kursi"))
    booked_count = models.PositiveSmallIntegerField(_("terisi"), default=0)
    # Only ever grows: the queue number of the next booking in this slot.
    issued_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("slot waktu")
        verbose_name_plural = _("slot waktu")
        constraints = [
            models.UniqueConstraint(fields=["branch_service", "starts_at"], name="time_slot_unique_start"),
            models.CheckConstraint(
                condition=Q(booked_count__lte=F("capacity")), name="time_slot_not_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch_service} {self.starts_at:%Y-%m-%d %H:%M}"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Terjadwal")
    CANCELLED = "cancelled", _("Dibatalkan")
    CHECKED_IN = "checked_in", _("Sudah hadir")
    NO_SHOW = "no_show", _("Tidak hadir")
    # Past and never handled by staff: closed when the account books the same service again.
    EXPIRED = "expired", _("Terlewat")


class Booking(models.Model):
    """A participant's appointment. At most one `booked` booking per account and service."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("kode booking"), max_length=12, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("akun"), on_delete=models.PROTECT, related_name="bookings"
    )
    # Denormalised from the slot so the branch queue filters and the one-active rule are plain columns.
    branch = models.ForeignKey(
        "participants.Branch",
        verbose_name=_("kantor cabang"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    service = models.CharField(_("layanan"), max_length=20, choices=ServiceKind.choices)
    slot = models.ForeignKey(
        TimeSlot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="bookings"
    )
    starts_at = models.DateTimeField(_("jadwal"))
    queue_number = models.PositiveSmallIntegerField(_("nomor antrian"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=BookingStatus.choices,
        default=BookingStatus.BOOKED,
        editable=False,
    )
    note = models.CharField(_("catatan"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    checked_in_at = models.DateTimeField(null=True, blank=True, editable=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("booking antrian")
        verbose_name_plural = _("booking antrian")
        ordering = ["starts_at", "queue_number"]
        indexes = [models.Index(fields=["branch", "starts_at"], name="booking_branch_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "service"],
                condition=Q(status="booked"),
                name="booking_one_active_per_service",
            ),
        ]

    def __str__(self) -> str:
        return self.code
