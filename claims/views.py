"""The claimant's pages: eligibility check, the claim wizard, "Klaim saya", tracking and documents.

Thin views: a form parses the input, one service writes or one selector reads. Every claim is fetched
through `claim_get_for_participant` (404 for anything that is not the user's, logged as an IDOR
attempt). Each wizard step is a normal page; with htmx a form swaps only the `#wizard` fragment and the
step that follows pushes its own URL, so the browser's address and back button stay right.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from claims.eligibility import BASE_DOCUMENTS, Eligibility, evaluate
from claims.forms import BankForm, DocumentForm, ReasonForm
from claims.models import Claim, ClaimReason, ClaimStatus, DocumentType
from claims.reasons import REJECTION_REASONS
from claims.selectors import (
    claim_facts_for_person,
    claim_get_for_participant,
    claims_of_user,
    open_claim_of_user,
)
from claims.selectors import eligibility_for_user as eligibility_selector
from claims.service_level import due_date_for
from claims.services import (
    EDITABLE,
    ClaimError,
    claim_attach_document,
    claim_cancel,
    claim_start_draft,
    claim_submit,
    claim_update_draft,
)
from claims.transitions import Role, is_allowed
from claims.verification import run_checks
from participants.views.access import owned, request_user
from portal.htmx import is_htmx_fragment_request, render_page_or_partial
from portal.uploads.serving import private_file_response

WIZARD = "claims/wizard.html"


@dataclass(frozen=True)
class Step:
    key: str
    label: str | Promise
    url_name: str


STEPS = (
    Step("reason", gettext_lazy("Sebab klaim"), "claims:step_reason"),
    Step("personal", gettext_lazy("Data diri"), "claims:step_personal"),
    Step("documents", gettext_lazy("Dokumen"), "claims:step_documents"),
    Step("bank", gettext_lazy("Rekening bank"), "claims:step_bank"),
    Step("review", gettext_lazy("Periksa dan ajukan"), "claims:step_review"),
)


def _own_claim(request: HttpRequest, claim_id: uuid.UUID) -> Claim:
    user = request_user(request)
    return owned(request, "claim", claim_id, lambda: claim_get_for_participant(user=user, claim_id=claim_id))


def _wizard(
    request: HttpRequest, step: str, context: dict[str, Any], *, claim: Claim | None = None
) -> TemplateResponse:
    response = render_page_or_partial(
        request,
        WIZARD,
        "wizard",
        {
            "steps": STEPS,
            "step_states": _step_states(step),
            "step": step,
            "step_template": f"claims/steps/{step}.html",
            "claim": claim,
            **context,
        },
    )
    if is_htmx_fragment_request(request) and request.method == "GET":
        response["HX-Push-Url"] = request.get_full_path()
    return response


def _step_states(current: str) -> list[tuple[Step, str]]:
    """Each wizard step with "done", "current" or "" (to come), for the stepper component."""
    keys = [s.key for s in STEPS]
    index = keys.index(current) if current in keys else -1
    return [(s, "done" if i < index else "current" if i == index else "") for i, s in enumerate(STEPS)]


def _editable_or_tracking(request: HttpRequest, claim_id: uuid.UUID) -> Claim | HttpResponse:
    claim = _own_claim(request, claim_id)
    if claim.status not in EDITABLE:
        return redirect("claims:detail", claim_id=claim.public_id)
    return claim


def _next(step: str, claim: Claim) -> HttpResponse:
    return redirect(step, claim_id=claim.public_id, permanent=False)


# --- Eligibility and lists -----------------------------------------------------------------------


@login_required
@require_GET
def eligibility(request: HttpRequest) -> HttpResponse:
    results = eligibility_selector(user=request_user(request), today=timezone.localdate())
    rows = [_reason_row(reason, result) for reason, result in results.items()]
    # Reasons the person can use first, then "not yet", then the rest (stable: the table's order within).
    order = {"eligible": 0, "not_yet": 1}
    rows.sort(key=lambda row: order.get(row["result"].outcome, 2))
    return render_page_or_partial(request, "claims/eligibility.html", "reasons", {"rows": rows})


def _reason_row(reason: str, result: Eligibility) -> dict[str, Any]:
    return {
        "reason": reason,
        "label": ClaimReason(reason).label,
        "result": result,
        "documents": [DocumentType(d).label for d in (result.documents or BASE_DOCUMENTS[reason])],
    }


@login_required
@require_GET
def claim_list(request: HttpRequest) -> HttpResponse:
    claims = list(claims_of_user(user=request_user(request)))
    return render_page_or_partial(request, "claims/list.html", "claims", {"claims": claims})


# --- Wizard ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def claim_new(request: HttpRequest) -> HttpResponse:
    """Step 1 for a new claim: choosing the reason creates (or reopens) the person's draft. Blocked at the
    start, with a link to it, while another claim is in progress (the eligibility page says the same)."""
    open_claim = open_claim_of_user(user=request_user(request))
    if open_claim is not None:
        return TemplateResponse(request, "claims/blocked.html", {"open_claim": open_claim})
    form = ReasonForm(request.POST or None, initial={"reason": request.GET.get("sebab", "")})
    if request.method == "POST" and form.is_valid():
        user = request_user(request)
        try:
            draft = claim_start_draft(user=user, reason=form.cleaned_data["reason"])
            if draft.reason != form.cleaned_data["reason"]:  # an earlier draft: keep it, new reason
                draft = claim_update_draft(
                    user=user, claim_id=draft.public_id, reason=form.cleaned_data["reason"]
                )
        except ClaimError as exc:
            form.add_error(None, exc.message)
        else:
            return _next("claims:step_personal", draft)
    return _wizard(request, "reason", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def step_reason(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    claim = _editable_or_tracking(request, claim_id)
    if isinstance(claim, HttpResponse):
        return claim
    form = ReasonForm(request.POST or None, initial={"reason": claim.reason})
    if request.method == "POST" and form.is_valid():
        try:
            claim = claim_update_draft(
                user=request_user(request), claim_id=claim.public_id, reason=form.cleaned_data["reason"]
            )
        except ClaimError as exc:
            form.add_error(None, exc.message)
        else:
            return _next("claims:step_personal", claim)
    return _wizard(request, "reason", {"form": form}, claim=claim)


@login_required
@require_GET
def step_personal(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    claim = _editable_or_tracking(request, claim_id)
    if isinstance(claim, HttpResponse):
        return claim
    facts = claim_facts_for_person(nik_index=claim.nik_index, exclude_claim_id=claim.pk)
    return _wizard(
        request,
        "personal",
        {
            "person": claim.participant,
            "accounts": facts.accounts,
            "total": sum(a.balance_idr for a in facts.accounts),
        },
        claim=claim,
    )


def _required_documents(claim: Claim) -> list[str]:
    if not claim.reason:
        return []
    documents = list(BASE_DOCUMENTS[claim.reason])
    if claim.npwp:
        documents.append(DocumentType.NPWP)
    return [str(d) for d in documents]


@login_required
@require_http_methods(["GET", "POST"])
def step_documents(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    claim = _editable_or_tracking(request, claim_id)
    if isinstance(claim, HttpResponse):
        return claim
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim_attach_document(
                user=request_user(request),
                claim_id=claim.public_id,
                doc_type=form.cleaned_data["doc_type"],
                file=form.cleaned_data["file"],
            )
        except ClaimError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("Dokumen sudah diunggah."))
            return _next("claims:step_documents", claim)
    uploaded = {d.doc_type: d for d in claim.documents.all()}
    required = _required_documents(claim)
    rows = [{"code": d, "label": DocumentType(d).label, "document": uploaded.get(d)} for d in required]
    failed_type = form.data.get("doc_type") if form.errors else None
    return _wizard(
        request,
        "documents",
        {
            "rows": rows,
            "form": form,
            "failed_type": failed_type,
            "failed_known": failed_type in required,
            "complete": all(r["document"] for r in rows),
        },
        claim=claim,
    )


@login_required
@require_http_methods(["GET", "POST"])
def step_bank(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    claim = _editable_or_tracking(request, claim_id)
    if isinstance(claim, HttpResponse):
        return claim
    initial = {
        "bank_code": claim.bank_code,
        "bank_account_number": claim.bank_account_number,
        "bank_account_name": claim.bank_account_name,
        "npwp": claim.npwp,
    }
    form = BankForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            claim = claim_update_draft(
                user=request_user(request), claim_id=claim.public_id, **form.cleaned_data
            )
        except ClaimError as exc:
            form.add_error(None, exc.message)
        else:
            return _next("claims:step_review", claim)
    return _wizard(request, "bank", {"form": form}, claim=claim)


@login_required
@require_http_methods(["GET", "POST"])
def step_review(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    """The amounts, the expected payment date and the pre-flight checklist; POST submits (idempotent)."""
    claim = _own_claim(request, claim_id)
    if claim.status not in EDITABLE:
        return redirect("claims:detail", claim_id=claim.public_id)
    error = ""
    if request.method == "POST":
        try:
            claim_submit(user=request_user(request), claim_id=claim.public_id)
        except ClaimError as exc:
            error = exc.message
        else:
            messages.success(request, _("Klaim Anda sudah diajukan. Kami akan memverifikasinya."))
            url = reverse("claims:detail", kwargs={"claim_id": claim.public_id})
            # The tracking page is a different page: with htmx, load it whole.
            return HttpResponseClientRedirect(url) if is_htmx_fragment_request(request) else redirect(url)
    result = None
    checks = []
    if claim.reason:
        facts = claim_facts_for_person(nik_index=claim.nik_index, exclude_claim_id=claim.pk)
        result = evaluate(facts, claim.reason)
        checks = run_checks(claim, facts=facts)
    context = {
        "result": result,
        "checks": checks,
        "has_fail": any(c.result == "fail" for c in checks),
        "expected_payment": due_date_for(timezone.localdate()),
        "error": error,
    }
    return _wizard(request, "review", context, claim=claim)


# --- Tracking and documents ------------------------------------------------------------------------

STATUS_HELP: dict[str, str | Promise] = {
    ClaimStatus.DRAFT: gettext_lazy("Klaim belum diajukan. Lengkapi langkah-langkahnya lalu ajukan."),
    ClaimStatus.SUBMITTED: gettext_lazy("Klaim sudah diajukan dan menunggu verifikasi otomatis."),
    ClaimStatus.VERIFYING: gettext_lazy("Data dan dokumen Anda sedang diverifikasi otomatis."),
    ClaimStatus.IN_REVIEW: gettext_lazy(
        "Petugas sedang memeriksa klaim Anda. Tidak ada yang perlu Anda lakukan."
    ),
    ClaimStatus.REVISION_REQUESTED: gettext_lazy(
        "Petugas meminta perbaikan. Perbaiki hal di bawah lalu ajukan ulang."
    ),
    ClaimStatus.RESUBMITTED: gettext_lazy("Perbaikan Anda sudah diterima dan akan diverifikasi ulang."),
    ClaimStatus.APPROVED: gettext_lazy("Klaim disetujui dan menunggu persetujuan kedua sebelum dibayar."),
    ClaimStatus.PAYING: gettext_lazy("Dana sedang ditransfer ke rekening Anda."),
    ClaimStatus.PAID: gettext_lazy("Dana sudah ditransfer ke rekening Anda."),
    ClaimStatus.REJECTED: gettext_lazy("Klaim ditolak. Lihat alasan dan cara memperbaikinya di bawah."),
    ClaimStatus.CANCELLED: gettext_lazy("Klaim dibatalkan."),
}


@login_required
@require_GET
def claim_detail(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    claim = _own_claim(request, claim_id)
    rejection = REJECTION_REASONS.get(claim.rejection_code) if claim.rejection_code else None
    labels = dict(DocumentType.choices)
    revision_items = [labels.get(item, item) for item in claim.revision_items]
    context = {
        "claim": claim,
        "history": list(claim.history.all()),
        "checks": list(claim.checks.all()),
        "documents": list(claim.documents.all()),
        "status_help": STATUS_HELP.get(claim.status, ""),
        "rejection": rejection,
        "revision_items": revision_items,
        "editable": claim.status in EDITABLE,
        "cancellable": _cancellable(claim),
        "letter": claim.letters.order_by("-created_at").first()
        if claim.status in FINAL_WITH_LETTER
        else None,
    }
    return render_page_or_partial(request, "claims/detail.html", "status", context)


FINAL_WITH_LETTER = frozenset({ClaimStatus.PAID, ClaimStatus.REJECTED})


def _cancellable(claim: Claim) -> bool:
    return is_allowed(claim.status, ClaimStatus.CANCELLED, Role.CLAIMANT)


@login_required
@require_http_methods(["GET", "POST"])
def claim_cancel_view(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    """Withdraw a claim (before staff review): a confirmation page, then the service on POST."""
    claim = _own_claim(request, claim_id)
    detail = reverse("claims:detail", kwargs={"claim_id": claim.public_id})
    if not _cancellable(claim):
        messages.error(request, _("Klaim ini sudah diperiksa petugas dan tidak dapat dibatalkan lagi."))
        return redirect(detail)
    if request.method == "POST":
        try:
            claim_cancel(user=request_user(request), claim_id=claim.public_id, reason=_("Dibatalkan peserta"))
        except ClaimError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Klaim Anda telah dibatalkan. Anda dapat mengajukan klaim baru kapan saja.")
            )
        return redirect(detail)
    return TemplateResponse(request, "claims/cancel_confirm.html", {"claim": claim})


@login_required
@require_GET
def letter_download(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponseBase:
    """The decision letter PDF of the user's own finished claim; 202 with a waiting page while it renders."""
    claim = _own_claim(request, claim_id)
    letter = claim.letters.order_by("-created_at").first()
    if letter is None:
        raise Http404
    if not letter.rendered_at:
        return TemplateResponse(request, "claims/letter_pending.html", {"claim": claim}, status=202)
    return private_file_response(
        storage_name=letter.pdf.name or "",
        download_name=f"surat-klaim-{letter.number.replace('/', '-')}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_GET
def document_download(request: HttpRequest, claim_id: uuid.UUID, document_id: uuid.UUID) -> HttpResponseBase:
    claim = _own_claim(request, claim_id)
    document = owned(request, "claim_document", document_id, lambda: _document_of(claim, document_id))
    name = document.file.name or ""
    return private_file_response(
        storage_name=name,
        download_name=f"{document.doc_type}{PurePosixPath(name).suffix}",
        content_type=document.content_type,
    )


def _document_of(claim: Claim, document_id: uuid.UUID) -> Any:
    document = claim.documents.filter(public_id=document_id).first()
    if document is None:
        raise Http404
    return document
