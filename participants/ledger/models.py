"""The JHT ledger: append-only entries and one balance row per KPJ, updated in the same transaction.

Entries are never edited or deleted (a database trigger refuses it, see migration 0003); mistakes are
fixed with correction entries. The balance row carries running totals so no request ever sums the
ledger; `ledger_reconcile` proves balance = Σ entries on a schedule.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    CONTRIBUTION = "contribution", _("Iuran JHT")
    DEVELOPMENT = "development", _("Hasil pengembangan")
    CLAIM_PAYOUT = "claim_payout", _("Pembayaran klaim")
    CORRECTION = "correction", _("Koreksi")
    MERGE_IN = "merge_in", _("Penggabungan saldo (masuk)")
    MERGE_OUT = "merge_out", _("Penggabungan saldo (keluar)")


class LedgerEntry(models.Model):
    # Like Contribution's foreign keys: no per-row FK trigger (participants can never be deleted, see
    # migration 0003) and no separate index (ledger_by_account_date covers it).
    account = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        db_index=False,
        db_constraint=False,
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=EntryKind.choices)
    amount_idr = models.BigIntegerField(_("jumlah"))
    employer_idr = models.BigIntegerField(_("porsi pemberi kerja"), default=0)
    worker_idr = models.BigIntegerField(_("porsi pekerja"), default=0)
    # The date from which the money counts for the development return (time weighting).
    value_date = models.DateField(_("tanggal valuta"))
    period = models.DateField(_("bulan iuran"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("tahun pengembangan"), null=True, blank=True)
    # unique: see Meta (no extra LIKE index). Byte order ("C"): the keys are ASCII identifiers, and the
    # default collation compares through strcoll, ~4 s of index maintenance per million imported rows.
    idempotency_key = models.CharField(max_length=100, db_collation="C")
    reason = models.TextField(_("keterangan"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set on staff corrections only. No database FK: its deferred per-row trigger ran at COMMIT for
    # every imported entry (~1.5 s per million, all NULL); instead, migration 0007 refuses to delete a
    # user that ledger entries name (through the small partial index below).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("mutasi JHT")
        verbose_name_plural = _("mutasi JHT")
        indexes = [
            models.Index(fields=["account", "value_date"], name="ledger_by_account_date"),
            models.Index(
                fields=["created_by"], name="ledger_by_author", condition=Q(created_by__isnull=False)
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="ledger_unique_idempotency_key"),
            models.CheckConstraint(
                condition=~Q(kind=EntryKind.CONTRIBUTION)
                | (
                    Q(amount_idr__gt=0)
                    & Q(employer_idr__gte=0)
                    & Q(worker_idr__gte=0)
                    & Q(amount_idr=F("employer_idr") + F("worker_idr"))
                ),
                name="ledger_contribution_is_employer_plus_worker",
            ),
            models.CheckConstraint(
                condition=~Q(kind=EntryKind.DEVELOPMENT) | (Q(amount_idr__gte=0) & Q(year__isnull=False)),
                name="ledger_development_has_year",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[EntryKind.CLAIM_PAYOUT, EntryKind.MERGE_OUT]) | Q(amount_idr__lt=0),
                name="ledger_outflows_negative",
            ),
            models.CheckConstraint(
                condition=~Q(kind=EntryKind.MERGE_IN) | Q(amount_idr__gt=0), name="ledger_merge_in_positive"
            ),
            models.CheckConstraint(
                condition=~Q(kind=EntryKind.CORRECTION) | ~Q(reason=""), name="ledger_correction_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_idr} ({self.account_id})"


class JhtBalance(models.Model):
    """Running JHT totals of one KPJ. `balance_idr = employer + worker + development + other`."""

    account = models.OneToOneField(
        "participants.Participant", primary_key=True, on_delete=models.PROTECT, related_name="jht_balance"
    )
    balance_idr = models.BigIntegerField(_("saldo"), default=0)
    employer_idr = models.BigIntegerField(_("iuran pemberi kerja"), default=0)
    worker_idr = models.BigIntegerField(_("iuran pekerja"), default=0)
    development_idr = models.BigIntegerField(_("hasil pengembangan"), default=0)
    # Payouts, corrections and merge transfers.
    other_idr = models.BigIntegerField(_("mutasi lain"), default=0)
    entries_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("saldo JHT")
        verbose_name_plural = _("saldo JHT")
        constraints = [
            models.CheckConstraint(condition=Q(balance_idr__gte=0), name="jht_balance_not_negative"),
            models.CheckConstraint(
                condition=Q(
                    balance_idr=F("employer_idr") + F("worker_idr") + F("development_idr") + F("other_idr")
                ),
                name="jht_balance_is_sum_of_parts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.balance_idr}"
