"""Django's Redis cache with one redis-py client per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` around the pool on every cache call, and
redis-py's constructor fills its table of ~170 response callbacks each time: about 0.1 ms of CPU a call, twice on
every QR filing (its rate limit and its routing wake), once on every other rate-limited request
(benchmarks/RESULTS.md). A redis-py client is safe to share between threads (each command takes a connection from
the pool), and its pool starts afresh in a forked process (redis-py checks the process id), so one client per
pool serves every call. Everything else is Django's.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # Django's choice of server; its pools live as long as this
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
