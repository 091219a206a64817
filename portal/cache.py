"""The Redis cache backend with one `redis.Redis` object per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call. The object is
only a thin front for the pool, but constructing it (option parsing, response callbacks) costs more
than the INCR it is built for, and the SMS webhook and the login rate limits make several calls per
request. `redis.Redis` is thread-safe (each command borrows a connection from the pool), so one per
pool is enough; pipelines are still created per call.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # private, not in the stubs
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class PortalRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
