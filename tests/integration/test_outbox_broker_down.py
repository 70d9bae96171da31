"""The broker down (issue 11): an order filed while Redis is unreachable is saved, the resident gets their
tracking page (no 500), and once Redis is back the outbox sweep publishes the routing task and a real worker
routes the order — once, however many times the sweep runs. A redis-server of the test's own, on its own port,
stopped and started (the shared Redis of the machine is never touched)."""

import socket
from datetime import timedelta

import pytest
from django.urls import reverse

from config.celery import app as celery_app
from tests.conftest import build_tree
from tests.factories import SYSTEM
from workorders import services
from workorders.models import OutboxMessage, State, TimelineKind, WorkOrder
from workorders.outbox import outbox_sweep

from .conftest import start_worker, stop_worker
from .redis_server import celery_app_on, own_redis  # noqa: F401 (fixture)
from .test_routing_worker import wait_for

NOW = timedelta(0)  # the sweep takes rows of any age (beat leaves the freshest few seconds alone)
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_an_order_filed_while_the_broker_is_down_is_routed_once_when_it_is_back(own_redis, client, tmp_path):  # noqa: F811
    tree = build_tree("610116", "长安区")
    compound = tree.compounds[0]
    category = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}["corridor-clutter"]
    with celery_app_on(celery_app, own_redis.url):
        # given the broker is down
        own_redis.stop()

        # when a resident files on the QR page
        response = client.post(
            reverse("intake:report", args=[compound.public_token]),
            {"category": category.pk, "description": "3号楼楼道堆满纸箱，堵住了消防通道"},
        )

        # then they land on their tracking page, and the order and its outbox row are saved, unpublished
        assert response.status_code == 302, response.content.decode()[:1000]
        order = WorkOrder.objects.get()
        assert response["Location"].startswith(reverse("intake:track", args=[order.tracking_code]))
        message = OutboxMessage.objects.get(order=order)
        assert message.published_at is None and message.done_at is None and message.attempts == 1
        assert order.state == State.SUBMITTED and order.routed_at is None
        # and the health check tells the operator which part is down (the site itself is up)
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.json() | {"worker_nodes": []} == {
            "status": "degraded",
            "database": "ok",
            "broker": "unavailable",
            "workers": "unavailable",
            "worker_nodes": [],
        }

        # when the broker is back (empty: nothing was queued) and a worker runs
        own_redis.start()
        node = f"outbox-{socket.gethostname()}-{own_redis.port}@%h"
        worker = start_worker(node, tmp_path / "worker.log", env={"REDIS_URL": own_redis.url}, app=celery_app)
        try:
            health = client.get("/healthz").json()
            assert health["status"] == "ok" and health["broker"] == "ok" and health["workers"] == "ok"
            # nothing routes it by itself ...
            assert WorkOrder.objects.get().routed_at is None
            # ... until the beat's sweep publishes it again (run here as beat would, twice: a sweep that
            # overlaps the worker publishes the same message again)
            assert outbox_sweep(min_age=NOW) == 1

            routed = wait_for(lambda: WorkOrder.objects.filter(pk=order.pk, routed_at__isnull=False).first())
            assert routed is not None, (tmp_path / "worker.log").read_text()[-3000:]
            assert wait_for(lambda: OutboxMessage.objects.filter(pk=message.pk, done_at__isnull=False).exists())
            assert outbox_sweep(min_age=NOW) == 0  # done: nothing to publish
            # a late duplicate of the message (the broker may repeat one) changes nothing
            OutboxMessage.objects.filter(pk=message.pk).update(done_at=None, published_at=None)
            assert outbox_sweep(min_age=NOW) == 1
            assert wait_for(lambda: OutboxMessage.objects.filter(pk=message.pk, done_at__isnull=False).exists())
        finally:
            stop_worker(worker)

    routed = WorkOrder.objects.get()
    assert routed.state == State.ASSIGNED and routed.handler_firm == tree.firm
    assert routed.timeline.filter(kind=TimelineKind.ROUTED).count() == 1


def test_notifications_and_report_builds_asked_for_while_the_broker_is_down_are_delivered_once_it_is_back(
    own_redis,  # noqa: F811
    tmp_path,
):
    from accounts.actors import SystemActor
    from reports import services as report_services
    from reports.models import BuildStatus, ReportBuild
    from staffing.report_kinds import COVERAGE
    from workorders.models import HandlerLevel, Notification
    from workorders.tasks import notify_handler_task, route_work_order_task

    tree = build_tree("610116", "长安区")
    category = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}["corridor-clutter"]
    with celery_app_on(celery_app, own_redis.url):
        # given the broker is down
        own_redis.stop()

        # when an order is filed, a street dispatcher sends it to the property firm (a notification for the firm's
        # staff) and an official asks for a report — each in its own request transaction
        order = services.work_order_file(
            actor=SystemActor(name="tests", district_id=tree.district.pk),
            compound=tree.compounds[0],
            category=category,
            channel="resident_qr",
            title="楼道堆物",
            description="1号楼楼道堆满纸箱",
        )
        services.work_order_assign(
            actor=tree.street_staff, order=order, level=HandlerLevel.PROPERTY_FIRM, unit=tree.firm
        )
        build = report_services.report_request(actor=tree.official, kind=COVERAGE, key="2026-Q3")

        # then none of them failed, and what they enqueued waits in the outbox, unpublished
        pending = OutboxMessage.objects.filter(published_at__isnull=True, done_at__isnull=True)
        assert sorted(pending.values_list("task", flat=True)) == sorted(
            ["reports.tasks.build_report_task", notify_handler_task.name, route_work_order_task.name]
        )
        assert not Notification.objects.exists()
        assert ReportBuild.objects.get(pk=build.pk).status == BuildStatus.QUEUED

        # when the broker is back and a worker runs, the sweep publishes all three
        own_redis.start()
        node = f"outbox-n-{socket.gethostname()}-{own_redis.port}@%h"
        worker = start_worker(node, tmp_path / "worker.log", env={"REDIS_URL": own_redis.url}, app=celery_app)
        log = lambda: (tmp_path / "worker.log").read_text()[-3000:]  # noqa: E731
        try:
            assert outbox_sweep(min_age=NOW) == 3
            all_done = lambda: not OutboxMessage.objects.filter(done_at__isnull=True).exists()  # noqa: E731
            assert wait_for(all_done, timeout=90), log()
            assert outbox_sweep(min_age=NOW) == 0
            # a repeated delivery of every message (the broker may repeat one) changes nothing
            OutboxMessage.objects.update(done_at=None, published_at=None)
            assert outbox_sweep(min_age=NOW) == 3
            assert wait_for(all_done, timeout=90), log()
        finally:
            stop_worker(worker)

    # the firm's staff were told once, the report was built once
    told = Notification.objects.filter(order=order, recipient=tree.firm_staff, kind="assigned")
    assert told.count() == 1
    builds = ReportBuild.objects.filter(report=build.report)
    assert builds.count() == 1 and builds.get().status == BuildStatus.DONE
