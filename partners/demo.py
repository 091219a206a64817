"""The demo partner (development only): "Bank Demo", client id `demo-bank`, biller code 88899, with the
key pair in `partners/demo_keys/` and a fixed client secret, all public in the README. `seed_demo`
creates it; the sandbox (`/_dev/mitra/`) and `manage.py snap_demo_curl` play this bank."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from partners.credentials import credential_create
from partners.models import Credential, Partner, Service

KEYS = Path(__file__).resolve().parent / "demo_keys"
CLIENT_ID = "demo-bank"
SERVICE_ID = "88899"
CHANNEL_ID = "95221"
SECRET = "demo-bank-client-secret-development-only"  # noqa: S105 - development data, listed in the README


def private_key_pem() -> str:
    return (KEYS / "demo_partner_private.pem").read_text()


def public_key_pem() -> str:
    return (KEYS / "demo_partner_public.pem").read_text()


@transaction.atomic
def load_demo_partner() -> list[str]:
    """Create the demo partner and its credential; returns what was created (empty on a second run)."""
    partner, created = Partner.objects.get_or_create(
        client_id=CLIENT_ID,
        defaults={
            "name": "Bank Demo",
            "partner_service_id": SERVICE_ID,
            "services": [Service.VA, Service.BALANCE],
            "channel_ids": [],
        },
    )
    lines = [f"partner {CLIENT_ID}"] if created else []
    if not Credential.objects.filter(partner=partner, revoked_at__isnull=True).exists():
        credential_create(partner=partner, public_key_pem=public_key_pem(), secret=SECRET)
        lines.append(f"credential {CLIENT_ID}")
    return lines
