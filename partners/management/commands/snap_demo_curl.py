"""Print a working `curl` pair for the demo partner: an access-token request signed with the demo
private key, and an inquiry for a KPJ signed with the demo client secret under a token issued now
(valid for SNAP_TOKEN_TTL_SECONDS). Development only: it uses the demo partner's published keys."""

from __future__ import annotations

import shlex
import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partners import demo
from partners.auth import token_issue_for
from partners.fakebank import INQUIRY_PATH, TOKEN_PATH, demo_bank
from partners.models import Credential
from partners.signatures import minify


def _curl(base_url: str, path: str, headers: dict[str, str], body: str) -> str:
    parts = ["curl", "-sS", "-X", "POST", f"{base_url}{path}"]
    for name, value in headers.items():
        parts += ["-H", f"{name}: {value}"]
    parts += ["--data-raw", body]
    return " ".join(shlex.quote(p) for p in parts)


class Command(BaseCommand):
    help = "Print a working curl pair (access token, inquiry) for the demo partner (development only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--kpj", default="23010000044", help="KPJ to ask about (default: the demo BPU in arrears)"
        )
        parser.add_argument("--base-url", default=None, help="default: PORTAL_BASE_URL")

    def handle(self, *args: Any, kpj: str, base_url: str | None, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "snap_demo_curl only runs with DJANGO_DEBUG=true (it uses the published demo keys)."
            )
        credential = (
            Credential.objects.filter(partner__client_id=demo.CLIENT_ID, revoked_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if credential is None:
            raise CommandError("No demo partner: run `manage.py seed_demo` first.")
        base = (base_url or settings.PORTAL_BASE_URL).rstrip("/")
        bank = demo_bank(base)
        self.stdout.write("# 1. access token (SHA256withRSA over clientId|X-TIMESTAMP)")
        self.stdout.write(
            _curl(base, TOKEN_PATH, bank.token_headers(), minify({"grantType": "client_credentials"}))
        )
        bank.token = token_issue_for(credential)
        body = bank.inquiry_body(kpj, uuid.uuid4().hex)
        self.stdout.write("\n# 2. inquiry (HMAC-SHA512), with a token issued now for this command")
        self.stdout.write(_curl(base, INQUIRY_PATH, bank.signed_headers(INQUIRY_PATH, body), body))
        self.stdout.write(
            f"\n# Both are signed with the current time: X-TIMESTAMP is accepted for "
            f"{settings.SNAP_TIMESTAMP_WINDOW_SECONDS} s, the token for {settings.SNAP_TOKEN_TTL_SECONDS} s."
        )
