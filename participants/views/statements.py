"""RSJHT: request on the page, follow the rendering (htmx polling or a refresh link), download."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HTMX_STOP_POLLING

from participants.models import Participant
from participants.overview.selectors import history_years
from participants.statements.models import DocumentStatus, Statement
from participants.statements.selectors import statement_get_for_user, statements_of_participant
from participants.statements.services import statement_request as statement_request_service
from participants.views.access import owned, owned_participant, request_user
from portal.htmx import is_htmx_fragment_request, render_page_or_partial


class StatementRequestForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Tahun"), coerce=int)

    def __init__(self, *args: object, participant: Participant, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        years = history_years(participant, timezone.localdate())
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def statement_request(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    participant = owned_participant(request, public_id)
    form = StatementRequestForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        statement, _created = statement_request_service(
            participant=participant, year=form.cleaned_data["year"], requested_by=request_user(request)
        )
        return redirect("participants:statement_status", statement_id=statement.public_id)
    context = {
        "participant": participant,
        "form": form,
        "statements": statements_of_participant(participant=participant),
    }
    return TemplateResponse(request, "participants/statement_request.html", context, status=200)


def _statement(request: HttpRequest, statement_id: uuid.UUID) -> Statement:
    return owned(
        request,
        "statement",
        statement_id,
        lambda: statement_get_for_user(user=request_user(request), statement_id=statement_id),
    )


@login_required
@require_GET
def statement_status(request: HttpRequest, statement_id: uuid.UUID) -> HttpResponse:
    statement = _statement(request, statement_id)
    # Polling stops (htmx: status 286) as soon as the statement is no longer in progress.
    status = HTMX_STOP_POLLING if is_htmx_fragment_request(request) and not statement.in_progress else 200
    return render_page_or_partial(
        request, "participants/statement_status.html", "status", {"statement": statement}, status=status
    )


@login_required
@require_GET
def statement_download(request: HttpRequest, statement_id: uuid.UUID) -> HttpResponseBase:
    statement = _statement(request, statement_id)
    if statement.status != DocumentStatus.READY or not statement.file:
        raise Http404
    filename = f"RSJHT-{statement.participant.kpj}-{statement.year}-{statement.document_number[-9:]}.pdf"
    return private_pdf(statement.file.open("rb"), filename)


def private_pdf(handle: object, filename: str) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
