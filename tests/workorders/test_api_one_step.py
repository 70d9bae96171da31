"""The API's one-step moves, as the pages have them: 受理并开始处理 (accept-and-start) for the order's handler and
当场办结 (resolve-on-the-spot) for the grid worker who reported it where the district allows — each through its
service and the permission registry, honouring an `Idempotency-Key` like filing does. Another district's order is
a 404; a role the rule refuses is a 403 with its Chinese message; nothing moves."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.workorders.test_api import make_order
from workorders import services
from workorders.models import Channel, State, TimelineEntry, WorkOrder

pytestmark = pytest.mark.django_db


def post(user, order, name, data=None, **headers):
    api = APIClient()
    api.force_authenticate(user)
    return api.post(reverse(f"workorders-api:work-order-{name}", args=[order.pk]), data or {}, format="json", **headers)


def states(order):
    return list(TimelineEntry.objects.filter(order=order).order_by("pk").values_list("to_state", flat=True))


def reported_by_the_grid_worker(tree, categories, *, on_the_spot=True):
    category = categories["corridor-clutter"]
    category.grid_resolves_on_the_spot = on_the_spot
    category.save(update_fields=["grid_resolves_on_the_spot"])
    return services.work_order_file(
        actor=tree.grid_worker,
        compound=tree.compounds[0],
        category=category,
        channel=Channel.GRID,
        title="楼道堆物",
        description="1号楼楼道堆放纸箱",
    )


# ---------------------------------------------------------------------------------------------------- accept and start


def test_the_handler_accepts_and_starts_in_one_call_with_both_moves_on_the_timeline(tree):
    order = make_order(tree)  # routed to the compound's property firm

    response = post(tree.firm_staff, order, "accept-and-start", {"note": "马上安排保洁"})

    assert response.status_code == 200, response.content
    assert response.data["state"] == State.IN_PROGRESS
    order.refresh_from_db()
    assert order.state == State.IN_PROGRESS and order.responded_at is not None
    assert states(order)[-2:] == [State.ACCEPTED, State.IN_PROGRESS]


@pytest.mark.parametrize("role", ["street_staff", "official", "grid_worker", "department_staff", "cadre"])
def test_accept_and_start_is_refused_to_everyone_but_the_handler(tree, role):
    order = make_order(tree)
    before = states(order)

    response = post(getattr(tree, role), order, "accept-and-start")

    assert response.status_code in (403, 404), response.content
    if response.status_code == 403:
        assert "承办单位" in response.data["detail"]
    order.refresh_from_db()
    assert order.state == State.ASSIGNED and states(order) == before


def test_accept_and_start_twice_with_one_key_moves_once_and_answers_the_first_answer(tree):
    order = make_order(tree)

    first = post(tree.firm_staff, order, "accept-and-start", HTTP_IDEMPOTENCY_KEY="tap-1")
    again = post(tree.firm_staff, order, "accept-and-start", HTTP_IDEMPOTENCY_KEY="tap-1")
    without_key = post(tree.firm_staff, order, "accept-and-start")

    assert first.status_code == 200 and again.status_code == 200 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert states(order).count(State.IN_PROGRESS) == 1
    # without the key the second call is a move again, which the order's state no longer allows
    assert without_key.status_code == 403


def test_another_districts_order_is_a_404_for_both_moves(tree, other_tree, categories):
    foreign = make_order(other_tree)
    assert post(tree.firm_staff, foreign, "accept-and-start").status_code == 404
    assert post(tree.grid_worker, foreign, "resolve-on-the-spot", {"resolution": "已清理"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == State.ASSIGNED


# ---------------------------------------------------------------------------------------------------- on the spot


def test_the_grid_worker_resolves_on_the_spot_what_the_district_allows(tree, categories):
    order = reported_by_the_grid_worker(tree, categories)

    response = post(tree.grid_worker, order, "resolve-on-the-spot", {"resolution": "已当场清理纸箱"})

    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.state == State.RESOLVED and order.resolution == "已当场清理纸箱"
    assert order.handler_user_id == tree.grid_worker.pk
    assert states(order)[-2:] == [State.ACCEPTED, State.RESOLVED]


def test_on_the_spot_needs_a_resolution_and_the_districts_permission(tree, categories):
    order = reported_by_the_grid_worker(tree, categories, on_the_spot=False)
    refused = post(tree.grid_worker, order, "resolve-on-the-spot", {"resolution": "已清理"})
    assert refused.status_code == 403 and "当场办结" in refused.data["detail"]

    allowed = reported_by_the_grid_worker(tree, categories)
    blank = post(tree.grid_worker, allowed, "resolve-on-the-spot", {"resolution": "  "})
    assert blank.status_code == 400 and blank.data["resolution"] == ["请填写办理结果。"]
    assert WorkOrder.objects.get(pk=allowed.pk).state != State.RESOLVED


@pytest.mark.parametrize("role", ["street_staff", "official", "firm_staff", "department_staff", "cadre"])
def test_on_the_spot_is_refused_to_other_roles(tree, categories, role):
    order = reported_by_the_grid_worker(tree, categories)
    response = post(getattr(tree, role), order, "resolve-on-the-spot", {"resolution": "已清理"})
    assert response.status_code in (403, 404), response.content
    assert WorkOrder.objects.get(pk=order.pk).state != State.RESOLVED


def test_on_the_spot_twice_with_one_key_resolves_once_and_another_body_is_a_422(tree, categories):
    order = reported_by_the_grid_worker(tree, categories)
    body = {"resolution": "已当场清理纸箱"}

    first = post(tree.grid_worker, order, "resolve-on-the-spot", body, HTTP_IDEMPOTENCY_KEY="spot-1")
    again = post(tree.grid_worker, order, "resolve-on-the-spot", body, HTTP_IDEMPOTENCY_KEY="spot-1")
    other = post(tree.grid_worker, order, "resolve-on-the-spot", {"resolution": "改了"}, HTTP_IDEMPOTENCY_KEY="spot-1")

    assert first.status_code == 200 and again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert states(order).count(State.RESOLVED) == 1


def test_the_schema_documents_both_moves_with_the_key(client):
    schema = client.get("/api/schema/?format=json").json()
    for path in ("accept-and-start", "resolve-on-the-spot"):
        (operation,) = [
            item["post"] for url, item in schema["paths"].items() if url.endswith(f"/{path}/") and "post" in item
        ]
        assert "Idempotency-Key" in [p["name"] for p in operation.get("parameters", [])]
        assert operation["summary"] and {"200", "403", "404", "422"} <= set(operation["responses"])
