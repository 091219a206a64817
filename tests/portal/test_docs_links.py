"""Comments and docs cite the domain reference in docs/ by page and section; every citation must resolve,
and nothing may cite a reference outside the repository."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
_SKIP_DIRS = {".git", ".venv", ".local", "node_modules", "__pycache__", "static", "locale"}
_SUFFIXES = {".py", ".html", ".md", ".txt"}
# `docs/claims.md#npwp-and-tax` in code and the README; `(claims.md#npwp-and-tax)` between doc pages.
_CITATION = re.compile(r"(?:docs/|\()([a-z0-9_-]+\.md)(?:#([a-z0-9-]+))?")


def _slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\s-]", "", heading.strip().lower())
    return re.sub(r"\s", "-", text)


def _anchors(page: Path) -> set[str]:
    return {_slug(line.lstrip("#")) for line in page.read_text().splitlines() if line.startswith("#")}


def _source_files() -> list[Path]:
    files = []
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        files += [Path(folder) / n for n in names if Path(n).suffix in _SUFFIXES]
    return files


def test_slug_matches_github() -> None:
    assert _slug(" Statement (Rincian Saldo JHT)") == "statement-rincian-saldo-jht"
    assert _slug(" NPWP and tax") == "npwp-and-tax"


def test_every_docs_citation_resolves() -> None:
    anchors = {page.name: _anchors(page) for page in DOCS.glob("*.md")}
    broken = []
    cited = 0
    for path in _source_files():
        in_docs = path.parent == DOCS
        for match in _CITATION.finditer(path.read_text(errors="replace")):
            page, anchor = match.groups()
            if not in_docs and not match.group(0).startswith("docs/"):
                continue  # a parenthesis outside docs/ is not a citation
            cited += 1
            if page not in anchors or (anchor and anchor not in anchors[page]):
                broken.append(f"{path.relative_to(ROOT)}: {page}#{anchor or ''}")
    assert broken == []
    assert cited > 20


def test_nothing_cites_a_domain_file_outside_the_repository() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in _source_files()
        if path.name != Path(__file__).name and "DOMAIN.md" in path.read_text(errors="replace")
    ]
    assert offenders == []
