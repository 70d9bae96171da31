"""Profile the resident's QR filing in process (pyinstrument): N orders through Django's test client against
a database that holds a city (`make bench-city`), then route them as the worker would, each part profiled.
Each post carries a fresh one-time form token (a uuid4 hex, as the rendered page gives a phone), so the
exactly-once bookkeeping is profiled with the filing; --no-token posts as an old page without one did.

    DATABASE_URL=…/capillary_city_100000 uv run python benchmarks/profile_filing.py --orders 200

The report (text) goes to var/bench/profile-filing.txt and var/bench/profile-routing.txt. Messages go to the
broker under the run's own key prefix (benchmarks.settings) and are not consumed: routing runs in process.
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
    from workorders.tasks import route_pending_task, route_work_order_task

    compounds = list(Compound.objects.order_by("?").values_list("public_token", "district_id")[: args.orders])
    categories = dict(Category.objects.filter(code="corridor-clutter").values_list("district_id", "pk"))
    client = Client(REMOTE_ADDR="127.0.0.9", HTTP_HOST="127.0.0.1")
    cache.clear()
    client.get(f"/q/{compounds[0][0]}/report/")
    first = WorkOrder.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    profiler = Profiler()
    with CaptureQueriesContext(connection) as queries:
        profiler.start()
        for n, (token, district) in enumerate(compounds):
            body = {"category": categories[district], "description": f"{n}号：3号楼楼道堆满纸箱", "reporter_phone": ""}
            if not args.no_token:
                body["form_token"] = uuid.uuid4().hex
            response = client.post(f"/q/{token}/report/", body)
            assert response.status_code == 302, response.status_code
        profiler.stop()
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "profile-filing.txt").write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
    print(f"filing: {len(queries) / len(compounds):.1f} queries per order, {profiler.last_session.duration:.2f} s")
    # The orders routed as the worker routes them: each district's router drains its waiting rows in batches.
    waiting = OutboxMessage.objects.filter(order_id__gt=first, task=route_work_order_task.name, done_at=None)
    count = waiting.count()
    profiler = Profiler()
    with CaptureQueriesContext(connection) as queries:
        profiler.start()
        for district_id in sorted(set(waiting.values_list("district_id", flat=True))):
            route_pending_task.apply(args=[district_id])
        profiler.stop()
    (out / "profile-routing.txt").write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
    print(f"routing: {len(queries) / max(count, 1):.1f} queries per order, {profiler.last_session.duration:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
