"""The QR filing's rate limit on a real Redis (the sites' cache): one round trip counts a use (accounts.network.
rate_take), on the same counter django-ratelimit reads, and a refused form gives its use back."""

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from accounts.network import rate_limited
from tests.integration.redis_server import own_redis  # noqa: F401 (fixture)
from workorders.models import WorkOrder

from .test_intake_resident import QR_LIMIT, post_report


@pytest.fixture
def redis_cache(own_redis, settings):  # noqa: F811
    settings.CACHES = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": own_redis.url}}  # the site's
    assert isinstance(caches["default"], RedisCache)  # the one-round-trip path, not django-ratelimit's fallback
    caches["default"].clear()
    yield caches["default"]
    caches["default"].close()


def test_the_limit_counts_on_redis_and_refused_forms_give_their_use_back(client, tree, categories, redis_cache):
    compound, category = tree.compounds[0], categories["sanitation"]
    # given a client whose forms were refused twice (an empty description), then who filed up to the limit
    for _ in range(2):
        assert post_report(client, compound, category, ip="10.0.0.66", description="").status_code == 400
    for _ in range(QR_LIMIT):
        assert post_report(client, compound, category, ip="10.0.0.66").status_code == 302
    # when it files once more, it gets the 429 and nothing is filed
    assert post_report(client, compound, category, ip="10.0.0.66").status_code == 429
    assert WorkOrder.objects.count() == QR_LIMIT
    # and the counter is django-ratelimit's own (what rate_limited reads for the same door and scope)
    request = type("R", (), {"META": {"REMOTE_ADDR": "10.0.0.66"}})()
    assert rate_limited(request, limit="qr-filing", scope=f"qr:{compound.pk}", increment=False)
    # while another address files at once
    assert post_report(client, compound, category, ip="10.0.0.77").status_code == 302
