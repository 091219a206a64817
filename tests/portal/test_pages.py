import gzip
import re
from urllib.parse import urlparse

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_page_explains_the_services_in_indonesian(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id"' in html
    for heading in ("Cek saldo JHT", "Bayar iuran BPU", "Klaim JHT"):
        assert f"<h3>{heading}</h3>" in html
    assert 'href="/akun/login/"' in html
    assert 'href="#daftar"' in html
    assert 'href="/akun/aktivasi/"' in html


def test_home_page_in_english_after_switching_language(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en"' in html
    assert "<h3>Check your JHT balance</h3>" in html


def test_browser_language_does_not_override_indonesian(client: Client) -> None:
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assert response["Content-Language"] == "id"
    assert "<h3>Cek saldo JHT</h3>" in response.content.decode()


def test_home_page_has_strict_csp_with_nonce_on_the_htmx_script(client: Client) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce is not None
    html = response.content.decode()
    assert re.search(
        rf'<script src="/static/django_htmx/htmx-2[^"]*\.js" defer nonce="{nonce.group(1)}"', html
    )
    assert "<script>" not in html  # no inline scripts at all
    assert 'hx-headers=\'{"x-csrftoken": "' in html


def test_home_page_has_landmarks_and_skip_link(client: Client) -> None:
    html = client.get("/").content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html
    assert "<footer" in html
    assert '<label for="language-select">' in html


def test_first_page_load_weighs_at_most_100_kb_compressed(client: Client) -> None:
    response = client.get("/")
    html = response.content
    total = len(gzip.compress(html, compresslevel=9))
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
    assert len(assets) >= 3  # stylesheet, project css, htmx, favicon
    for url in assets:
        path = urlparse(url.decode()).path.removeprefix("/static/")
        with staticfiles_storage.open(path) as fh:
            total += len(gzip.compress(fh.read(), compresslevel=9))
    assert total <= 100 * 1024, total


def test_unknown_page_is_a_helpful_404(client: Client) -> None:
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Halaman tidak ditemukan" in html
    assert 'href="/"' in html
    # Navigation, not a dead end: the wordmark and the pages people usually look for.
    assert 'class="ds-wordmark brand"' in html
    for path in ("/peserta/", "/klaim/cek-kelayakan/", "/simulasi/", "/layanan/"):
        assert f'href="{path}"' in html


def test_login_page_renders_an_accessible_form(client: Client) -> None:
    html = client.get("/akun/login/").content.decode()
    assert '<label for="id_login">Email, NIK atau nomor KPJ</label>' in html
    assert 'autocomplete="current-password"' in html


def test_login_with_wrong_password_shows_one_generic_error(client: Client, owner: object) -> None:
    response = client.post("/akun/login/", {"login": "peserta-tidak-ada@contoh.id", "password": "x"})
    assert response.status_code == 200
    assert "Email/NIK/nomor KPJ atau kata sandi salah" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_and_logout(client: Client, owner: object) -> None:
    from django.core.cache import cache

    from tests.factories import TEST_PASSWORD

    cache.clear()  # allauth's login rate limits live in the cache
    response = client.post("/akun/login/", {"login": owner.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)
    response = client.post("/akun/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
