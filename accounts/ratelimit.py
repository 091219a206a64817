"""Rate limits for the apps: the fixed-window counter lives in `portal.ratelimit` (the bottom layer,
so shared code such as uploads can use it); this name stays for the apps that import it."""

from portal.ratelimit import ratelimit_hit

__all__ = ["ratelimit_hit"]
