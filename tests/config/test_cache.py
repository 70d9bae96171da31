"""The site's Redis cache (config.cache): Django's, with one redis-py client per connection pool."""

import os

import pytest
from django.core.cache import caches

from tests.integration.redis_server import own_redis  # noqa: F401 (fixture)


@pytest.fixture
def cache(own_redis, settings):  # noqa: F811
    settings.CACHES = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": own_redis.url}}
    yield caches["default"]
    caches["default"].close()


def test_every_call_shares_one_client_and_a_forked_process_counts_on_its_own_connection(cache):
    # given a value, written and read through the cache as the site does
    cache.set("visits", 1)
    assert cache.get("visits") == 1
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client("visits") is client  # not one client built per call
    # when a forked process (a gunicorn or Celery child) counts on the client its parent made
    child = os.fork()
    if child == 0:  # pragma: no cover (the child)
        try:
            cache.incr("visits")
            os._exit(0 if cache.get("visits") == 2 else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(child, 0)
    # then the child counted, and the parent's connection still answers, in order
    assert os.waitstatus_to_exitcode(status) == 0
    assert cache.incr("visits") == 3
    assert cache.get("visits") == 3
