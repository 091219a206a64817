import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_page_in_a_real_browser(page: Page, live_server: object) -> None:
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server.url}/")

    expect(page).to_have_title("Beranda · BPJS Ketenagakerjaan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Layanan mandiri peserta BPJS Ketenagakerjaan")
    # htmx loaded under the CSP (it would be blocked without the nonce).
    assert page.evaluate("typeof window.htmx") == "object"
    assert violations == []

    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()

    page.get_by_label("Bahasa").select_option("en")
    page.get_by_role("button", name="Ganti bahasa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Self-service for BPJS Ketenagakerjaan members")

    page.get_by_role("link", name="Log in").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Portal Peserta")
