"""The claim review page of the admin, its document view and its action confirmation pages.

Views here are thin: they find the claim inside the staff member's branch scope (404 and an
out-of-scope log row otherwise), check the action's permission, and call one claims service. A refused
action (wrong state, same approver, failed checks) shows the service's message; nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import is_read_only
from backoffice.forms import (
    REVISION_CHOICES,
    ConfirmForm,
    RecordInterviewForm,
    RejectForm,
    RevisionForm,
    ScheduleInterviewForm,
)
from backoffice.labels import CHECK_LABELS, ELIGIBILITY_LABELS, HISTORY_REASON_LABELS, label_for
from backoffice.models import AccessKind
from backoffice.services import access_log_record, admin_object_in_scope
from claims import services
from claims.eligibility import evaluate
from claims.models import Claim, ClaimDocument, ClaimStatus, PayoutOutcome
from claims.reasons import REJECTION_REASONS
from claims.selectors import claim_facts_for_person
from claims.transitions import ClaimError
from participants.models import Participant
from portal.masking import mask_nik
from portal.uploads.pdf_pages import PageNotShown, is_pdf, pdf_page_image, pdf_preview
from portal.uploads.serving import private_file_response
from portal.uploads.thumbnails import render_upload_thumbnail

S = ClaimStatus


@dataclass(frozen=True)
class ClaimAction:
    slug: str
    label: Any
    form_class: type[forms.Form]
    statuses: frozenset[str]
    permission: str
    run: Callable[[Any, Claim, dict[str, Any]], Claim]
    help: Any = ""
    available: Callable[[Claim], bool] = lambda claim: True


ACTIONS: dict[str, ClaimAction] = {
    a.slug: a
    for a in (
        ClaimAction(
            "setujui",
            gettext_lazy("Setujui klaim"),
            ConfirmForm,
            frozenset({S.IN_REVIEW}),
            "claims.review_claim",
            lambda actor, claim, data: services.claim_approve(
                actor=actor, claim_id=claim.public_id, note=data["note"]
            ),
            gettext_lazy(
                "Persetujuan pertama. Tanpa syarat persetujuan kedua, pembayaran langsung diproses."
            ),
        ),
        ClaimAction(
            "persetujuan-kedua",
            gettext_lazy("Beri persetujuan kedua"),
            ConfirmForm,
            frozenset({S.APPROVED}),
            "claims.second_approve_claim",
            lambda actor, claim, data: services.claim_second_approve(
                actor=actor, claim_id=claim.public_id, note=data["note"]
            ),
            gettext_lazy("Hanya supervisor selain pemberi persetujuan pertama. Pembayaran lalu diproses."),
            lambda claim: claim.second_approval_required,
        ),
        ClaimAction(
            "minta-perbaikan",
            gettext_lazy("Minta perbaikan"),
            RevisionForm,
            frozenset({S.IN_REVIEW}),
            "claims.review_claim",
            lambda actor, claim, data: services.claim_request_revision(
                actor=actor, claim_id=claim.public_id, items=data["items"], note=data["note"]
            ),
            gettext_lazy("Klaim dikembalikan ke pengaju dengan daftar perbaikan dan catatan Anda."),
        ),
        ClaimAction(
            "tolak",
            gettext_lazy("Tolak klaim"),
            RejectForm,
            frozenset({S.IN_REVIEW, S.REVISION_REQUESTED, S.APPROVED}),
            "claims.review_claim",
            lambda actor, claim, data: services.claim_reject(
                actor=actor, claim_id=claim.public_id, reason_code=data["reason_code"], note=data["note"]
            ),
            gettext_lazy("Alasan dan catatan ditampilkan kepada pengaju klaim."),
        ),
        ClaimAction(
            "jadwalkan-wawancara",
            gettext_lazy("Jadwalkan wawancara video"),
            ScheduleInterviewForm,
            frozenset({S.IN_REVIEW}),
            "claims.review_claim",
            lambda actor, claim, data: services.claim_schedule_interview(
                actor=actor, claim_id=claim.public_id, at=data["at"]
            ),
            available=lambda claim: claim.interview_required and claim.interview_recorded_at is None,
        ),
        ClaimAction(
            "catat-wawancara",
            gettext_lazy("Catat hasil wawancara"),
            RecordInterviewForm,
            frozenset({S.IN_REVIEW}),
            "claims.review_claim",
            lambda actor, claim, data: services.claim_record_interview(
                actor=actor, claim_id=claim.public_id, note=data["note"]
            ),
            available=lambda claim: claim.interview_scheduled_at is not None,
        ),
        ClaimAction(
            "coba-bayar-ulang",
            gettext_lazy("Coba bayar ulang"),
            ConfirmForm,
            frozenset({S.PAYING}),
            "claims.review_claim",
            lambda actor, claim, data: services.claim_retry_payout(actor=actor, claim_id=claim.public_id),
            gettext_lazy("Transfer dikirim lagi dengan referensi yang sama: tidak akan dibayar dua kali."),
            # Only once a transfer failed: right after approval the first transfer is still in flight.
            available=lambda claim: _last_payout_failed(claim),
        ),
    )
}


def _last_payout_failed(claim: Claim) -> bool:
    last = claim.payouts.order_by("-created_at").values_list("outcome", flat=True).first()
    return last is not None and last not in (PayoutOutcome.PENDING, PayoutOutcome.SUCCESS)


def may_act(request: HttpRequest, action: ClaimAction) -> bool:
    return request.user.has_perm(action.permission) and not is_read_only(request.user)


def _change_url(claim: Claim) -> str:
    return reverse("admin:claims_claim_change", args=[claim.pk])


def review_page(model_admin: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    claim: Claim = admin_object_in_scope(model_admin, request, object_id, what="claim")
    participant = claim.participant
    accounts = list(
        Participant.objects.filter(nik_index=claim.nik_index)
        .select_related("jht_balance", "branch")
        .order_by("registered_on", "kpj")
    )
    access_log_record(
        actor=request.user,  # type: ignore[arg-type]
        kind=AccessKind.BALANCE,
        participant_id=participant.pk,
        claim_id=claim.pk,
        detail=_("halaman pemeriksaan klaim"),
    )
    try:
        eligibility = evaluate(
            claim_facts_for_person(nik_index=claim.nik_index, exclude_claim_id=claim.pk), claim.reason
        )
    except Participant.DoesNotExist:
        eligibility = None
    labels = dict(REVISION_CHOICES)
    documents = list(claim.documents.all())
    checks = list(claim.checks.all())
    for check in checks:
        check.label = label_for(CHECK_LABELS, check.code)  # type: ignore[attr-defined]
    history = list(claim.history.select_related("actor"))
    for row in history:
        row.reason_label = label_for(HISTORY_REASON_LABELS, row.reason)  # type: ignore[attr-defined]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Claim._meta,
        "title": _("Pemeriksaan klaim %(id)s") % {"id": str(claim.public_id)[:8]},
        "claim": claim,
        "participant": participant,
        "masked_nik": mask_nik(participant.nik),
        # A 16-digit NPWP is the NIK (NPWP = NIK since 2024): masked like it.
        "shown_npwp": mask_nik(claim.npwp) if len(claim.npwp) == 16 else claim.npwp,
        "accounts": accounts,
        "total_balance_idr": sum(
            getattr(getattr(a, "jht_balance", None), "balance_idr", 0) for a in accounts
        ),
        "eligibility": eligibility,
        "checks": checks,
        "eligibility_label": (
            label_for(ELIGIBILITY_LABELS, eligibility.code or "eligible") if eligibility else ""
        ),
        "documents": documents,
        # PDFs show their first pages as images (document_page); other documents their thumbnail.
        "document_rows": [
            (doc, pdf_preview(doc.file.name) if doc.file.name and is_pdf(doc.file.name) else None)
            for doc in documents
        ],
        "payouts": list(claim.payouts.all()),
        "history": history,
        "versions": list(claim.versions.select_related("history_user").order_by("-history_date")[:30]),
        "rejection": REJECTION_REASONS.get(claim.rejection_code) if claim.rejection_code else None,
        "revision_items": [labels.get(item, item) for item in claim.revision_items],
        "actions": [
            a
            for a in ACTIONS.values()
            if claim.status in a.statuses and a.available(claim) and may_act(request, a)
        ],
    }
    return TemplateResponse(request, "backoffice/claim_review.html", context)


def _document_in_scope(
    model_admin: Any, request: HttpRequest, claim_pk: int, document_id: Any, *, what: str = ""
) -> ClaimDocument:
    """The claim's document if the staff member may see the claim (404 and an out-of-scope log row
    otherwise). Every call writes an access-log row: `what` says which view of it was opened."""
    claim: Claim = admin_object_in_scope(model_admin, request, claim_pk, what="claim")
    doc = claim.documents.filter(public_id=document_id).first()
    if doc is None:
        raise Http404
    access_log_record(
        actor=request.user,  # type: ignore[arg-type]
        kind=AccessKind.DOCUMENTS,
        participant_id=claim.participant_id,
        claim_id=claim.pk,
        detail=f"{doc.doc_type}{f' ({what})' if what else ''}",
    )
    return doc


def document(model_admin: Any, request: HttpRequest, claim_pk: int, document_id: Any) -> HttpResponseBase:
    """A claim document (or its preview with `?pratinjau=1`) through the private storage, never a
    public URL; every request writes an access-log row."""
    preview = request.GET.get("pratinjau") == "1"
    doc = _document_in_scope(model_admin, request, claim_pk, document_id, what="pratinjau" if preview else "")
    name = doc.file.name or ""
    if preview:
        try:
            thumbnail = render_upload_thumbnail(name)
        except FileNotFoundError:
            raise Http404 from None
        return private_file_response(
            storage_name=thumbnail, download_name=f"{doc.doc_type}-pratinjau.jpg", content_type="image/jpeg"
        )
    return private_file_response(
        storage_name=name,
        download_name=f"{doc.doc_type}{PurePosixPath(name).suffix}",
        content_type=doc.content_type,
    )


def document_page(
    model_admin: Any, request: HttpRequest, claim_pk: int, document_id: Any, page: int
) -> HttpResponseBase:
    """Page `page` (1-based, the first `PREVIEW_PAGES` only) of a PDF claim document as a PNG, through the
    private storage like the document itself; 404 for any other page or a document that is no PDF."""
    doc = _document_in_scope(model_admin, request, claim_pk, document_id, what=f"halaman {page}")
    name = doc.file.name or ""
    if not is_pdf(name):
        raise Http404
    try:
        image = pdf_page_image(name, page)
    except (PageNotShown, FileNotFoundError):
        raise Http404 from None
    response = private_file_response(
        storage_name=image, download_name=f"{doc.doc_type}-halaman-{page}.png", content_type="image/png"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def action(model_admin: Any, request: HttpRequest, claim_pk: int, slug: str) -> HttpResponse:
    """Confirmation page (GET) and execution (POST) of one claim action."""
    claim: Claim = admin_object_in_scope(model_admin, request, claim_pk, what="claim")
    found = ACTIONS.get(slug)
    if found is None:
        raise Http404
    if not may_act(request, found):
        raise PermissionDenied
    if request.method == "POST":
        form = found.form_class(request.POST)
        if form.is_valid():
            try:
                found.run(request.user, claim, form.cleaned_data)
            except ClaimError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("%(action)s: berhasil.") % {"action": found.label})
            return HttpResponseRedirect(_change_url(claim))
    else:
        if claim.status not in found.statuses or not found.available(claim):
            messages.error(
                request,
                _("Tindakan ini tidak tersedia untuk klaim dengan status %(status)s.")
                % {"status": claim.get_status_display()},
            )
            return HttpResponseRedirect(_change_url(claim))
        form = found.form_class()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Claim._meta,
        "title": found.label,
        "claim": claim,
        "action": found,
        "form": form,
    }
    return TemplateResponse(request, "backoffice/claim_action.html", context)
