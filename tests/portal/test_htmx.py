from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django_htmx.middleware import HtmxMiddleware

from portal.htmx import render_page_or_partial

PAGE = (
    "<html><body><h1>Halaman</h1>"
    "{% partialdef status inline %}<p id='status'>{{ state }}</p>{% endpartialdef %}"
    "</body></html>"
)


def _request(**headers: str) -> HttpRequest:
    request = RequestFactory().get("/", headers=headers)
    HtmxMiddleware(lambda r: HttpResponse())(request)
    return request


@override_settings(
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {"page.html": PAGE})]},
        }
    ]
)
def test_full_page_without_htmx_and_fragment_with_htmx() -> None:
    full = render_page_or_partial(_request(), "page.html", "status", {"state": "lunas"}).render()
    assert full.content.decode() == ("<html><body><h1>Halaman</h1><p id='status'>lunas</p></body></html>")
    assert full["Vary"] == "HX-Request"
    fragment = render_page_or_partial(
        _request(**{"HX-Request": "true"}), "page.html", "status", {"state": "lunas"}
    ).render()
    assert fragment.content.decode() == "<p id='status'>lunas</p>"
    boosted = render_page_or_partial(
        _request(**{"HX-Request": "true", "HX-Boosted": "true"}), "page.html", "status", {"state": "x"}
    ).render()
    assert boosted.content.decode().startswith("<html>")
