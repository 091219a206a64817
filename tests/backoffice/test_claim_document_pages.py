"""PDF claim documents shown as page images on the claim review page (issue #6).

The page view answers like the document view it sits next to: branch scope first (404 and an
out-of-scope log row), an access-log row for every page opened, private storage only. Pages are
rendered by PDFium in a limited child process (portal/uploads/pdf_pages.py).
"""

from __future__ import annotations

import io
import time
from typing import Any

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from backoffice.models import AccessKind, AccessLog
from claims.models import ClaimDocument
from portal.uploads import pdf_pages
from portal.uploads.services import private_storage
from tests.backoffice.conftest import make_staff, staff_client
from tests.backoffice.helpers import claim_of

pytestmark = pytest.mark.django_db

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def pdf_bytes(
    pages: int = 1, *, size: tuple[float, float] = (595, 842), content: bytes | None = None
) -> bytes:
    """Pages with a black square in the top-left quarter (so a rendered page is not blank)."""
    document = pikepdf.new()
    for _ in range(pages):
        document.add_blank_page(page_size=size)
        page = document.pages[-1]
        page.Contents = document.make_stream(content or b"0 g 50 500 200 200 re f")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def attach(claim: Any, data: bytes, name: str = "dok.pdf", content_type: str = "application/pdf") -> Any:
    # Straight to storage, past the upload pipeline: a stored file is what the view must cope with.
    return ClaimDocument.objects.create(
        claim=claim, doc_type="ktp", file=SimpleUploadedFile(name, data), content_type=content_type
    )


def page_url(doc: Any, page: int) -> str:
    return reverse("admin:claims_claim_document_page", args=[doc.claim_id, doc.public_id, page])


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def details(user: Any) -> list[tuple[str, str]]:
    return list(AccessLog.objects.filter(actor=user).order_by("pk").values_list("kind", "detail"))


def test_reviewer_of_the_branch_sees_the_first_pages_as_images(jkt: Any, reviewer: Any) -> None:
    claim = claim_of(jkt)
    doc = attach(claim, pdf_bytes(pages=7))
    client = staff_client(reviewer)

    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    html = page.content.decode()
    # The first five pages of seven, each an <img> of the page view; never a storage name.
    for number in range(1, 6):
        assert f'<img src="{page_url(doc, number)}"' in html
    assert page_url(doc, 6) not in html
    assert "Halaman 1\u20135 dari 7 ditampilkan." in html  # en dash
    assert (doc.file.name or "") not in html

    response = client.get(page_url(doc, 1))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    # The admin's never_cache adds its own directives to ours.
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives
    assert response["X-Content-Type-Options"] == "nosniff"
    png = body(response)
    assert png.startswith(PNG_MAGIC)
    with Image.open(io.BytesIO(png)) as image:
        # A4 fitted into 1200 x 1700: 1200 wide; the black square is really drawn (top-left quarter).
        assert image.width == 1200
        assert 1690 <= image.height <= 1700
        gray = image.convert("L")
        assert gray.getpixel((int(150 / 595 * 1200), int(1697 * (1 - 600 / 842)))) == 0
        assert gray.getpixel((image.width - 10, image.height - 10)) == 255
    assert details(reviewer)[-1] == (AccessKind.DOCUMENTS, "ktp (halaman 1)")
    # Rendered once, kept next to the upload in the private storage.
    assert private_storage().exists(pdf_pages.page_image_name(doc.file.name, 1))
    assert body(client.get(page_url(doc, 1))) == png


@pytest.mark.parametrize("number", [0, 6, 8, 99999])
def test_pages_outside_the_preview_are_404(number: int, jkt: Any, reviewer: Any) -> None:
    doc = attach(claim_of(jkt), pdf_bytes(pages=7))
    assert staff_client(reviewer).get(page_url(doc, number)).status_code == 404
    assert not private_storage().exists(pdf_pages.page_image_name(doc.file.name, number))


def test_page_past_the_end_of_a_short_document_is_404(jkt: Any, reviewer: Any) -> None:
    doc = attach(claim_of(jkt), pdf_bytes(pages=2))
    client = staff_client(reviewer)
    assert client.get(page_url(doc, 2)).status_code == 200
    assert client.get(page_url(doc, 3)).status_code == 404


def test_other_branch_reviewer_gets_404_and_an_out_of_scope_row(jkt: Any, bdg: Any, reviewer: Any) -> None:
    doc = attach(claim_of(bdg), pdf_bytes())
    response = staff_client(reviewer).get(page_url(doc, 1))
    assert response.status_code == 404
    assert [kind for kind, _detail in details(reviewer)] == [AccessKind.OUT_OF_SCOPE]
    assert not private_storage().exists(pdf_pages.page_image_name(doc.file.name, 1))


def test_national_auditor_sees_any_branch(bdg: Any) -> None:
    auditor = make_staff("auditor")
    doc = attach(claim_of(bdg), pdf_bytes())
    response = staff_client(auditor).get(page_url(doc, 1))
    assert response.status_code == 200
    assert body(response).startswith(PNG_MAGIC)


def test_anonymous_and_participants_are_refused(jkt: Any) -> None:
    claim = claim_of(jkt)
    doc = attach(claim, pdf_bytes())
    participant = Client()
    participant.force_login(claim.participant.user)  # the claim's own applicant: not staff
    for client in (Client(), participant):
        response = client.get(page_url(doc, 1))
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    assert not AccessLog.objects.exists()
    assert not private_storage().exists(pdf_pages.page_image_name(doc.file.name, 1))


def test_a_pdf_that_cannot_be_read_shows_a_placeholder(jkt: Any, reviewer: Any) -> None:
    claim = claim_of(jkt)
    doc = attach(claim, b"%PDF-1.7\n" + b"garbage " * 50)
    client = staff_client(reviewer)

    html = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "data-pdf-unreadable" in html
    assert f'<img src="{page_url(doc, 1)}"' in html
    assert page_url(doc, 2) not in html

    response = client.get(page_url(doc, 1))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    png = body(response)
    assert png == pdf_pages.placeholder_png()
    assert client.get(page_url(doc, 2)).status_code == 404


def test_a_page_that_exceeds_the_cpu_limit_becomes_the_placeholder(
    jkt: Any, reviewer: Any, monkeypatch: Any
) -> None:
    # 35 KB of PDF: half a million filled triangles, minutes of PDFium CPU without the limit.
    doc = attach(claim_of(jkt), pdf_bytes(content=b"0 0 m 595 842 l 595 0 l h f\n" * 500_000))
    monkeypatch.setattr(pdf_pages, "MAX_CPU_SECONDS", 1)
    start = time.monotonic()
    response = staff_client(reviewer).get(page_url(doc, 1))
    assert response.status_code == 200
    assert body(response) == pdf_pages.placeholder_png()
    assert time.monotonic() - start < pdf_pages.TIMEOUT_SECONDS


@pytest.mark.parametrize(
    ("size", "bound"),
    [
        ((14400, 14400), (1200, 1200)),  # the largest page PDF allows: fitted, not 40,000 px wide
        ((14400, 200), (1200, 17)),
        ((153, 243), (425, 675)),  # an ID-card-sized page: at most 200 dpi, not blown up to 1200
    ],
)
def test_page_images_stay_within_bounds(
    size: tuple[int, int], bound: tuple[int, int], jkt: Any, reviewer: Any
) -> None:
    doc = attach(claim_of(jkt), pdf_bytes(size=size, content=b"0 g 0 0 10 10 re f"))
    response = staff_client(reviewer).get(page_url(doc, 1))
    with Image.open(io.BytesIO(body(response))) as image:
        assert image.width <= 1200
        assert image.height <= 1700
        assert abs(image.width - bound[0]) <= 1
        assert abs(image.height - bound[1]) <= 1


def test_images_have_no_page_view(jkt: Any, reviewer: Any) -> None:
    from tests.portal.test_uploads_corpus import jpeg

    claim = claim_of(jkt)
    doc = attach(claim, jpeg(), name="ktp.jpg", content_type="image/jpeg")
    client = staff_client(reviewer)
    assert client.get(page_url(doc, 1)).status_code == 404
    html = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "?pratinjau=1" in html  # the image thumbnail as before
