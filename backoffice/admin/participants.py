"""Staff views of participants (branch-scoped) and of user accounts.

The participant page is a review page (backoffice/participant_review.py): masked NIK with a logged
"show NIK" action, the balance (logged), contributions and ledger paginated and read-only, and
status / personal-data corrections through services that keep history. Nothing here deletes.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm
from unfold.paginator import InfinitePaginator

from accounts.roles import StaffRole, branch_scope_q, has_role
from backoffice import participant_review
from backoffice.admin.nik_search import search_filter, search_token_new, term_fits_in_url, url_term_refused
from participants.models import Participant, User
from participants.nik import nik_index

_NIK = re.compile(r"^[0-9]{16}$")
_KPJ = re.compile(r"^[0-9]{11}$")
_PHONE = re.compile(r"^(\+?62|0)8[0-9]{6,12}$")


def participant_search_q(term: str) -> dict[str, str]:
    """One indexed lookup for a search term: NIK (through the blind index), KPJ, phone or email;
    anything else searches the name. The NIK itself never reaches the database."""
    term = term.strip()
    compact = term.replace(" ", "").replace("-", "")
    if _NIK.match(compact):
        return {"nik_index": nik_index(compact)}
    if _KPJ.match(compact):
        return {"kpj": compact}
    if _PHONE.match(compact):
        return {"phone": compact}
    if "@" in term:
        return {"email__iexact": term}
    return {"full_name__icontains": term}


@admin.register(Participant)
class ParticipantAdmin(ModelAdmin):
    list_display = ("kpj", "full_name", "category", "status", "branch", "registered_on")
    list_filter = ("status", "category")
    search_fields = ("kpj",)  # the search itself: get_search_results
    search_help_text = _("Cari dengan KPJ, NIK, nama, email atau nomor HP.")
    list_select_related = ("branch",)
    list_per_page = 50
    paginator = InfinitePaginator
    show_full_result_count = False
    actions = None
    ordering = ("-pk",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Participant]:
        return super().get_queryset(request).filter(branch_scope_q(request.user, "branch"))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Participant], search_term: str
    ) -> tuple[QuerySet[Participant], bool]:
        if not search_term.strip():
            return queryset, False
        lookup = search_filter(request, search_term, participant_search_q)
        return (queryset.none() if lookup is None else queryset.filter(**lookup)), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # participants come from employer reports (imports), never typed in

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # changes go through the review page's forms and services

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:participant_pk>/aksi/<slug:action>/",
                wrap(self.action_view),
                name="participants_participant_action",
            ),
            path("cari/", wrap(self.search_view), name="participants_participant_search"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return url_term_refused(request) or super().changelist_view(request, extra_context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        return participant_review.review_page(self, request, object_id)

    def action_view(self, request: HttpRequest, participant_pk: int, action: str) -> HttpResponse:
        return participant_review.action(self, request, participant_pk, action)

    def search_view(self, request: HttpRequest) -> HttpResponse:
        """The search box's POST: back to the list with `?q=` holding the term, or a token for it
        when it may be a NIK (backoffice/admin/nik_search.py). The list's filters are kept."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        term = request.POST.get("q", "").strip()
        params = [
            (key, value)
            for key, values in request.POST.lists()
            if key not in {"q", "p", "csrfmiddlewaretoken"}
            for value in values
        ]
        if term:
            if not term_fits_in_url(term):
                term = search_token_new(user_id=request.user.pk, term=term, lookup=participant_search_q(term))
            params.append(("q", term))
        url = reverse("admin:participants_participant_changelist")
        return HttpResponseRedirect(f"{url}?{urlencode(params)}" if params else url)


@admin.register(User)
class UserAdmin(BaseUserAdmin, ModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "branch", "is_staff", "is_active")
    list_filter = ("is_staff", "is_active", "groups", "branch")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Data diri"), {"fields": ("first_name", "last_name")}),
        (
            _("Hak akses"),
            {"fields": ("is_active", "is_staff", "branch", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Tanggal penting"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, StaffRole.ADMINISTRATOR)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, StaffRole.ADMINISTRATOR)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are deactivated, never deleted (claims and the ledger refer to them)


# Groups are the staff roles (accounts/roles.py, migration backoffice/0003): administrators only.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ModelAdmin):
    search_fields = ("name",)
    filter_horizontal = ("permissions",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, StaffRole.ADMINISTRATOR)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, StaffRole.ADMINISTRATOR)
