import functools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from portal.pdf import render_pdf


@functools.cache
def fresh_web_process() -> tuple[str, str]:
    """A new interpreter with the project's settings (this process has imported and used WeasyPrint
    already) loads every view, says whether that imported WeasyPrint, then renders a PDF and exits.
    Returns its output and its stderr; the two tests at the end of this file read them."""
    script = (
        "import django, sys; django.setup(); import portal.urls; print('weasyprint' in sys.modules)\n"
        "from portal import pdf\n"
        "pdf.render_pdf('pdf/_test.html', {'title': 'x'}); print(pdf._per_thread.assets[0]._folder)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, result.stderr


def test_render_pdf_embeds_the_vendored_font() -> None:
    pdf = render_pdf("pdf/_test.html", {"title": "Rincian Saldo JHT"}, uncompressed_pdf=True)
    assert pdf.startswith(b"%PDF-")
    fonts = {name.split(b"+")[-1] for name in re.findall(rb"/FontName\s*/([A-Za-z+\-]+)", pdf)}
    assert fonts == {b"Noto-Sans", b"Noto-Sans-Bold"}


@pytest.mark.parametrize("url", ["http://example.com/tracker.png", "file:///etc/passwd"])
def test_render_pdf_refuses_external_resources(url: str) -> None:
    from portal.pdf import ASSETS
    from portal.pdf_fetcher import LocalAssetsFetcher

    fetcher = LocalAssetsFetcher(allowed_protocols={"file"})
    with pytest.raises(ValueError, match="may not fetch"):
        fetcher.fetch(url)
    assert fetcher.fetch((ASSETS / "pdf.css").as_uri()).status in (None, 200)


def test_the_web_process_does_not_import_weasyprint() -> None:
    # Loading every view (the URLconf) must not import WeasyPrint: it took ~1.5 s of each web
    # worker's first request. A fresh interpreter, because this test process has imported it.
    stdout, _ = fresh_web_process()
    assert stdout.splitlines()[0] == "False"


def test_a_process_that_rendered_a_pdf_exits_cleanly_and_leaves_no_font_folder() -> None:
    # WeasyPrint keeps the loaded fonts in a temporary folder that its FontConfiguration deletes when
    # it is collected; collected at interpreter shutdown it failed and left the folder behind.
    stdout, stderr = fresh_web_process()
    folder = Path(stdout.splitlines()[1])
    assert folder.name.startswith("weasyprint-")
    assert not folder.exists()
    assert "Exception ignored" not in stderr
