"""A worker killed mid-task (issue 11): SIGKILL the pool process of a real worker — and, in the second test, the
whole worker (its main process) — in the middle of routing an order and in the middle of a report build; the
broker hands the task out again (late acknowledgement and rejection on a lost worker for a pool process; the
visibility timeout for a whole worker) and, the tasks being idempotent, every order is routed once and the report
built once.

"In the middle" is made certain, not hoped for: the test holds a table lock that the task's next write waits on
(the routing task has locked and changed the order, and waits to write its timeline entry; the report build has
collected its figures and rendered the PDF, and waits to record it), sees the task waiting in pg_stat_activity,
kills the process, and lets go."""

import contextlib
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
from tests.factories import SYSTEM
from workorders import services
from workorders.models import Notification, State, TimelineKind, WorkOrder

from .conftest import start_worker, stop_worker
from .conftest import test_database_url as worker_database_url
from .test_routing_worker import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def pool_children(pid: int) -> list[int]:
    """The worker's pool processes: the children of each of its threads (on the Redis broker the main thread
    starts them; on the filesystem broker a lost one is replaced by billiard's supervisor thread)."""
    children = []
    for path in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            children += [int(p) for p in path.read_text().split()]
    return sorted(children)


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


@pytest.fixture
def no_eager():
    """Tasks go to the broker and a real worker, not run in the test's process."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = eager


def three_orders_waiting_for_routing():
    """Three orders filed while no worker runs: their routing tasks wait in the broker. Returns the tree."""
    tree = build_tree("610116", "长安区")
    category = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}["corridor-clutter"]
    for n in range(3):
        services.work_order_file(
            actor=SystemActor(name="tests"),
            compound=tree.compounds[n],
            category=category,
            channel="resident_qr",
            title=f"楼道堆物 {n}",
            description=f"{n + 1}号楼楼道堆满纸箱",
        )
    return tree


def every_order_routed_once(count: int = 3) -> None:
    assert WorkOrder.objects.filter(routed_at__isnull=False).count() == count
    for order in WorkOrder.objects.all():
        assert order.state == State.ASSIGNED
        assert order.timeline.filter(kind=TimelineKind.ROUTED).count() == 1, order


def messages_waiting(queue: str) -> int:
    with celery_app.connection_for_read() as conn:
        return conn.default_channel.queue_declare(queue=queue).message_count


def test_orders_filed_while_no_worker_runs_wait_as_one_message_and_a_worker_routes_each_once(worker_log, no_eager):
    # given thirty orders filed while no worker runs (issue 12: the outbox rows are the routing queue)
    tree = build_tree("610116", "长安区")
    category = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}["corridor-clutter"]
    for n in range(30):
        services.work_order_file(
            actor=SystemActor(name="tests"),
            compound=tree.compounds[n % len(tree.compounds)],
            category=category,
            channel="resident_qr",
            title=f"楼道堆物 {n}",
            description=f"{n + 1}号楼楼道堆满纸箱",
        )
    # then the broker holds one message for them: the wake of the district's router
    assert messages_waiting("routing") == 1
    # when a worker starts, every order is routed once and its handler told
    worker = start_worker(f"drain-{os.getpid()}@%h", worker_log)
    try:
        routed = WorkOrder.objects.filter(routed_at__isnull=False)
        assert wait_for(lambda: routed.count() == 30), worker_log.read_text()[-3000:]
        every_order_routed_once(30)
        assert Notification.objects.filter(recipient=tree.firm_staff).count() == 30
        assert messages_waiting("routing") == 0
    finally:
        stop_worker(worker)


def a_running_build(tree, timeout: float) -> ReportBuild:
    """A report build asked for and running (the worker has taken it)."""
    actor = SystemActor(name="test:kill", district_id=tree.district.pk)
    build = report_services.report_request(actor=actor, kind=COVERAGE, key="2026-Q3")
    running = ReportBuild.objects.filter(pk=build.pk, status=BuildStatus.RUNNING)
    assert wait_for(running.exists, timeout=timeout, every=0.01)
    return build


def one_build_done_with_one_pdf(build: ReportBuild) -> None:
    builds = ReportBuild.objects.filter(report=build.report)
    assert builds.count() == 1
    done = builds.get()
    assert done.status == BuildStatus.DONE and done.file and done.file.read(5) == b"%PDF-"


def test_killing_the_worker_mid_routing_and_mid_report_build_loses_nothing_and_doubles_nothing(worker_log, no_eager):
    tree = three_orders_waiting_for_routing()
    node = f"killed-{os.getpid()}@%h"
    worker = None
    lock = None
    try:
        # given three orders waiting for routing, and a worker that takes the first one and stops at its timeline
        # entry, mid-routing
        lock = TableLock("workorders_timelineentry")
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
        every_order_routed_once()
        assert "WorkerLostError" in worker_log.read_text() or "SIGKILL" in worker_log.read_text()

        # given a report build that has collected its figures and rendered its PDF, and waits to record it
        build = a_running_build(tree, timeout=30)
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
        time.sleep(1)  # nothing else arrives late
        one_build_done_with_one_pdf(build)
        every_order_routed_once()
    finally:
        if lock is not None:
            lock.release()
        if worker is not None:
            stop_worker(worker)


# A broker hands an unacknowledged message out again once it is older than the visibility timeout (kombu's Redis
# transport: a starting worker restores what its dead predecessor held). An hour in production; seconds here, so
# that the test need not wait an hour for the message of a worker that died.
SHORT_VISIBILITY = 8


def kill_the_whole_worker(worker) -> None:
    """SIGKILL the worker's main process (as the OOM killer or a lost machine would): its pool process dies with it
    (Celery sets the parent-death signal), and nothing is acknowledged or handed back to the broker."""
    child = pool_children(worker.pid)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in child), timeout=30), child


def start_successor(node: str, log: Path, killed_at: float):
    """A new worker, started once what the dead one held is older than the visibility timeout."""
    time.sleep(max(0.0, killed_at + SHORT_VISIBILITY + 1 - time.monotonic()))
    return start_worker(node, log, env={"CAPILLARY_BROKER_VISIBILITY_TIMEOUT": str(SHORT_VISIBILITY)})


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the visibility timeout is the Redis broker's")
def test_killing_the_whole_worker_mid_routing_and_mid_report_build_loses_nothing_and_doubles_nothing(
    worker_log, no_eager
):
    tree = three_orders_waiting_for_routing()
    workers = []
    lock = None
    env = {"CAPILLARY_BROKER_VISIBILITY_TIMEOUT": str(SHORT_VISIBILITY)}
    try:
        # given three orders waiting for routing, and a worker that takes the first one and stops at its timeline
        # entry, mid-routing
        lock = TableLock("workorders_timelineentry")
        workers.append(start_worker(f"whole-a-{os.getpid()}@%h", worker_log, env=env))
        assert wait_for(lambda: waiting_on("workorders_timelineentry"), timeout=60), worker_log.read_text()[-2000:]
        assert WorkOrder.objects.filter(routed_at__isnull=False).count() == 0

        # when the whole worker is killed (main process, SIGKILL), the lock let go, and a new worker started
        kill_the_whole_worker(workers[-1])
        killed_at = time.monotonic()
        lock.release()
        workers.append(start_successor(f"whole-b-{os.getpid()}@%h", worker_log, killed_at))

        # then every order is routed, each exactly once
        assert wait_for(lambda: WorkOrder.objects.filter(routed_at__isnull=False).count() == 3, timeout=90), (
            worker_log.read_text()[-3000:]
        )
        every_order_routed_once()

        # given a report build that has rendered its PDF and waits to record it
        build = a_running_build(tree, timeout=60)
        lock = TableLock("reports_reportbuild")
        assert wait_for(lambda: waiting_on("reports_reportbuild"), timeout=60), worker_log.read_text()[-2000:]

        # when that whole worker is killed too, and another one started
        kill_the_whole_worker(workers[-1])
        killed_at = time.monotonic()
        lock.release()
        workers.append(start_successor(f"whole-c-{os.getpid()}@%h", worker_log, killed_at))

        # then the build is handed out again and finished once: one build, done, with one PDF
        assert wait_for(
            lambda: ReportBuild.objects.filter(pk=build.pk, status=BuildStatus.DONE).exists(), timeout=120
        ), worker_log.read_text()[-3000:]
        time.sleep(SHORT_VISIBILITY + 2)  # nothing else arrives late (a restored duplicate would by now)
        one_build_done_with_one_pdf(build)
        every_order_routed_once()
    finally:
        if lock is not None:
            lock.release()
        for worker in workers:
            stop_worker(worker)
