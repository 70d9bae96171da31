"""The site-wide tenancy walk (tests/test_tenancy_walk.py) aimed at the work-order URLs, with makers for the
work-order models: every page and endpoint here answers 404 for district B's object and never shows B's
names. (The same makers belong in the walk's OBJECT_MAKERS; until then this test covers these URLs.)"""

import pytest
from django.urls import reverse

from tests import test_tenancy_walk as walk
from tests.workorders.test_api import make_order
from tests.workorders.walk import response_text
from workorders import services
from workorders.models import (
    Category,
    DeliberationMeeting,
    Notification,
    RoutingRule,
    UrgencyClass,
    WorkOrder,
)

MAKERS = {
    WorkOrder: lambda t: make_order(t),
    Category: lambda t: services.categories_seed(district=t.district)[0],
    UrgencyClass: lambda t: services.urgency_classes_seed(district=t.district)["general"],
    RoutingRule: lambda t: RoutingRule.objects.create(district=t.district, priority=1, target_level="community"),
    Notification: lambda t: Notification.objects.create(
        district=t.district, recipient=t.official, kind="x", message=f"{t.district.name}的消息"
    ),
    DeliberationMeeting: lambda t: DeliberationMeeting.objects.create(
        district=t.district, community=t.communities[0], topic="议题", held_on="2026-03-05", attendees="甲"
    ),
}


def ours(route) -> bool:
    return route.name.startswith(("workorders:", "workorders-api:"))


@pytest.mark.django_db
def test_every_work_order_url_is_a_404_for_another_districts_object(client, tree, other_tree):
    client.force_login(tree.official)
    leaks, checked, made = [], 0, {}
    for route in filter(ours, walk.routes()):
        kwargs = [k for k in route.kwargs if k != "format"]
        if not kwargs:
            continue
        model = walk.view_model(route.callback)
        assert model in MAKERS, f"{route.name}: no maker for {model}"
        obj = made.get(model) or made.setdefault(model, MAKERS[model](other_tree))
        values = {k: walk.kwarg_value(obj, k) for k in kwargs}
        if "format" in route.kwargs:
            values["format"] = "json"
        url = reverse(route.name, kwargs=values)
        for method in ("get", "post", "put", "patch", "delete"):
            response = getattr(client, method)(url, content_type="application/json", data={})
            if response.status_code not in (404, 405):
                leaks.append(f"{method.upper()} {url} → {response.status_code}")
        checked += 1
    assert not leaks, "\n".join(leaks)
    assert checked >= 15


@pytest.mark.django_db
def test_no_work_order_list_or_page_shows_another_districts_data(client, tree, other_tree):
    for maker in MAKERS.values():
        maker(tree)
        maker(other_tree)
    foreign = {
        "street_id": other_tree.streets[0].pk,
        "community_id": other_tree.communities[0].pk,
        "compound_id": other_tree.compounds[0].pk,
    }
    checked = 0
    for route in filter(ours, walk.routes()):
        if [k for k in route.kwargs if k != "format"]:
            continue
        url = reverse(route.name, kwargs={"format": "json"} if "format" in route.kwargs else None)
        for user in tree.users:
            client.force_login(user)
            for params in ({}, foreign):
                response = client.get(url, params)
                assert response.status_code < 500, (url, user.role)
                assert walk.MARKER not in response_text(response), (url, user.role, params)
        checked += 1
    assert checked >= 8
