"""End to end with the real thing: a resident files an order on the compound's public QR page (POST to the
intake URL, no account), the order is saved, routing is enqueued on commit to the broker (Redis when
REDIS_URL is set, else the filesystem broker), a real Celery worker routes it to the compound's property
firm and tells the firm's staff, and the firm's staff see it in "my orders" (page and API)."""

import time

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import build_tree
from tests.factories import SYSTEM
from workorders import services
from workorders.models import Notification, State, WorkOrder

ROUTING_TIMEOUT = 30  # seconds


def wait_for(predicate, timeout: float = ROUTING_TIMEOUT, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return predicate()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_an_order_filed_on_the_qr_page_is_routed_by_the_worker_and_reaches_its_handler(celery_worker_process, client):
    # given a compound managed by a property firm, the district's categories, and the firm's staff
    tree = build_tree("610116", "长安区")
    compound = tree.compounds[0]
    categories = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}
    description = "3号楼2单元楼道堆满纸箱和旧家具，堵住了消防通道"

    # when a resident files through the public QR page (no account)
    response = client.post(
        reverse("intake:report", args=[compound.public_token]),
        {"category": categories["corridor-clutter"].pk, "description": description, "reporter_phone": "13812341234"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    order = WorkOrder.objects.get(compound=compound, description=description)
    assert order.channel == "resident_qr" and order.reported_by is None

    # then the worker (another process) routes it, within seconds
    def routed():
        return WorkOrder.objects.filter(pk=order.pk, state=State.ASSIGNED, routed_at__isnull=False).first()

    routed_order = wait_for(routed)
    assert routed_order is not None, f"not routed within {ROUTING_TIMEOUT} s (state {order.state})"
    assert routed_order.handler_firm == tree.firm
    assert routed_order.timeline.filter(kind="routed").exists()

    # and the firm's staff are told (the worker's notification task) ...
    assert wait_for(lambda: Notification.objects.filter(recipient=tree.firm_staff, order=order).exists())

    # ... and see it in "my orders", on the page and through the API
    client.force_login(tree.firm_staff)
    page = client.get(reverse("workorders:mine")).content.decode()
    assert order.title in page and "待办" in page
    api = APIClient()
    api.force_authenticate(tree.firm_staff)
    mine = api.get(reverse("workorders-api:work-order-mine")).data["results"]
    assert [row["id"] for row in mine] == [order.pk]
    assert mine[0]["reporter_phone"] == "138****1234"
    lag = (routed_order.routed_at - routed_order.created_at).total_seconds()
    print(f"saved → routed by the worker in {lag:.2f} s")
