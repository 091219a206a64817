"""First-load weight of public pages, as a phone would download them from production.

Renders each page with DEBUG off (hashed asset names), then adds the size of every referenced asset
as WhiteNoise serves it: the pre-compressed `.br` file when one exists (browsers send
`Accept-Encoding: br`), else `.gz`, else the raw file. HTML is counted gzip-compressed (level 6, what
a reverse proxy does). Budget: 100 KB in total.

Run with `make bench` (which collects static files first).
"""

from __future__ import annotations

import gzip
import os
import re
import sys
from pathlib import Path

import django

BUDGET = 100 * 1024
PAGES = ["/", "/akun/login/", "/tidak-ada/"]


def served_size(static_root: Path, relative: str) -> tuple[int, str]:
    base = static_root / relative
    for suffix, encoding in ((".br", "br"), (".gz", "gzip")):
        candidate = base.with_name(base.name + suffix)
        if candidate.exists():
            return candidate.stat().st_size, encoding
    return base.stat().st_size, "identity"


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    failed = False
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        client = Client()
        for url in PAGES:
            response = client.get(url)
            html = response.content
            rows = [(url, len(gzip.compress(html, 6)), "gzip")]
            for asset in sorted(set(re.findall(rb'(?:href|src)="/static/([^"]+)"', html))):
                size, encoding = served_size(Path(settings.STATIC_ROOT), asset.decode())
                rows.append(("  /static/" + asset.decode(), size, encoding))
            total = sum(size for _, size, _ in rows)
            for name, size, encoding in rows:
                print(f"{name:70} {size / 1024:7.1f} KB  {encoding}")
            verdict = "OK" if total <= BUDGET else "OVER BUDGET"
            print(f"{'total ' + url:70} {total / 1024:7.1f} KB  {verdict}\n")
            failed |= total > BUDGET
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
