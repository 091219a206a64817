""" "Data saya": what the portal holds about the signed-in person, on screen (NIK masked) and as a JSON
download (the person's own data, NIK included). The sections come from portal.personal_data."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from participants.views.access import request_user
from portal.masking import mask_nik
from portal.personal_data import Section, personal_data_of_user


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
