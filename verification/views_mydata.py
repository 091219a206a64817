""" "Data saya": what the portal holds about the signed-in person, on screen (NIK masked) and as a JSON
download (the person's own data, NIK included). The sections come from portal.personal_data."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from participants.views.access import owned, request_user
from portal.masking import mask_nik
from portal.personal_data import Section, personal_data_of_user
from portal.uploads.serving import private_file_response
from verification.exports import personal_data_export_get_for_user, personal_data_export_request


def _masked(value: Any) -> Any:
    """A copy for the screen with every NIK masked (nested rows included)."""
    if isinstance(value, Mapping):
        return {k: mask_nik(v) if k == "nik" else _masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(v) for v in value]
    return value


def _screen(section: Section) -> dict[str, Any]:
    return {
        "key": section.key,
        "title": section.title,
        "rows": [_masked(row) for row in section.rows],
        "summary": _masked(section.summary),
    }


@login_required
@require_GET
@never_cache
def my_data(request: HttpRequest) -> HttpResponse:
    sections = personal_data_of_user(user=request_user(request))
    return render(request, "verification/my_data.html", {"sections": [_screen(s) for s in sections]})


@login_required
@require_GET
@never_cache
def my_data_json(request: HttpRequest) -> HttpResponse:
    sections = personal_data_of_user(user=request_user(request))
    document = {
        "generated_at": timezone.now(),
        "sections": {s.key: {"title": s.title, "summary": s.summary, "rows": list(s.rows)} for s in sections},
    }
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="data-saya-{stamp}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def my_data_pdf_request(request: HttpRequest) -> HttpResponse:
    """Ask for the PDF; it is made by a worker, the next page waits for it."""
    export = personal_data_export_request(user=request_user(request))
    return redirect("mydata:pdf", export_id=export.pk)


@login_required
@require_GET
@never_cache
def my_data_pdf(request: HttpRequest, export_id: uuid.UUID) -> HttpResponseBase:
    """The PDF once ready (a download), until then a page that reloads itself."""
    user = request_user(request)
    export = owned(
        request,
        "personal_data_export",
        export_id,
        lambda: personal_data_export_get_for_user(user=user, export_id=export_id),
    )
    if export.ready_at is None:
        return render(request, "verification/my_data_pdf_pending.html", {"export": export})
    stamp = timezone.localtime(export.created_at).date().isoformat()
    return private_file_response(
        storage_name=export.file, download_name=f"data-saya-{stamp}.pdf", content_type="application/pdf"
    )
