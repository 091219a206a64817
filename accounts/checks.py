"""`check --deploy`: the client address behind proxies (TRUSTED_PROXY_COUNT).

Production trusts a proxy for the scheme (SECURE_PROXY_SSL_HEADER) and so sits behind one; left at its
default of 0, every request then seems to come from the proxy's address and each per-client limit
(login throttling, activation and unlock quotas) becomes one limit for the whole site. Too high a
count is as bad the other way: clients choose their own address. Only the deployment knows how many
proxies append to X-Forwarded-For, so it must say so.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_proxy_count_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or not getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return []
    if getattr(settings, "TRUSTED_PROXY_COUNT_SET", False):
        return []
    return [
        Warning(
            "TRUSTED_PROXY_COUNT is left at its default (0) while SECURE_PROXY_SSL_HEADER says a "
            "proxy is in front: every client would share the proxy's address in login throttling "
            "and rate limits.",
            hint="Set TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For "
            "(1 for the HAProxy of haproxy/haproxy.cfg, 2 with a TLS load balancer in front of it), "
            "or to 0 explicitly if they do not.",
            id="accounts.W001",
        )
    ]
