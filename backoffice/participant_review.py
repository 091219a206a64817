"""The participant page of the admin: summary with masked NIK, balance (logged), contributions and
ledger (paginated: these tables hold tens of millions of rows), claims, history, and the staff forms
(show NIK, change status, correct personal data, propose a balance correction)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import is_read_only
from backoffice.forms import CorrectionForm, PersonalDataForm, RevealNikForm, StatusChangeForm
from backoffice.models import AccessKind, CorrectionRequest
from backoffice.services import (
    BackofficeError,
    access_log_record,
    admin_object_in_scope,
    correction_request_create,
    participant_change_status,
    participant_correct_personal_data,
    participant_reveal_nik,
)
from claims.models import Claim
from participants.ledger.models import JhtBalance, LedgerEntry
from participants.models import Contribution, Participant
from portal.masking import mask_nik

PAGE_SIZE = 24


@dataclass(frozen=True)
class ParticipantAction:
    slug: str
    label: Any
    form_class: type[forms.Form]
    permission: str
    run: Callable[[Any, Participant, dict[str, Any]], Any]
    success: Any


ACTIONS: dict[str, ParticipantAction] = {
    a.slug: a
    for a in (
        ParticipantAction(
            "ubah-status",
            gettext_lazy("Ubah status kepesertaan"),
            StatusChangeForm,
            "participants.change_participant",
            lambda actor, p, d: participant_change_status(
                actor=actor,
                participant_id=p.pk,
                status=d["status"],
                status_reason=d["status_reason"],
                reason=d["reason"],
            ),
            gettext_lazy("Status kepesertaan diubah."),
        ),
        ParticipantAction(
            "perbaiki-data",
            gettext_lazy("Perbaiki data diri"),
            PersonalDataForm,
            "participants.change_participant",
            lambda actor, p, d: participant_correct_personal_data(
                actor=actor,
                participant_id=p.pk,
                changes={k: d[k] for k in ("full_name", "address", "phone", "email")},
                reason=d["reason"],
            ),
            gettext_lazy("Data diri diperbaiki."),
        ),
        ParticipantAction(
            "ajukan-koreksi-saldo",
            gettext_lazy("Ajukan koreksi saldo JHT"),
            CorrectionForm,
            "backoffice.add_correctionrequest",
            lambda actor, p, d: correction_request_create(
                actor=actor, participant_id=p.pk, amount_idr=d["amount_idr"], reason=d["reason"]
            ),
            gettext_lazy("Koreksi saldo diajukan; menunggu persetujuan supervisor lain."),
        ),
    )
}


def _page(request: HttpRequest, queryset: Any, param: str) -> Any:
    # Paginator without count: pages are fetched with LIMIT/OFFSET on the (participant, ...) indexes.
    raw = request.GET.get(param, "1")
    number = int(raw) if raw.isdigit() and int(raw) > 0 else 1
    rows = list(queryset[(number - 1) * PAGE_SIZE : number * PAGE_SIZE + 1])
    return {
        "rows": rows[:PAGE_SIZE],
        "number": number,
        "has_previous": number > 1,
        "has_next": len(rows) > PAGE_SIZE,
        "param": param,
    }


def _may(request: HttpRequest, permission: str) -> bool:
    return request.user.has_perm(permission) and not is_read_only(request.user)


def review_page(model_admin: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    participant: Participant = admin_object_in_scope(model_admin, request, object_id, what="participant")
    access_log_record(
        actor=request.user,  # type: ignore[arg-type]
        kind=AccessKind.BALANCE,
        participant_id=participant.pk,
        detail=_("halaman peserta"),
    )
    balance = JhtBalance.objects.filter(account=participant).first()
    contributions = (
        Contribution.objects.filter(participant=participant)
        .select_related("employer")
        .order_by("-period", "-pk")
    )
    ledger = LedgerEntry.objects.filter(account=participant).order_by("-value_date", "-pk")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Participant._meta,
        "title": f"{participant.kpj} {participant.full_name}",
        "participant": participant,
        "masked_nik": mask_nik(participant.nik),
        "balance": balance,
        "contributions": _page(request, contributions, "iuran"),
        "ledger": _page(request, ledger, "mutasi"),
        "claims": list(Claim.objects.filter(nik_index=participant.nik_index).order_by("-created_at")[:20]),
        "corrections": list(
            CorrectionRequest.objects.filter(participant=participant).select_related("requested_by")[:20]
        ),
        "versions": list(participant.history.select_related("history_user").order_by("-history_date")[:20]),
        "actions": [a for a in ACTIONS.values() if _may(request, a.permission)],
        "can_reveal_nik": request.user.has_perm("participants.view_participant"),
        "reveal_form": RevealNikForm(),
    }
    return TemplateResponse(request, "backoffice/participant_review.html", context)


def _back(participant: Participant) -> str:
    return reverse("admin:participants_participant_change", args=[participant.pk])


def action(model_admin: Any, request: HttpRequest, participant_pk: int, slug: str) -> HttpResponse:
    participant: Participant = admin_object_in_scope(model_admin, request, participant_pk, what="participant")
    if slug == "tampilkan-nik":
        return _reveal_nik(model_admin, request, participant)
    found = ACTIONS.get(slug)
    if found is None:
        raise Http404
    if not _may(request, found.permission):
        raise PermissionDenied
    if request.method == "POST":
        form = found.form_class(request.POST)
        if form.is_valid():
            try:
                found.run(request.user, participant, form.cleaned_data)
            except BackofficeError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, str(found.success))
                return HttpResponseRedirect(_back(participant))
    else:
        initial = {
            "full_name": participant.full_name,
            "address": participant.address,
            "phone": participant.phone,
            "email": participant.email,
            "status": participant.status,
            "status_reason": participant.status_reason,
        }
        form = found.form_class(initial=initial)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Participant._meta,
        "title": found.label,
        "participant": participant,
        "form": form,
    }
    return TemplateResponse(request, "backoffice/participant_action.html", context)


def _reveal_nik(model_admin: Any, request: HttpRequest, participant: Participant) -> HttpResponse:
    """POST only, with a reason: shows the NIK in clear once and writes an access-log row."""
    if request.method != "POST":
        return HttpResponseRedirect(_back(participant))
    form = RevealNikForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tuliskan alasan melihat NIK."))
        return HttpResponseRedirect(_back(participant))
    nik = participant_reveal_nik(
        actor=request.user,  # type: ignore[arg-type]
        participant_id=participant.pk,
        reason=form.cleaned_data["reason"],
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Participant._meta,
        "title": _("NIK peserta"),
        "participant": participant,
        "nik": nik,
    }
    response = TemplateResponse(request, "backoffice/participant_nik.html", context)
    response["Cache-Control"] = "no-store"
    return response
