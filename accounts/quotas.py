"""Quotas of code-sending flows per (subject, client), so a stranger's attempts never use up the
owner's: activation starts per KPJ, unlock codes per account.

Each attempt counts, in this order, stopping at the first quota it exceeds:

1. per client address, whatever the subject (one client trying many KPJs);
2. per (subject, client address): the stranger's attempts on the owner's KPJ stay the stranger's;
3. per subject, all clients together: a high ceiling against an attack spread over many addresses.

A refused attempt never reaches the later counters, so one client hammering cannot fill the subject's
ceiling: each address adds at most its own per-(subject, client) quota to it. Windows are fixed hours
in Redis (accounts.ratelimit).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from accounts.devices import account_tag
from accounts.ratelimit import client_ip, client_network, ratelimit_hit

_HOUR = 60 * 60


def quota_hit(
    *, request: HttpRequest, scope: str, subject: str, per_client: int, per_subject_client: int, ceiling: int
) -> bool:
    """Count one attempt of `scope` (e.g. "activate") on `subject` (e.g. a KPJ) from this request's
    client. False when any quota is exhausted; the caller then refuses without doing anything."""
    network = client_network(client_ip(request))
    checks = (
        (f"{scope}:ip:{network}", per_client),
        (f"{scope}:subject:{subject}:ip:{network}", per_subject_client),
        (f"{scope}:subject:{subject}", ceiling),
    )
    return all(ratelimit_hit(key=key, limit=limit, window_seconds=_HOUR) for key, limit in checks)


def activation_quota_hit(*, request: HttpRequest, kpj: str) -> bool:
    """One activation start or code resend for `kpj`: ACTIVATION_RATE_PER_IP per client,
    ACTIVATION_RATE_PER_KPJ per (KPJ, client) and ACTIVATION_RATE_PER_KPJ_CEILING per KPJ, per hour."""
    return quota_hit(
        request=request,
        scope="activate",
        subject=kpj,
        per_client=settings.ACTIVATION_RATE_PER_IP,
        per_subject_client=settings.ACTIVATION_RATE_PER_KPJ,
        ceiling=settings.ACTIVATION_RATE_PER_KPJ_CEILING,
    )


def unlock_quota_hit(*, request: HttpRequest, account: str) -> bool:
    """One unlock code asked for `account` (a login email or an unknown login's placeholder, so both
    count alike): UNLOCK_RATE_PER_IP per client, UNLOCK_RATE_PER_ACCOUNT per (account, client) and
    UNLOCK_RATE_PER_ACCOUNT_CEILING per account, per hour."""
    return quota_hit(
        request=request,
        scope="unlock",
        subject=account_tag(account),
        per_client=settings.UNLOCK_RATE_PER_IP,
        per_subject_client=settings.UNLOCK_RATE_PER_ACCOUNT,
        ceiling=settings.UNLOCK_RATE_PER_ACCOUNT_CEILING,
    )
