"""Accounts, branches, employers, participants (one row per KPJ), employments and contributions.

The JHT ledger lives in `participants/ledger/models.py`'s tables (imported below so Django sees them).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class EmailUserManager(UserManager["User"]):
    """Users are identified by email; there is no username."""

    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A login: a participant's online account or a branch staff member."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("alamat email"), unique=True)
    # Staff belong to a branch; their admin views are scoped to it.
    branch = models.ForeignKey(
        "participants.Branch",
        verbose_name=_("kantor cabang"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[EmailUserManager] = EmailUserManager()

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self) -> str:
        return self.email


class Branch(models.Model):
    """Kantor cabang."""

    code = models.CharField(_("kode"), max_length=10, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    city = models.CharField(_("kota"), max_length=80, blank=True)
    address = models.CharField(_("alamat"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("kantor cabang")
        verbose_name_plural = _("kantor cabang")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Employer(models.Model):
    """Pemberi kerja, identified by its NPP (nomor pendaftaran perusahaan)."""

    npp = models.CharField(_("NPP"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    risk_class = models.PositiveSmallIntegerField(_("kelas risiko JKK"))
    branch = models.ForeignKey(Branch, verbose_name=_("kantor cabang"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("pemberi kerja")
        verbose_name_plural = _("pemberi kerja")
        constraints = [
            models.CheckConstraint(
                condition=Q(risk_class__gte=1, risk_class__lte=5), name="employer_risk_class_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.npp} {self.name}"


class Category(models.TextChoices):
    PU = "PU", _("Penerima Upah")
    BPU = "BPU", _("Bukan Penerima Upah")
    PMI = "PMI", _("Pekerja Migran Indonesia")
    JAKON = "JAKON", _("Jasa Konstruksi")


class Sex(models.TextChoices):
    L = "L", _("Laki-laki")
    P = "P", _("Perempuan")


class MembershipStatus(models.TextChoices):
    AKTIF = "aktif", _("Aktif")
    NONAKTIF = "nonaktif", _("Nonaktif")


class StatusReason(models.TextChoices):
    REGISTERED = "registered", _("Terdaftar dan iuran berjalan")
    EXIT_REPORTED = "exit_reported", _("Pemberi kerja melaporkan Anda berhenti bekerja")
    UNPAID_3_MONTHS = "unpaid_3_months", _("Iuran tidak dibayar 3 bulan berturut-turut")
    PAID_AGAIN = "paid_again", _("Iuran dibayar kembali")
    MERGED = "merged", _("Saldo sudah digabungkan ke KPJ lain")
    CLAIMED = "claimed", _("JHT sudah diklaim")


class ContactSource(models.TextChoices):
    """How `Participant.email` / `Participant.phone` came to the record (participants/contacts.py)."""

    EMPLOYER_IMPORT = "employer_import", _("Impor data pemberi kerja")
    BPU_REGISTRATION = "bpu_registration", _("Pendaftaran BPU")
    BRANCH = "branch", _("Petugas kantor cabang")


class Participant(models.Model):
    """One KPJ (nomor peserta). A person (one NIK) may hold several; they share `nik_index`."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kpj = models.CharField(_("nomor KPJ"), max_length=11, unique=True)
    nik_encrypted = models.BinaryField(_("NIK (terenkripsi)"), editable=False)
    nik_index = models.CharField(max_length=64, db_index=True, editable=False)
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    birth_date = models.DateField(_("tanggal lahir"))
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # Where the email and phone above came from: codes go only to contacts on record (contacts.py).
    # A database default too: the bulk imports insert participants with SQL of their own.
    contact_source = models.CharField(
        _("asal kontak"),
        max_length=20,
        choices=ContactSource.choices,
        default=ContactSource.EMPLOYER_IMPORT,
        db_default=ContactSource.EMPLOYER_IMPORT,
    )
    category = models.CharField(_("segmen"), max_length=5, choices=Category.choices)
    status = models.CharField(
        _("status kepesertaan"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.AKTIF,
    )
    status_reason = models.CharField(
        _("alasan status"), max_length=20, choices=StatusReason.choices, default=StatusReason.REGISTERED
    )
    status_since = models.DateField(_("status sejak"))
    branch = models.ForeignKey(Branch, verbose_name=_("kantor cabang"), on_delete=models.PROTECT)
    registered_on = models.DateField(_("terdaftar sejak"))
    # BPU: the end of the last paid month ("dilindungi sampai"); kept by the payment service.
    protected_until = models.DateField(_("dilindungi sampai"), null=True, blank=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("akun"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participants",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Who changed what and why (status changes, personal-data corrections): django-simple-history.
    history = HistoricalRecords(excluded_fields=["updated_at"], cascade_delete_history=False)

    class Meta:
        verbose_name = _("peserta")
        verbose_name_plural = _("peserta")
        constraints = [
            models.CheckConstraint(condition=Q(kpj__regex=r"^[0-9]{11}$"), name="participant_kpj_11_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.kpj} {self.full_name}"

    @property
    def nik(self) -> str:
        """The NIK in clear. Never log it or put it in a URL; show `mask_nik(nik)` instead."""
        from participants.nik import decrypt_nik

        return decrypt_nik(self.nik_encrypted)

    def set_nik(self, nik: str) -> None:
        from participants.nik import encrypt_nik, nik_index, normalize_nik

        clean = normalize_nik(nik)
        self.nik_encrypted = encrypt_nik(clean)
        self.nik_index = nik_index(clean)


class ExitReason(models.TextChoices):
    RESIGN = "resign", _("Mengundurkan diri")
    PHK = "phk", _("Pemutusan hubungan kerja (PHK)")
    CONTRACT_END = "contract_end", _("Kontrak kerja (PKWT) berakhir")
    RETIREMENT = "retirement", _("Pensiun")
    OTHER = "other", _("Lainnya")


class Employment(models.Model):
    """A participant's employment with one employer, as the employer reported it."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="employments")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="employments")
    start_date = models.DateField(_("mulai bekerja"))
    end_date = models.DateField(_("berhenti bekerja"), null=True, blank=True)
    exit_reported_on = models.DateField(_("tanggal lapor berhenti"), null=True, blank=True)
    exit_reason = models.CharField(
        _("alasan berhenti"), max_length=20, choices=ExitReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("hubungan kerja")
        verbose_name_plural = _("hubungan kerja")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "employer", "start_date"], name="employment_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="employment_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} @ {self.employer_id} {self.start_date}"


class ImportBatch(models.Model):
    """One run of an import command (or a payment posting batch): where contribution rows came from."""

    kind = models.CharField(max_length=30)
    file_name = models.CharField(max_length=255)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_posted = models.PositiveIntegerField(default=0)
    rows_duplicate = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("batch impor")
        verbose_name_plural = _("batch impor")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} {self.started_at:%Y-%m-%d %H:%M}"


class Contribution(models.Model):
    """Iuran for one KPJ and month. Shares are whole rupiah computed from the rate table in force."""

    # Bulk-loaded table (millions of rows per import): no per-row foreign-key triggers and no extra
    # indexes. Integrity holds by construction instead: rows are only inserted by joining existing
    # participants/employers, and those can never be deleted (trigger in migration 0003). The unique
    # constraint indexes (participant, period, employer). Measured in bench/README.md.
    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="contributions",
        db_index=False,
        db_constraint=False,
    )
    employer = models.ForeignKey(
        Employer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
        db_index=False,
        db_constraint=False,
    )
    period = models.DateField(_("bulan iuran"))  # first day of the month
    wage_idr = models.BigIntegerField(_("upah dilaporkan / penghasilan"))
    jht_employer_idr = models.BigIntegerField(_("JHT pemberi kerja"), default=0)
    jht_worker_idr = models.BigIntegerField(_("JHT pekerja"), default=0)
    jp_employer_idr = models.BigIntegerField(_("JP pemberi kerja"), default=0)
    jp_worker_idr = models.BigIntegerField(_("JP pekerja"), default=0)
    jkk_idr = models.BigIntegerField(_("JKK"), default=0)
    jkm_idr = models.BigIntegerField(_("JKM"), default=0)
    paid_at = models.DateTimeField(_("tanggal bayar"), null=True, blank=True)
    posted_at = models.DateTimeField(_("tanggal posting"))
    # Provenance only: no database constraint or index (they cost the bulk import, guard nothing).
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )

    class Meta:
        verbose_name = _("iuran")
        verbose_name_plural = _("iuran")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "period", "employer"],
                name="contribution_unique_month",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(wage_idr__gte=0)
                & Q(jht_employer_idr__gte=0)
                & Q(jht_worker_idr__gte=0)
                & Q(jp_employer_idr__gte=0)
                & Q(jp_worker_idr__gte=0)
                & Q(jkk_idr__gte=0)
                & Q(jkm_idr__gte=0),
                name="contribution_amounts_non_negative",
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="contribution_period_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.period:%Y-%m}"

    @property
    def jht_idr(self) -> int:
        return self.jht_employer_idr + self.jht_worker_idr

    @property
    def total_idr(self) -> int:
        return (
            self.jht_employer_idr
            + self.jht_worker_idr
            + self.jp_employer_idr
            + self.jp_worker_idr
            + self.jkk_idr
            + self.jkm_idr
        )


# The ledger and rate tables are separate modules; import them so Django registers the models.
from participants.card.models import MembershipCard  # noqa: E402
from participants.ledger.models import JhtBalance, LedgerEntry  # noqa: E402
from participants.rates.models import (  # noqa: E402
    DevelopmentRate,
    DiscountProgramme,
    FigureProposal,
    HolidayOverride,
    Rate,
)
from participants.statements.models import Statement  # noqa: E402

__all__ = [
    "Branch",
    "Contribution",
    "DevelopmentRate",
    "DiscountProgramme",
    "Employer",
    "Employment",
    "FigureProposal",
    "HolidayOverride",
    "ImportBatch",
    "JhtBalance",
    "LedgerEntry",
    "MembershipCard",
    "Participant",
    "Rate",
    "Statement",
    "User",
]
