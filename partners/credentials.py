"""Staff actions on partners: add a credential (the secret is returned once, to be shown once), revoke
one, switch a partner off or on. Rotation without downtime: add, let the partner switch, revoke."""

from __future__ import annotations

import secrets

import structlog
from django.db import transaction
from django.utils import timezone

from participants.models import User
from participants.nik import encrypt_nik
from partners.models import Credential, Partner
from partners.signatures import load_public_key

log = structlog.get_logger(__name__)


def credential_create(
    *, partner: Partner, public_key_pem: str, actor: User | None = None, secret: str | None = None
) -> tuple[Credential, str]:
    """Register `public_key_pem` (RSA ≥ 2048 bits, else InvalidPublicKey and nothing stored) with a new
    random client secret. Returns the credential and the secret in clear: show it once, it is stored
    encrypted (with the portal's data keys, as NIKs are) and never displayed again. `secret` is for
    the demo partner only."""
    load_public_key(public_key_pem)
    secret = secret or secrets.token_urlsafe(48)
    credential = Credential.objects.create(
        partner=partner,
        public_key_pem=public_key_pem.strip(),
        secret_encrypted=encrypt_nik(secret),
        secret_hint=secret[-4:],
        created_by=actor,
    )
    log.info("snap.credential_created", client_id=partner.client_id, credential_id=credential.pk)
    return credential, secret


def credential_revoke(*, credential: Credential) -> bool:
    """Revoke at once: tokens it issued stop working on the next request. False if already revoked."""
    with transaction.atomic():
        locked = Credential.objects.select_for_update().get(pk=credential.pk)
        if locked.revoked_at is not None:
            return False
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    log.info("snap.credential_revoked", credential_id=credential.pk)
    return True


def partner_switch(*, partner: Partner, on: bool) -> None:
    """Switch a partner off (every request refused at once, tokens included) or back on."""
    Partner.objects.filter(pk=partner.pk).update(switched_off_at=None if on else timezone.now())
    log.info("snap.partner_switched", client_id=partner.client_id, on=on)
