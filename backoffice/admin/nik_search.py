"""Searching participants by NIK without the NIK in any URL (ARCHITECTURE rule 2).

The admin's search box is a GET form: `?q=<NIK>` would land in the browser history, in every proxy's
and server's access log, in the `_changelist_filters` of every link on the results page and in the
Referer of the next click. So the participant search box posts its term (the `search_form.html` of
the participant changelist); a term that may be a NIK (or any long number that is no KPJ or phone) is
swapped for a short-lived opaque token, and only the token travels in `?q=`.

The token is a random string; server side (the cache, SEARCH_TOKEN_TTL) it maps to the search's
lookup — the NIK's blind index, never the NIK — and a masked label, for the staff member who made it
only. An expired or foreign token finds nothing and says so. A NIK typed into the address bar by hand
is not searched (and so not carried into any link).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from portal.masking import mask_nik

TOKEN_PREFIX = "cari-"  # noqa: S105 - marks a search token in `?q=`, no secret
SEARCH_TOKEN_TTL = 60 * 60  # a working session on one participant; then search again
_KPJ = re.compile(r"^[0-9]{11}$")
_PHONE = re.compile(r"^(\+?62|0)8[0-9]{6,12}$")
_MAX_DIGITS_IN_URL = 5  # a name may carry a few digits; a NIK has 16


def _compact(term: str) -> str:
    return term.strip().replace(" ", "").replace("-", "")


def term_fits_in_url(term: str) -> bool:
    """Whether `term` may travel in `?q=`: a KPJ, a phone number, an email, or text with at most a few
    digits. Anything else might be a NIK (also mistyped or spaced out)."""
    compact = _compact(term)
    if _KPJ.match(compact) or _PHONE.match(compact) or "@" in term:
        return True
    return sum(ch.isdigit() for ch in term) <= _MAX_DIGITS_IN_URL


def _label(term: str) -> str:
    compact = _compact(term)
    if len(compact) == 16 and compact.isdigit():
        return mask_nik(compact)
    return re.sub(r"\d(?=(?:\D*\d){4})", "*", term.strip())  # all digits but the last four


def _key(token: str) -> str:
    return f"backoffice:search:{token}"


@dataclass(frozen=True)
class SavedSearch:
    lookup: dict[str, str]
    label: str


def search_token_new(*, user_id: int | None, term: str, lookup: dict[str, str]) -> str:
    """Keep `lookup` (the query filter, e.g. the NIK's blind index) for `user_id` and return the
    `?q=` value that stands for it."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(12)
    cache.set(_key(token), {"user": user_id, "lookup": lookup, "label": _label(term)}, SEARCH_TOKEN_TTL)
    return token


def search_token_get(*, user_id: int | None, token: str) -> SavedSearch | None:
    """The search `token` stands for, if it is still kept and was made by `user_id`."""
    saved = cache.get(_key(token))
    if user_id is None or not isinstance(saved, dict) or saved.get("user") != user_id:
        return None
    return SavedSearch(lookup=dict(saved["lookup"]), label=str(saved["label"]))


def url_term_refused(request: HttpRequest) -> HttpResponse | None:
    """A changelist URL whose `?q=` may hold a NIK (typed into the address bar, an old bookmark):
    the redirect to the same list without it, so no link on the page carries it further."""
    term = request.GET.get("q", "").strip()
    if not term or term.startswith(TOKEN_PREFIX) or term_fits_in_url(term):
        return None
    messages.warning(request, _("Cari NIK lewat kotak pencarian, bukan lewat alamat halaman."))
    params = request.GET.copy()
    del params["q"]
    return HttpResponseRedirect(f"{request.path}?{params.urlencode()}" if params else request.path)


def search_filter(
    request: HttpRequest, term: str, lookup_for: Callable[[str], dict[str, str]]
) -> dict[str, Any] | None:
    """The queryset filter for the changelist's `?q=` value, or None when it must find nothing (an
    expired or foreign token, a NIK typed into the address bar), with a message saying why."""
    term = term.strip()
    if term.startswith(TOKEN_PREFIX):
        saved = search_token_get(user_id=request.user.pk, token=term)
        if saved is None:
            messages.warning(request, _("Pencarian ini sudah kedaluwarsa. Silakan cari lagi."))
            return None
        request.portal_search_label = saved.label  # type: ignore[attr-defined]
        return saved.lookup
    if not term_fits_in_url(term):
        messages.warning(request, _("Cari NIK lewat kotak pencarian, bukan lewat alamat halaman."))
        return None
    return lookup_for(term)
