"""One complaint followed across processes (issue 11): the request id of the web request that files it is in the
web's log line, in the `X-Request-ID` answer, and in the log lines of the real worker's routing task and of the
notification task that one enqueues (JSON lines, CAPILLARY_LOG_FORMAT=json)."""

import json
import logging
import os
import uuid

import pytest
from django.urls import reverse

from config.celery import app as celery_app
from config.requestid import RequestIdFilter
from tests.conftest import build_tree
from tests.factories import SYSTEM
from workorders import services
from workorders.models import Notification, WorkOrder

from .conftest import start_worker, stop_worker
from .test_routing_worker import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def log_lines(path):
    lines = []
    for line in path.read_text().splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            continue  # Celery's banner and other plain lines
    return lines


def test_one_filings_request_id_is_in_the_web_and_task_logs(client, caplog, tmp_path):
    tree = build_tree("610116", "长安区")
    compound = tree.compounds[0]
    category = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}["corridor-clutter"]
    log = tmp_path / "worker.log"
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    worker = start_worker(
        f"rid-{os.getpid()}@%h", log, env={"CAPILLARY_TEST_LOG_LEVEL": "INFO", "CAPILLARY_LOG_FORMAT": "json"}
    )
    try:
        caplog.set_level(logging.INFO, logger="workorders")
        caplog.handler.addFilter(RequestIdFilter())
        rid = f"test-{uuid.uuid4().hex}"

        # when a resident files through a proxy that set X-Request-ID
        response = client.post(
            reverse("intake:report", args=[compound.public_token]),
            {"category": category.pk, "description": "3号楼楼道堆满纸箱"},
            HTTP_X_REQUEST_ID=rid,
        )

        # then the answer and the web's log line carry it
        assert response.status_code == 302 and response["X-Request-ID"] == rid
        order = WorkOrder.objects.get()
        filed = [r for r in caplog.records if r.getMessage().startswith("work order filed: " + order.tracking_code)]
        assert [r.request_id for r in filed] == [rid]
        # and so do the worker's lines: the router's, which also notified the handler (a router routes the orders
        # of many filings, one batch after another: each order's lines carry its own filing's request id)
        assert wait_for(lambda: Notification.objects.filter(order=order).exists())

        def task_lines():
            return [line for line in log_lines(log) if line.get("request_id") == rid]

        assert wait_for(lambda: "workorders.tasks.route_pending_task" in {line.get("task") for line in task_lines()}), (
            log.read_text()[-3000:]
        )
        routed = [line for line in task_lines() if line["message"].startswith("work order routed: ")]
        assert len(routed) == 1 and order.tracking_code in routed[0]["message"] and routed[0]["task_id"]
        # a request without the header gets an id of its own
        other = client.get(reverse("intake:report", args=[compound.public_token]))
        assert len(other["X-Request-ID"]) == 32 and other["X-Request-ID"] != rid
    finally:
        celery_app.conf.task_always_eager = eager
        stop_worker(worker)
