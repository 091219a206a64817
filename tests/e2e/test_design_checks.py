"""Every participant and staff page in a phone (390 px) and a laptop (1366 px) window (issue 19, item 8).

For each page: no horizontal scroll, axe-core without critical or serious violations, and on the phone
every button, form control and navigation link at least 44 px high. A screenshot of each page goes to
`.local/screenshots/` (git-ignored) for a person to look at.

axe-core is vendored (tests/e2e/vendor/axe-core-*/axe.min.js, MPL-2.0, from the npm registry), so this
runs on a fresh machine without a CDN. The pages' CSP forbids inline scripts, so the test's own browser
context bypasses it to inject axe; the pages themselves are unchanged.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Browser, Page

from tests.staff_login import staff_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = next((Path(__file__).parent / "vendor").glob("axe-core-*/axe.min.js"))
SHOTS = Path(settings.BASE_DIR) / ".local" / "screenshots"
VIEWPORTS = {"phone": (390, 844), "laptop": (1366, 768)}
MIN_TAP_PX = 44
# What must be a comfortable tap target on a phone: controls and navigation. Links inside running text
# are exempt (WCAG 2.5.8 "inline").
TAP_SELECTOR = (
    "button, [role=button], select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), "
    "nav a, .actions a, .ds-action"
)

_MEASURE = """(selector) => {
  const wide = document.documentElement.scrollWidth - window.innerWidth;
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden') continue;
    if (el.closest('.ds-bottom-nav') && style.display === 'none') continue;
    const text = (el.innerText || el.value || el.name || '').trim().slice(0, 40);
    if (box.height < MIN) small.push(`${el.tagName.toLowerCase()} "${text}" ${Math.round(box.height)}px`);
  }
  return {wide, small};
}""".replace("MIN", str(MIN_TAP_PX))


def _axe(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['critical', 'serious'].includes(v.impact))"
        ".map(v => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)"
    )
    return list(result)


FIRST_LOAD_BUDGET = 100_000  # bytes, compressed: HTML + CSS + JS + images of a first visit
FIRST_LOAD: dict[str, int] = {}


def _first_load_bytes(page: Page, url: str) -> int:
    """A first visit's weight as sent compressed, in a fresh context (empty cache, same cookies): the
    page's HTML gzipped (a proxy compresses it in production) plus each static file as WhiteNoise sends
    it (its encoded size; gzipped here when the browser reports none)."""
    browser = page.context.browser
    assert browser is not None
    context = browser.new_context(viewport=page.viewport_size, bypass_csp=True)
    context.add_cookies(page.context.cookies())
    fresh = context.new_page()
    sizes: dict[str, int] = {}

    def record(response: Any) -> None:
        if "/static/" in response.url and response.ok:
            encoded = response.request.sizes()["responseBodySize"]
            sizes[response.url] = encoded if encoded > 0 else len(gzip.compress(response.body()))

    fresh.on("response", record)
    document = fresh.goto(url)
    fresh.wait_for_load_state("networkidle")
    assert document is not None
    total = len(gzip.compress(document.body())) + sum(sizes.values())
    context.close()
    return total


def _check(page: Page, url: str, name: str, viewport: str, *, taps: bool = True) -> list[str]:
    problems = []
    if viewport == "phone" and "/admin/" not in url:  # the staff admin (django-unfold) is not budgeted
        FIRST_LOAD[name] = _first_load_bytes(page, url)
        if FIRST_LOAD[name] > FIRST_LOAD_BUDGET:
            problems.append(f"first load {FIRST_LOAD[name]} bytes compressed, over {FIRST_LOAD_BUDGET}")
    response = page.goto(url)
    assert response is not None
    if response.status >= 500:
        problems.append(f"HTTP {response.status}")
    page.wait_for_load_state("networkidle")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{viewport}.png"), full_page=True)
    measured = page.evaluate(_MEASURE, TAP_SELECTOR)
    if measured["wide"] > 0:
        problems.append(f"horizontal scroll of {measured['wide']} px")
    if taps and viewport == "phone" and measured["small"]:
        problems.append("tap targets under 44 px: " + "; ".join(measured["small"][:5]))
    problems += _axe(page)
    return [f"{name} @{viewport}: {p}" for p in problems]


@pytest.fixture
def demo() -> dict[str, Any]:
    """The demo personas (seed_demo; their history is relative to today)."""
    from django.core.cache import cache

    from contributions.models import Payment
    from participants.models import Participant, User

    cache.clear()
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    try:
        call_command("seed_demo")
    finally:
        settings.DEBUG = False
    from claims.services import claim_start_draft
    from contributions.services import payment_create

    people = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.portal")}
    kpj = {name: Participant.objects.filter(user=user).first() for name, user in people.items()}
    # An open VA bill for the BPU persona and a draft claim for the resigned one: their pages too.
    mandiri = kpj["mandiri"]
    payment = Payment.objects.filter(participant=mandiri, status__in=["new", "pending"]).first()
    if payment is None:
        payment = payment_create(
            user=people["mandiri"], participant_public_id=mandiri.public_id, months=1, channel="bca_va"
        )
    draft = claim_start_draft(user=people["resign"], reason="resign")
    return {"users": people, "kpj": kpj, "payment": payment, "claim": draft}


def _session_context(browser: Browser, live_server: Any, user: Any, size: tuple[int, int]) -> Any:
    client = staff_login(Client(), user) if user.is_staff else Client()
    if not user.is_staff:
        client.force_login(user)
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, bypass_csp=True)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context


def _participant_pages(demo: dict[str, Any]) -> list[tuple[str, str, str]]:
    pekerja, mandiri = demo["kpj"]["pekerja"], demo["kpj"]["mandiri"]
    pages = [
        ("pekerja", "dashboard-pu", "/peserta/"),
        ("pekerja", "history", f"/peserta/kpj/{pekerja.public_id}/iuran/"),
        ("pekerja", "statement", f"/peserta/kpj/{pekerja.public_id}/rincian-saldo/"),
        ("pekerja", "card", f"/peserta/kpj/{pekerja.public_id}/kartu/"),
        ("pekerja", "layanan", "/layanan/"),
        ("pekerja", "simulasi-jht", "/layanan/simulasi-jht/"),
        ("pekerja", "corrections", "/layanan/pengkinian-data/"),
        ("pekerja", "security", "/akun/keamanan/"),
        ("pekerja", "notifications", "/akun/notifikasi/"),
        ("resign", "dashboard-resign", "/peserta/"),
        ("resign", "eligibility", "/klaim/cek-kelayakan/"),
        ("resign", "claims", "/klaim/"),
        ("resign", "claim-new", "/klaim/baru/"),
        ("mandiri", "dashboard-bpu", "/peserta/"),
        ("mandiri", "pay", f"/payments/kpj/{mandiri.public_id}/bayar/"),
        ("mandiri", "pay-confirm", f"/payments/kpj/{mandiri.public_id}/bayar/?months=3&channel=bca_va"),
        ("mandiri", "payment-history", f"/payments/kpj/{mandiri.public_id}/riwayat/"),
        ("mandiri", "declaration", f"/payments/kpj/{mandiri.public_id}/penghasilan/"),
        ("nunggak", "dashboard-arrears", "/peserta/"),
        ("multi", "dashboard-multi", "/peserta/"),
    ]
    pages.append(("mandiri", "payment", f"/payments/{demo['payment'].public_id}/"))
    pages.append(("resign", "claim-detail", f"/klaim/{demo['claim'].public_id}/"))
    pages.append(("resign", "claim-documents", f"/klaim/{demo['claim'].public_id}/dokumen/"))
    return pages


PUBLIC_PAGES = [
    ("home", "/"),
    ("login", "/akun/login/"),
    ("activate", "/akun/aktivasi/"),
    ("register", "/daftar/bpu/"),
    ("simulate", "/simulasi/?segmen=bpu&bpu-income_idr=3.500.000&bpu-months=3"),
    ("tariff", "/tarif/"),
    ("not-found", "/tidak-ada/"),
]
STAFF_PAGES = [
    ("petugas.jkt", "admin-index", "/admin/"),
    ("petugas.jkt", "admin-claims", "/admin/claims/claim/"),
    ("petugas.jkt", "admin-participants", "/admin/participants/participant/"),
]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_page_fits_passes_axe_and_has_big_enough_targets(
    browser: Browser, live_server: Any, demo: dict[str, Any], viewport: str
) -> None:
    size = VIEWPORTS[viewport]
    problems: list[str] = []
    anonymous = browser.new_context(viewport={"width": size[0], "height": size[1]}, bypass_csp=True)
    page = anonymous.new_page()
    for name, path in PUBLIC_PAGES:
        problems += _check(page, live_server.url + path, name, viewport)
    anonymous.close()

    by_user: dict[str, list[tuple[str, str]]] = {}
    for who, name, path in _participant_pages(demo) + STAFF_PAGES:
        by_user.setdefault(who, []).append((name, path))
    for who, pages in by_user.items():
        context = _session_context(browser, live_server, demo["users"][who], size)
        page = context.new_page()
        for name, path in pages:
            # The staff admin (django-unfold) is a desk tool: checked for overflow and axe, not tap size.
            taps = not path.startswith("/admin/")
            problems += _check(page, live_server.url + path, name, viewport, taps=taps)
        context.close()
    if viewport == "phone":
        (SHOTS / "first-load.json").write_text(json.dumps(FIRST_LOAD, indent=1))
    assert problems == [], json.dumps(problems, indent=1, ensure_ascii=False)
