"""The site's Redis cache (config.cache): Django's, with one redis-py client per connection pool."""

import subprocess
import sys
import textwrap

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches

from tests.integration.redis_server import own_redis  # noqa: F401 (fixture)

# A process of its own (one thread, as a gunicorn or Celery parent is when it forks): the parent makes its client,
# a forked child counts on it, the parent counts again.
FORKED = """
import os, sys
import django
from django.conf import settings
settings.configure(CACHES={"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": sys.argv[1]}})
django.setup()
from django.core.cache import cache
cache.set("visits", 1)
child = os.fork()
if child == 0:
    try:
        cache.incr("visits")
        os._exit(0 if cache.get("visits") == 2 else 1)
    except BaseException:
        os._exit(2)
_, status = os.waitpid(child, 0)
print(os.waitstatus_to_exitcode(status), cache.incr("visits"), cache.get("visits"))
"""


@pytest.fixture
def cache(own_redis, settings):  # noqa: F811
    settings.CACHES = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": own_redis.url}}
    yield caches["default"]
    caches["default"].close()


def test_every_call_shares_one_client(cache):
    cache.set("visits", 1)
    assert cache.get("visits") == 1
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client("visits") is client  # not one client built per call
    assert cache.incr("visits") == 2


def test_a_forked_process_counts_on_its_own_connection_and_the_parents_still_answers(own_redis):  # noqa: F811
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(FORKED), own_redis.url],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=django_settings.BASE_DIR,
    )
    assert done.returncode == 0, done.stderr
    # the child counted (exit 0), then the parent's client counted after it, in order
    assert done.stdout.split() == ["0", "3", "3"]
