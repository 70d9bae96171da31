from datetime import datetime

import pytest

from accounts.actors import SystemActor
from workorders import services
from workorders.models import Channel
from workorders.worktime import BEIJING

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)


@pytest.fixture
def fresh_media_and_cache(settings, tmp_path):
    """Uploads into this test's own folder, and the cache (rate limits, kept photos, one-time tokens) empty."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


# A Monday that is an ordinary working day (2026-03-02), 09:00 Beijing time.
MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING)


@pytest.fixture
def categories(tree):
    """The seeded categories of the tree's district, by code."""
    return {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}


@pytest.fixture
def file_order(tree, categories):
    """File an order (routed at once: Celery is eager and on_commit callbacks run in tests with
    django_capture_on_commit_callbacks or a transactional test; here we route explicitly)."""

    def _file(
        *,
        compound=None,
        category="corridor-clutter",
        actor=SYSTEM,
        now=MONDAY_9AM,
        route=True,
        **fields,
    ):
        fields.setdefault("title", "3号楼楼道堆满杂物")
        fields.setdefault("description", "3号楼2单元楼道里堆满纸箱和旧家具，影响通行和消防安全")
        order = services.work_order_file(
            actor=actor or SYSTEM,
            compound=compound or tree.compounds[0],
            category=categories[category],
            channel=fields.pop("channel", Channel.RESIDENT_QR),
            now=now,
            **fields,
        )
        if route:
            order = services.work_order_route(actor=SYSTEM, order_id=order.pk, now=now)
        order.refresh_from_db()
        return order

    return _file
