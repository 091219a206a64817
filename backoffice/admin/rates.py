"""Rate tables, development returns and holiday overrides in the back office.

Administrators edit; reviewers, supervisors and auditors only look. Figures are effective-dated and a
figure already in force is never edited: a change is a new row from a future date (the form says so).
Every change is kept by django-simple-history and shown on the object's history page.

"In force": a `Rate` whose `effective_from` is today or earlier; a `DevelopmentRate` whose year has
ended (it may have been credited to balances); a `HolidayOverride` whose date is today or earlier (due
dates counted over it are already stored on claims). Claim thresholds (online-claim limit, second
approval, NPWP, tax) are `Rate` rows of program KLAIM, segment ALL.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Model, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import StaffRole, has_role
from backoffice.scoped_admin import StaffScopedHistoryAdmin
from participants.rates.models import DevelopmentRate, DiscountProgramme, HolidayOverride, Rate
from participants.rates.services import rate_close_predecessor, rate_reopen_predecessor


class _AdministratorEdits(StaffScopedHistoryAdmin):
    def _is_administrator(self, request: HttpRequest) -> bool:
        return has_role(request.user, StaffRole.ADMINISTRATOR)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._is_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._is_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Only rows not yet in force may be deleted (entered by mistake); history keeps the deletion.
        return self._is_administrator(request) and (obj is None or not _in_force(obj))

    def get_actions(
        self, request: HttpRequest, action_location: Any = admin.ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)  # a bulk delete would not look at each row's date
        return actions


def _in_force(obj: Model) -> bool:
    today = timezone.localdate()
    if isinstance(obj, Rate):
        return obj.effective_from <= today
    if isinstance(obj, DevelopmentRate):
        return obj.year < today.year
    if isinstance(obj, HolidayOverride):
        return obj.date <= today
    return True


class RateForm(forms.ModelForm):
    class Meta:
        model = Rate
        fields = (
            "program",
            "segment",
            "component",
            "unit",
            "value",
            "effective_from",
            "effective_to",
            "source",
            "confidence",
        )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        today = timezone.localdate()
        original = Rate.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        if original is not None and original.effective_from <= today:
            raise forms.ValidationError(
                _(
                    "Tarif ini sudah berlaku sejak %(date)s dan tidak boleh diubah. Tambahkan baris baru "
                    "dengan tanggal berlaku yang akan datang."
                )
                % {"date": original.effective_from.strftime("%d/%m/%Y")},
                code="in_force",
            )
        effective_from = cleaned.get("effective_from")
        if effective_from is not None and effective_from <= today:
            self.add_error(
                "effective_from",
                forms.ValidationError(
                    _(
                        "Tanggal berlaku harus setelah hari ini: tarif yang sudah berlaku tidak diubah "
                        "mundur, perubahan berlaku ke depan."
                    ),
                    code="not_future",
                ),
            )
        effective_to = cleaned.get("effective_to")
        if effective_from is not None and effective_to is not None and effective_to < effective_from:
            self.add_error("effective_to", _("Tanggal akhir tidak boleh sebelum tanggal berlaku."))
        elif effective_from is not None and self._overlaps(cleaned, effective_from, effective_to):
            self.add_error(
                "effective_from",
                _("Pada tanggal tersebut sudah ada tarif lain dengan nama yang sama; pilih tanggal lain."),
            )
        return cleaned

    def validate_constraints(self) -> None:
        # The model's no-overlap check would count the open-ended row that saving closes; `clean` runs
        # the overlap and end-date checks knowing that, and the database constraint stays the backstop.
        try:
            self.instance.validate_constraints(exclude={"effective_to"})
        except forms.ValidationError as exc:
            self.add_error(None, exc)

    def _overlaps(self, cleaned: dict[str, Any], start: Any, end: Any) -> bool:
        """Would the row share a day with another of the same name? The open-ended row that a new
        figure replaces does not count: saving closes it (RateAdmin.save_model)."""
        others = Rate.objects.filter(
            program=cleaned.get("program"), segment=cleaned.get("segment"), component=cleaned.get("component")
        ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=start))
        if end is not None:
            others = others.filter(effective_from__lte=end)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        else:
            others = others.exclude(effective_to__isnull=True, effective_from__lt=start)
        return others.exists()


@admin.register(Rate)
class RateAdmin(_AdministratorEdits):
    form = RateForm
    list_display = (
        "program",
        "segment",
        "component",
        "value",
        "unit",
        "effective_from",
        "effective_to",
        "in_force",
        "confidence",
        "source",
    )
    list_filter = ("program", "segment", "unit", "confidence")
    search_fields = ("component", "source")
    ordering = ("program", "segment", "component", "-effective_from")

    @admin.display(description=gettext_lazy("sudah berlaku"), boolean=True)
    def in_force(self, obj: Rate) -> bool:
        return _in_force(obj)

    def save_model(self, request: HttpRequest, obj: Rate, form: Any, change: bool) -> None:
        # A new figure ends the open-ended one it replaces (rows of a name never overlap).
        with transaction.atomic():
            if not change:
                rate_close_predecessor(
                    program=obj.program,
                    segment=obj.segment,
                    component=obj.component,
                    effective_from=obj.effective_from,
                )
            super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: Rate) -> None:
        with transaction.atomic():
            deleted = Rate(
                program=obj.program,
                segment=obj.segment,
                component=obj.component,
                effective_from=obj.effective_from,
                effective_to=obj.effective_to,
            )
            super().delete_model(request, obj)
            rate_reopen_predecessor(deleted)


@admin.register(DiscountProgramme)
class DiscountProgrammeAdmin(_AdministratorEdits):
    list_display = ("label", "segment", "percent", "first_period", "last_period", "confidence", "source")
    list_filter = ("segment", "confidence")

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Read-only for now: programmes come from regulations, loaded by data migrations.
        return False

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


class DevelopmentRateForm(forms.ModelForm):
    class Meta:
        model = DevelopmentRate
        fields = ("year", "rate_percent", "source", "assumed")

    def clean(self) -> dict[str, Any]:
        from participants.ledger.models import EntryKind, LedgerEntry

        cleaned: dict[str, Any] = super().clean() or {}
        this_year = timezone.localdate().year
        original = DevelopmentRate.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        if original is not None and original.year < this_year:
            raise forms.ValidationError(
                _(
                    "Tahun %(year)s sudah berakhir dan hasil pengembangannya dapat sudah dikreditkan ke "
                    "saldo: angka ini tidak boleh diubah. Koreksi saldo dilakukan dengan entri koreksi."
                )
                % {"year": original.year},
                code="in_force",
            )
        year = cleaned.get("year")
        if original is not None and year is not None and year < this_year:
            self.add_error("year", _("Tahun yang sudah berakhir tidak dapat dipilih."))
        elif (
            original is None
            and year is not None
            and year < this_year
            and LedgerEntry.objects.filter(kind=EntryKind.DEVELOPMENT, year=year).exists()
        ):
            self.add_error(
                "year",
                _(
                    "Hasil pengembangan tahun %(year)s sudah dikreditkan: "
                    "tingkatnya tidak dapat ditambahkan lagi."
                )
                % {"year": year},
            )
        return cleaned


@admin.register(DevelopmentRate)
class DevelopmentRateAdmin(_AdministratorEdits):
    form = DevelopmentRateForm
    list_display = ("year", "rate_percent", "assumed", "source")
    list_filter = ("assumed",)


class HolidayOverrideForm(forms.ModelForm):
    class Meta:
        model = HolidayOverride
        fields = ("date", "is_holiday", "note")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        today = timezone.localdate()
        original = HolidayOverride.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        if original is not None and original.date <= today:
            raise forms.ValidationError(
                _(
                    "Koreksi untuk %(date)s sudah berlaku (tenggat klaim sudah dihitung dengannya) dan "
                    "tidak boleh diubah."
                )
                % {"date": original.date.strftime("%d/%m/%Y")},
                code="in_force",
            )
        day = cleaned.get("date")
        if day is not None and day <= today:
            self.add_error("date", _("Tanggal harus setelah hari ini."))
        return cleaned


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(_AdministratorEdits):
    form = HolidayOverrideForm
    list_display = ("date", "is_holiday", "note")
    list_filter = ("is_holiday",)
