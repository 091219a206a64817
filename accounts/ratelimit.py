"""Rate limits for the apps and the client address every per-client limit keys on; both live in
`portal.ratelimit` (the bottom layer, so shared code such as uploads can use them) and are re-exported
here for the apps that import them."""

from portal.ratelimit import client_ip, client_network, ratelimit_hit

__all__ = ["client_ip", "client_network", "ratelimit_hit"]
