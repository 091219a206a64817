"""kombu's Redis transport, publishing through one client per channel instead of one per message.

kombu builds a new `redis.Redis` for every message it publishes (`Channel.conn_or_acquire`), and the
constructor fills a ~170-entry case-insensitive response-callback table: a fifth of the CPU of a
`.delay()` (profiled, bench/README.md). The client holds no connection of its own (it borrows one
from the channel's pool per command) and a channel is used by one thread at a time (Celery's producer
pool), so one per channel is safe. Consuming (the asynchronous client) is unchanged.
"""

from __future__ import annotations

from typing import Any

from kombu.transport import redis


class Channel(redis.Channel):
    _publish_client: Any = None

    def _create_client(self, asynchronous: bool = False) -> Any:
        if asynchronous:
            return super()._create_client(asynchronous=True)  # type: ignore[misc]  # not in the stubs
        client = self._publish_client
        # A closed channel drops its pool; never hand out a client bound to a disconnected one.
        if client is None or client.connection_pool is not self.pool:
            client = self._publish_client = super()._create_client()  # type: ignore[misc]
        return client


class Transport(redis.Transport):
    Channel = Channel
