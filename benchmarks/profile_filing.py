"""Profile the resident's QR filing in process (pyinstrument): N orders through Django's test client against
a database that holds a city (`make bench-city`), then route them as the worker would, each part profiled.
Each post carries a fresh one-time form token (a uuid4 hex, as the rendered page gives a phone), so the
exactly-once bookkeeping is profiled with the filing; --no-token posts as an old page without one did.

    DATABASE_URL=…/capillary_city_100000 uv run python benchmarks/profile_filing.py --orders 200

The report (text) goes to var/bench/profile-filing.txt and var/bench/profile-routing.txt. Messages go to the
broker under the run's own key prefix (benchmarks.settings) and are not consumed: routing runs in process.

With --backend-cpu, no profiler: the process's own CPU per order (the web's code and the test client) and the
PostgreSQL backend's, read from /proc (the server on this machine) around every statement and the COMMIT, summed by
statement (clock ticks of 10 ms, so a few hundred orders are needed for a steady figure):

    DATABASE_URL=…/capillary_city_100000 uv run python benchmarks/profile_filing.py --orders 600 --backend-cpu
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
os.environ.setdefault("CAPILLARY_BENCH_RUN", "profile")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--no-token", action="store_true", help="post without the page's one-time form token")
    parser.add_argument("--backend-cpu", action="store_true", help="the backend's CPU by statement, no profiler")
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from compounds.models import Compound
    from workorders.models import Category, OutboxMessage, WorkOrder
    from workorders.tasks import route_work_order_task

    compounds = list(Compound.objects.order_by("?").values_list("public_token", "district_id")[: args.orders])
    categories = dict(Category.objects.filter(code="corridor-clutter").values_list("district_id", "pk"))
    client = Client(REMOTE_ADDR="127.0.0.9", HTTP_HOST="127.0.0.1")
    cache.clear()
    client.get(f"/q/{compounds[0][0]}/report/")
    first = WorkOrder.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if args.backend_cpu:
        return backend_cpu(client, compounds, categories, tokened=not args.no_token, first=first)
    profiler = Profiler()
    with CaptureQueriesContext(connection) as queries:
        profiler.start()
        for n, (token, district) in enumerate(compounds):
            response = client.post(f"/q/{token}/report/", filing(n, categories[district], tokened=not args.no_token))
            assert response.status_code == 302, response.status_code
        profiler.stop()
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "profile-filing.txt").write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
    print(f"filing: {len(queries) / len(compounds):.1f} queries per order, {profiler.last_session.duration:.2f} s")
    count = OutboxMessage.objects.filter(order_id__gt=first, task=route_work_order_task.name, done_at=None).count()
    profiler = Profiler()
    with CaptureQueriesContext(connection) as queries:
        profiler.start()
        route_waiting(first)
        profiler.stop()
    (out / "profile-routing.txt").write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
    print(f"routing: {len(queries) / max(count, 1):.1f} queries per order, {profiler.last_session.duration:.2f} s")
    return 0


def filing(n: int, category_id: int, *, tokened: bool) -> dict:
    """The QR form as a phone posts it: with a fresh one-time token (a uuid4 hex, as the page gives one)."""
    body = {"category": category_id, "description": f"{n}号：3号楼楼道堆满纸箱", "reporter_phone": ""}
    if tokened:
        body["form_token"] = uuid.uuid4().hex
    return body


def route_waiting(first: int) -> None:
    """Route the orders filed after `first` as the worker does: each district's router drains its waiting rows in
    batches."""
    from workorders.models import OutboxMessage
    from workorders.tasks import route_pending_task, route_work_order_task

    waiting = OutboxMessage.objects.filter(order_id__gt=first, task=route_work_order_task.name, done_at=None)
    for district_id in sorted(set(waiting.values_list("district_id", flat=True))):
        route_pending_task.apply(args=[district_id])


def backend_cpu(client, compounds, categories, *, tokened: bool, first: int) -> int:
    import collections
    import re
    import time

    from django.db import connection
    from django.db.backends.base.base import BaseDatabaseWrapper

    from benchmarks.run import process_cpu

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()

    def backend_ms() -> float:  # the backend's CPU so far
        return process_cpu(pid) * 1000

    spent, runs = collections.Counter(), collections.Counter()

    def statement(sql: str) -> str:  # pghistory's context in front of a write is not the statement
        return " ".join(re.sub(r"^SELECT set_config\('pghistory[^;]*;", "", sql.strip()).split())[:60]

    def measure(execute, sql, params, many, context):
        before = backend_ms()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[statement(sql)] += backend_ms() - before
            runs[statement(sql)] += 1

    commit = BaseDatabaseWrapper._commit

    def measured_commit(wrapper):
        before = backend_ms()
        try:
            return commit(wrapper)
        finally:
            spent["COMMIT"] += backend_ms() - before
            runs["COMMIT"] += 1

    def report(title: str, orders: int, started_ms: int, started_cpu: float) -> None:
        backend = (backend_ms() - started_ms) / orders
        own = (time.process_time() - started_cpu) * 1000 / orders
        print(f"{title}: the backend {backend:.2f} ms of CPU an order, this process {own:.2f} ms ({orders} orders)")
        for sql, count in spent.most_common(12):
            print(f"  {count / orders:6.2f} ms  ×{runs[sql] / orders:.2f}  {sql}")
        spent.clear()
        runs.clear()

    BaseDatabaseWrapper._commit = measured_commit
    try:
        with connection.execute_wrapper(measure):
            started_ms, started_cpu = backend_ms(), time.process_time()
            for n, (token, district) in enumerate(compounds):
                assert (
                    client.post(f"/q/{token}/report/", filing(n, categories[district], tokened=tokened)).status_code
                    == 302
                )
            report("filing", len(compounds), started_ms, started_cpu)
            started_ms, started_cpu = backend_ms(), time.process_time()
            route_waiting(first)
            report("routing", len(compounds), started_ms, started_cpu)
    finally:
        BaseDatabaseWrapper._commit = commit
    return 0


if __name__ == "__main__":
    sys.exit(main())
