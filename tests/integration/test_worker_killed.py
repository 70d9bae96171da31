"""A worker killed mid-task (issue 11): SIGKILL the pool process of a real worker in the middle of routing an
order and in the middle of a report build; the broker hands the task out again (late acknowledgement, rejected
on a lost worker) and, the tasks being idempotent, every order is routed once and the report built once.

"In the middle" is made certain, not hoped for: the test holds a table lock that the task's next write waits on
(the routing task has locked and changed the order, and waits to write its timeline entry; the report build has
collected its figures and rendered the PDF, and waits to record it), sees the task waiting in pg_stat_activity,
kills the process, and lets go."""

import os
import signal
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from accounts.actors import SystemActor
from config.celery import app as celery_app
from reports import services as report_services
from reports.models import BuildStatus, ReportBuild
from staffing.report_kinds import COVERAGE
from tests.conftest import build_tree
from workorders import services
from workorders.models import State, TimelineKind, WorkOrder

from .conftest import start_worker, stop_worker
from .conftest import test_database_url as worker_database_url
from .test_routing_worker import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def pool_children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def waiting_on(table: str) -> bool:
    """A session of the test database is waiting for a lock to write `table` (the worker, blocked by us)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            " AND query ILIKE %s",
            [f"%{table}%"],
        )
        return cursor.fetchone()[0] > 0


class TableLock:
    """Another connection holding a SHARE lock on a table: reads go on, writes wait until `release()`."""

    def __init__(self, table: str):
        self.connection = psycopg.connect(worker_database_url(), autocommit=False)
        self.connection.execute(f'LOCK TABLE "{table}" IN SHARE MODE')

    def release(self):
        if not self.connection.closed:
            self.connection.rollback()
            self.connection.close()


def kill_the_busy_child(worker) -> int:
    children = pool_children(worker.pid)
    assert len(children) == 1, children
    os.kill(children[0], signal.SIGKILL)
    return children[0]


@pytest.fixture
def worker_log(tmp_path):
    return tmp_path / "worker.log"


def test_killing_the_worker_mid_routing_and_mid_report_build_loses_nothing_and_doubles_nothing(worker_log):
    tree = build_tree("610116", "长安区")
    category = {c.code: c for c in services.categories_seed(district=tree.district)}["corridor-clutter"]
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    node = f"killed-{os.getpid()}@%h"
    worker = None
    lock = None
    try:
        # given three orders filed while no worker runs (their routing tasks wait in the broker) ...
        for n in range(3):
            services.work_order_file(
                actor=SystemActor(name="tests"),
                compound=tree.compounds[n],
                category=category,
                channel="resident_qr",
                title=f"楼道堆物 {n}",
                description=f"{n + 1}号楼楼道堆满纸箱",
            )
        lock = TableLock("workorders_timelineentry")
        # ... and a worker that takes the first one and stops at its timeline entry, mid-routing
        worker = start_worker(node, worker_log)
        assert wait_for(lambda: waiting_on("workorders_timelineentry"), timeout=30), worker_log.read_text()[-2000:]
        # the order is locked and changed inside the worker's open transaction: nothing of it is visible yet
        assert WorkOrder.objects.filter(routed_at__isnull=False).count() == 0

        # when its pool process is killed mid-task, and the lock then let go
        killed = kill_the_busy_child(worker)
        assert wait_for(lambda: pool_children(worker.pid) and pool_children(worker.pid) != [killed], timeout=30)
        lock.release()

        # then every order is routed, each exactly once
        assert wait_for(lambda: WorkOrder.objects.filter(routed_at__isnull=False).count() == 3), worker_log.read_text()[
            -3000:
        ]
        for order in WorkOrder.objects.all():
            assert order.state == State.ASSIGNED
            assert order.timeline.filter(kind=TimelineKind.ROUTED).count() == 1, order
        assert "WorkerLostError" in worker_log.read_text() or "SIGKILL" in worker_log.read_text()

        # given a report build that has collected its figures and rendered its PDF, and waits to record it
        actor = SystemActor(name="test:kill", district_id=tree.district.pk)
        build = report_services.report_request(actor=actor, kind=COVERAGE, key="2026-Q3")
        assert wait_for(
            lambda: ReportBuild.objects.filter(pk=build.pk, status=BuildStatus.RUNNING).exists(), timeout=30, every=0.01
        )
        lock = TableLock("reports_reportbuild")
        # the next write of the build (its progress mark, or the finished file) now waits on our lock
        assert wait_for(lambda: waiting_on("reports_reportbuild"), timeout=30), worker_log.read_text()[-2000:]

        # when the process building it is killed, and the lock let go
        killed = kill_the_busy_child(worker)
        assert wait_for(lambda: pool_children(worker.pid) and pool_children(worker.pid) != [killed], timeout=30)
        lock.release()

        # then the build is redelivered and finished once: one build, done, with one PDF
        assert wait_for(
            lambda: ReportBuild.objects.filter(pk=build.pk, status=BuildStatus.DONE).exists(), timeout=60
        ), worker_log.read_text()[-3000:]
        builds = ReportBuild.objects.filter(report=build.report)
        assert builds.count() == 1
        done = builds.get()
        assert done.file and done.file.read(5) == b"%PDF-"
        time.sleep(1)  # nothing else arrives late
        assert ReportBuild.objects.filter(report=build.report).count() == 1
        assert WorkOrder.objects.filter(routed_at__isnull=False).count() == 3
    finally:
        if lock is not None:
            lock.release()
        celery_app.conf.task_always_eager = eager
        if worker is not None:
            stop_worker(worker)
