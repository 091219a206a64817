"""Hostile uploads against a production-like gunicorn: memory stays bounded, /healthz stays 200, and a
normal phone photo is still processed quickly (issue budget: 16 concurrent hostile uploads keep the web
process under 600 MB RSS and /healthz 200; a 5 MB photo processed in <= 2 s).

    python bench/upload_hostile.py prepare --users 17       # accounts, draft claims, sessions
    python bench/upload_hostile.py run --url http://127.0.0.1:8766 --master-pid PID

Setup, in the test services' environment with a migrated bench database as DATABASE_URL:
`. bench/production_env.sh`, then one fixed `DJANGO_SECRET_KEY` for both commands (sessions are bound to
it), `prepare`, gunicorn (`gunicorn portal.wsgi -c gunicorn.conf.py --daemon --pid P` with `WEB_BIND`,
`DJANGO_ALLOWED_HOSTS=127.0.0.1`) and a Celery worker (without one `/healthz` is 503), then `run`. `prepare`
(in the bench database) creates N participants with an account and a draft claim each and
writes one session cookie and claim per line to .local/bench-upload-sessions.txt. `run`:

1. hostile: 16 concurrent uploads of a 1-bit 6300 x 6300 PNG (12 KB on disk, 119 MB as RGB), one per
   account (so the per-user rate limit is not what saves us), while /healthz is polled every 0.25 s and
   the RSS of every gunicorn worker (children of `--master-pid`) is sampled every 20 ms; then the
   same with the largest PNG still accepted (31 MP RGB), which the decode slots must bound;
2. PDF bomb: one upload of a PDF with a 200 MB flate stream (about 200 KB on disk);
3. normal: 20 sequential uploads of a 12 MP, 5 MB phone-like JPEG (bench/upload_processing.py), timed
   end to end over HTTP (upload, sniff, decode, re-encode, store, redirect).

Reports peak RSS per worker, the answers (status codes and the form's error text), /healthz codes,
and median/p95 of the photo uploads.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import statistics
import sys
import threading
import time
import zlib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SESSIONS = ROOT / ".local" / "bench-upload-sessions.txt"
CSRF = "benchcsrftokenbenchcsrftoken0123"  # 32 characters: Django accepts it as an unmasked secret


def prepare(users: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.utils import timezone

    from accounts.middleware import LAST_ACTIVITY_KEY
    from bench._people import make_participants
    from claims.models import Claim, ClaimStatus
    from participants.models import User

    lines = []
    with transaction.atomic():
        # A second `prepare` reuses the accounts and claims of the first and only makes new sessions.
        claims = list(
            Claim.objects.filter(user__email__startswith="upload", user__email__endswith="@bench.invalid")
        )
        for person in make_participants(users - len(claims), kpj_prefix=f"77{len(claims):02d}", bpu=False):
            user = User.objects.create_user(f"upload{person.pk}@bench.invalid", None)
            person.user = user
            person.save(update_fields=["user"])
            claims.append(
                Claim.objects.create(
                    participant=person,
                    nik_index=person.nik_index,
                    user=user,
                    reason="resign",
                    bank_code="014",
                    bank_account_number="1234567890",
                    bank_account_name=person.full_name,
                    gross_idr=10_000_000,
                    net_idr=10_000_000,
                    snapshot={"accounts": [{"participant_id": person.pk, "claim_idr": 10_000_000}]},
                )
            )
        for claim in claims[:users]:
            assert claim.status == ClaimStatus.DRAFT
            user = claim.user
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session[LAST_ACTIVITY_KEY] = int(timezone.now().timestamp()) + 7 * 24 * 3600
            session.create()
            lines.append(f"{session.session_key} {claim.public_id}")
    SESSIONS.write_text("\n".join(lines) + "\n")
    print(f"{len(lines)} accounts with a draft claim written to {SESSIONS}")


def hostile_png() -> bytes:
    from PIL import Image

    image = Image.new("1", (6300, 6300), 1)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def flate_bomb_pdf(decoded_mb: int = 200) -> bytes:
    """A valid one-page PDF whose page content stream inflates to `decoded_mb` MB of spaces."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    body = b"".join(compressor.compress(chunk) for _ in range(decoded_mb)) + compressor.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def largest_accepted_png() -> bytes:
    """The worst image still accepted: 5600 x 5600 RGB (31 MP, 125 MB decoded, just under the 128 MiB
    bound), one colour so that it is small on disk."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (5600, 5600), (230, 228, 220)).save(out, format="PNG")
    return out.getvalue()


def _workers(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sampler(threading.Thread):
    """Peak RSS of each gunicorn worker and /healthz answers while the uploads run."""

    def __init__(self, url: str, master_pid: int) -> None:
        super().__init__(daemon=True)
        self.url, self.master_pid = url, master_pid
        self.peak: dict[int, float] = {}
        self.health: Counter[str] = Counter()
        self.stop = threading.Event()

    def run(self) -> None:
        import httpx

        last_health = 0.0
        with httpx.Client(timeout=10) as client:
            while not self.stop.is_set():
                for pid in _workers(self.master_pid):
                    with contextlib.suppress(FileNotFoundError):  # a worker restarting
                        self.peak[pid] = max(self.peak.get(pid, 0.0), _rss_mb(pid))
                if time.monotonic() - last_health >= 0.25:
                    last_health = time.monotonic()
                    try:
                        self.health[str(client.get(f"{self.url}/healthz").status_code)] += 1
                    except httpx.HTTPError as exc:
                        self.health[type(exc).__name__] += 1
                time.sleep(0.02)


def _upload(url: str, line: str, name: str, data: bytes, content_type: str) -> tuple[int, float, str]:
    import httpx

    session_key, claim = line.split()
    started = time.perf_counter()
    response = httpx.post(
        f"{url}/klaim/{claim}/dokumen/",
        # The cookie names of production settings (DEBUG off); plain HTTP, as behind the TLS proxy.
        headers={"Cookie": f"__Host-sessionid={session_key}; __Host-csrftoken={CSRF}", "X-CSRFToken": CSRF},
        data={"doc_type": "ktp"},
        files={"file": (name, data, content_type)},
        timeout=120,
    )
    elapsed = time.perf_counter() - started
    error = ""
    if response.status_code == 200:
        found = re.search(r'class="[^"]*(?:errorlist|field-error)[^"]*"[^>]*>(.*?)</', response.text, re.S)
        error = re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip()[:140] if found else "(200, no error)"
    return response.status_code, elapsed, error


def _burst(url: str, master_pid: int, lines: list[str], name: str, data: bytes, label: str) -> None:
    sampler = Sampler(url, master_pid)
    sampler.start()
    results: list[tuple[int, float, str]] = [(0, 0.0, "")] * len(lines)
    barrier = threading.Barrier(len(lines))

    def one(i: int) -> None:
        barrier.wait()
        results[i] = _upload(url, lines[i], name, data, "image/png")

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(lines))]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    time.sleep(0.5)  # one more RSS/healthz sample after the burst
    sampler.stop.set()
    sampler.join()
    print(f"\n{len(lines)} concurrent uploads of the {label} ({len(data)} bytes), wall {wall:.1f} s")
    print("  answers:", dict(Counter(f"{code} {error[:60]}" for code, _, error in results)))
    print(
        f"  latency: median {statistics.median(r[1] for r in results):.2f} s, "
        f"max {max(r[1] for r in results):.2f} s"
    )
    print(f"  peak RSS per worker (MB): {sorted(round(v) for v in sampler.peak.values())}")
    print(f"  /healthz during the burst: {dict(sampler.health)}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(url: str, master_pid: int, concurrency: int, photos: int) -> None:
    from bench.upload_processing import photo_like_jpeg

    lines = SESSIONS.read_text().split("\n")
    lines = [line for line in lines if line.strip()]
    assert len(lines) > concurrency, "prepare more accounts than --concurrency"
    png, pdf, jpeg = hostile_png(), flate_bomb_pdf(), photo_like_jpeg()
    print(f"workers {_workers(master_pid)}, idle RSS {[round(_rss_mb(p)) for p in _workers(master_pid)]} MB")
    print(f"hostile PNG {len(png)} bytes; PDF bomb {len(pdf)} bytes; photo {len(jpeg) / 2**20:.2f} MiB")

    _burst(url, master_pid, lines[:concurrency], "bom.png", png, "hostile 1-bit PNG")
    _burst(url, master_pid, lines[:concurrency], "besar.png", largest_accepted_png(), "largest accepted PNG")

    code, elapsed, error = _upload(url, lines[concurrency], "bom.pdf", pdf, "application/pdf")
    print(f"\nPDF with a 200 MB flate stream: {code} in {elapsed:.2f} s: {error}")

    timings = []
    for i in range(photos):
        code, elapsed, error = _upload(url, lines[i % len(lines)], "ktp.jpg", jpeg, "image/jpeg")
        if code != 302:
            print(f"  photo upload {i}: {code} {error}")
        timings.append(elapsed * 1000)
    print(
        f"\n{photos} sequential 12 MP photo uploads over HTTP: median {statistics.median(timings):.0f} ms, "
        f"p95 {percentile(timings, 0.95):.0f} ms, max {max(timings):.0f} ms"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--users", type=int, default=17)
    r = sub.add_parser("run")
    r.add_argument("--url", default="http://127.0.0.1:8766")
    r.add_argument("--master-pid", type=int, required=True)
    r.add_argument("--concurrency", type=int, default=16)
    r.add_argument("--photos", type=int, default=20)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.users)
    else:
        run(args.url.rstrip("/"), args.master_pid, args.concurrency, args.photos)


if __name__ == "__main__":
    main()
