import re

import pytest

from portal.pdf import render_pdf


def test_render_pdf_embeds_the_vendored_font() -> None:
    pdf = render_pdf("pdf/_test.html", {"title": "Rincian Saldo JHT"}, uncompressed_pdf=True)
    assert pdf.startswith(b"%PDF-")
    fonts = {name.split(b"+")[-1] for name in re.findall(rb"/FontName\s*/([A-Za-z+\-]+)", pdf)}
    assert fonts == {b"Noto-Sans", b"Noto-Sans-Bold"}


@pytest.mark.parametrize("url", ["http://example.com/tracker.png", "file:///etc/passwd"])
def test_render_pdf_refuses_external_resources(url: str) -> None:
    from portal.pdf import ASSETS, LocalAssetsFetcher

    fetcher = LocalAssetsFetcher(allowed_protocols={"file"})
    with pytest.raises(ValueError, match="may not fetch"):
        fetcher.fetch(url)
    assert fetcher.fetch((ASSETS / "pdf.css").as_uri()).status in (None, 200)
