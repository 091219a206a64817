"""Payment partners on SNAP in the back office: administrators register partners and their keys (the
client secret is shown once, when created), rotate keys (add a credential, then revoke the old one),
switch partners off, and import settlement files; every staff role may look. The services in
`partners.credentials` and `partners.settlement` do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import StaffRole, has_role
from backoffice.scoped_admin import StaffScopedAdmin
from partners.credentials import credential_create, credential_revoke, partner_switch
from partners.models import Credential, Partner, Service, SettlementImport, SettlementLine
from partners.settlement import SettlementError, settlement_import
from partners.signatures import InvalidPublicKey, load_public_key


def _administrator(request: HttpRequest) -> bool:
    return has_role(request.user, StaffRole.ADMINISTRATOR)


class PartnerForm(forms.ModelForm):
    services = forms.MultipleChoiceField(
        label=gettext_lazy("Layanan"), choices=Service.choices, widget=forms.CheckboxSelectMultiple
    )
    public_key_pem = forms.CharField(
        label=gettext_lazy("Public key baru (PEM)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Wajib untuk mitra baru. Untuk rotasi kunci: tempel public key baru; kunci lama tetap berlaku "
            "sampai dicabut. Client secret baru ditampilkan sekali setelah disimpan."
        ),
    )

    class Meta:
        model = Partner
        fields = [
            "name",
            "client_id",
            "partner_service_id",
            "services",
            "channel_ids",
            "active_from",
            "active_until",
        ]

    def clean_public_key_pem(self) -> str:
        pem = self.cleaned_data.get("public_key_pem", "").strip()
        if not pem and self.instance.pk is None:
            raise forms.ValidationError(_("Mitra baru memerlukan public key."))
        if pem:
            try:
                load_public_key(pem)
            except InvalidPublicKey:
                raise forms.ValidationError(_("Bukan public key RSA (PEM) minimal 2048 bit.")) from None
        return pem


class CredentialInline(admin.TabularInline):
    model = Credential
    extra = 0
    can_delete = False
    fields = ["secret_hint", "created_at", "created_by", "revoked_at"]
    readonly_fields = ["secret_hint", "created_at", "created_by", "revoked_at"]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Partner)
class PartnerAdmin(StaffScopedAdmin):
    form = PartnerForm
    list_display = ["name", "client_id", "partner_service_id", "services", "switched_off_at", "active_until"]
    search_fields = ["name", "client_id"]
    readonly_fields = ["switched_off_at", "created_at"]
    inlines = [CredentialInline]
    actions = ["switch_off", "switch_on"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _administrator(request)

    def save_model(self, request: HttpRequest, obj: Partner, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        pem = form.cleaned_data.get("public_key_pem")
        if pem:
            _credential, secret = credential_create(partner=obj, public_key_pem=pem, actor=request.user)  # type: ignore[arg-type]
            messages.warning(
                request,
                _(
                    "Client secret baru untuk %(client)s (hanya ditampilkan sekali, kirim ke mitra lewat "
                    "saluran aman): %(secret)s"
                )
                % {"client": obj.client_id, "secret": secret},
            )

    @admin.action(description=gettext_lazy("Matikan mitra (semua permintaan ditolak)"))
    def switch_off(self, request: HttpRequest, queryset: QuerySet[Partner]) -> None:
        if not _administrator(request):
            raise PermissionError
        for partner in queryset:
            partner_switch(partner=partner, on=False)
        self.message_user(request, _("Mitra dimatikan."), messages.SUCCESS)

    @admin.action(description=gettext_lazy("Hidupkan kembali mitra"))
    def switch_on(self, request: HttpRequest, queryset: QuerySet[Partner]) -> None:
        if not _administrator(request):
            raise PermissionError
        for partner in queryset:
            partner_switch(partner=partner, on=True)
        self.message_user(request, _("Mitra dihidupkan kembali."), messages.SUCCESS)


@admin.register(Credential)
class CredentialAdmin(StaffScopedAdmin):
    list_display = ["partner", "secret_hint", "created_at", "revoked_at"]
    list_filter = ["partner"]
    readonly_fields = ["partner", "public_key_pem", "secret_hint", "created_at", "created_by", "revoked_at"]
    actions = ["revoke"]

    @admin.action(description=gettext_lazy("Cabut kredensial (token yang sudah terbit ikut berhenti)"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Credential]) -> None:
        if not _administrator(request):
            raise PermissionError
        count = sum(credential_revoke(credential=c) for c in queryset)
        self.message_user(request, _("%(count)d kredensial dicabut.") % {"count": count}, messages.SUCCESS)


class SettlementUploadForm(forms.ModelForm):
    file = forms.FileField(label=gettext_lazy("File settlement (CSV)"))
    actor: Any = None  # the staff member importing, set per request by the admin

    class Meta:
        model = SettlementImport
        fields = ["partner", "day"]

    def _post_clean(self) -> None:
        # `settlement_import` (in clean) stored the import and refuses a second file for the day
        # itself: the form's instance is that row, with no model validation to repeat.
        imported = getattr(self, "imported", None)
        if imported is not None:
            self.instance = imported

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None and data.get("partner") and data.get("day"):
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("File harus CSV UTF-8.")) from None
            try:
                self.imported = settlement_import(
                    partner=data["partner"],
                    day=data["day"],
                    text=text,
                    file_name=upload.name,
                    actor=self.actor,
                )
            except SettlementError as exc:
                raise forms.ValidationError(str(exc)) from None
        return data


class SettlementLineInline(admin.TabularInline):
    model = SettlementLine
    extra = 0
    can_delete = False
    fields = ["line_no", "payment_request_id", "customer_no", "amount_idr", "reference_no", "outcome"]
    readonly_fields = [
        "line_no",
        "payment_request_id",
        "customer_no",
        "amount_idr",
        "reference_no",
        "outcome",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(SettlementImport)
class SettlementImportAdmin(StaffScopedAdmin):
    list_display = ["partner", "day", "line_count", "matched_count", "difference_count", "imported_at"]
    list_filter = ["partner"]
    inlines = [SettlementLineInline]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _administrator(request) or has_role(request.user, StaffRole.SUPERVISOR)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            form = type("BoundSettlementUploadForm", (SettlementUploadForm,), {"actor": request.user})
            return form
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        return [
            "partner",
            "day",
            "file_name",
            "imported_at",
            "imported_by",
            "line_count",
            "matched_count",
            "difference_count",
        ]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Nothing to save: the import was stored by `settlement_import` in the form's clean."""
