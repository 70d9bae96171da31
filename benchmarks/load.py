"""`make load`: a bounded load run with locust on loopback (issue 11) — residents filing on QR pages, grid workers
filing, street staff paging the queue, Open311 clients posting and reading (benchmarks/locustfile.py).

Like `make bench` (benchmarks/run.py, whose helpers it uses): a throwaway database with the demo district, gunicorn
and a real Celery worker on 127.0.0.1; then `locust --headless` for a bounded time; then the database is asked how
many orders the run filed and whether the worker routed them all. Writes benchmarks/load-results.json (the last
figures, kept in git) and locust's CSV files under var/load/. Not part of `make test`.

    uv run python benchmarks/load.py --users 200 --spawn-rate 20 --seconds 90
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import run as bench

ROOT = bench.ROOT
OUT = ROOT / "var" / "load"
RESULTS = ROOT / "benchmarks" / "load-results.json"


def prepare_data(compounds, category_id: int) -> dict:
    """Logins and the Open311 key for the locust users (the demo's users, password capillary-demo)."""
    from accounts.actors import SystemActor
    from accounts.models import User
    from accounts.roles import Integration, Role
    from compounds.models import Compound, District
    from workorders.models import Category

    district = District.objects.get(code="610116")
    integration, _ = User.objects.get_or_create(
        username="load-open311",
        defaults={"role": Role.INTEGRATION, "integration": Integration.OPEN311, "district": district},
    )
    from accounts import apikeys

    _, key = apikeys.api_key_issue(
        actor=SystemActor(name="load", district_id=district.pk), user=integration, name="load run"
    )
    users = User.objects.filter(district=district, is_active=True)
    return {
        "compounds": [token for token, _ in compounds],
        "compound_codes": list(Compound.objects.filter(district=district).values_list("code", flat=True)[:200]),
        "category": category_id,
        "service_code": Category.objects.get(pk=category_id).code,
        "jurisdiction": district.code,
        "open311_key": key,
        "password": "capillary-demo",
        "grid_workers": list(users.filter(role=Role.GRID_WORKER).values_list("username", flat=True)[:50]),
        "street_staff": list(users.filter(role=Role.STREET_STAFF).values_list("username", flat=True)),
    }


def locust_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    keep = ("Name", "Request Count", "Failure Count", "Median Response Time", "95%", "99%", "Max Response Time",
            "Requests/s")  # fmt: skip
    return [{k: row[k] for k in keep} for row in rows]


def locust_exceptions(prefix: Path) -> int:
    """How many times a user's task raised (locust's exceptions file: one row per distinct error, with a count)."""
    path = Path(f"{prefix}_exceptions.csv")
    if not path.exists():
        return 0
    with open(path, encoding="utf-8") as handle:
        return sum(int(row.get("Count") or 0) for row in csv.DictReader(handle))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200, help="simulated users (default 200)")
    parser.add_argument("--spawn-rate", type=float, default=20, help="users started per second (default 20)")
    parser.add_argument("--seconds", type=int, default=90, help="length of the run (default 90; at most 300)")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="Celery worker processes (default 2)")
    parser.add_argument("--note", default="", help="a note stored with the figures (e.g. the machine was shared)")
    args = parser.parse_args()
    seconds = min(args.seconds, 300)

    run = f"load-{os.getpid()}-{int(time.time())}"
    base_url = bench.base_database_url()
    database = f"capillary_load_{os.getpid()}"
    env = {
        **os.environ,
        "DATABASE_URL": bench.with_database(base_url, database),
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "CAPILLARY_BENCH_RUN": run,
        "PYTHONPATH": str(ROOT),
    }
    children = bench.Children()
    bench.admin_sql(base_url, f'CREATE DATABASE "{database}"')
    bench.say(f"throwaway database {database}")
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--run-syncdb", "-v", "0"], env=env, check=True)
        bench.setup_django(env)
        compounds, category_id = bench.seed()
        data_path, counts_path = OUT / "data.json", OUT / "counts.json"
        data_path.write_text(json.dumps(prepare_data(compounds, category_id), ensure_ascii=False))
        from workorders.models import WorkOrder

        before = WorkOrder.objects.count()
        port = bench.free_port()
        children.start(
            "web",
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"{bench.HOST}:{port}",
             "-w", str(args.web_workers), "--timeout", "60", "--graceful-timeout", "5"],
            env,
        )  # fmt: skip
        children.start(
            "worker",
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", bench.worker_queues(),
             "-c", str(args.worker_concurrency), "-n", f"{run}@%h", "-l", "WARNING",
             "--without-gossip", "--without-mingle"],
            env,
        )  # fmt: skip
        bench.wait_http(port, "/healthz?quick=1", bench.START_TIMEOUT)
        bench.wait_worker(bench.START_TIMEOUT)
        bench.say(f"locust: {args.users} users for {seconds} s against http://{bench.HOST}:{port}")
        started = datetime.now(UTC)
        locust = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "locustfile.py"), "--headless",
             "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{seconds}s", "--stop-timeout", "10",
             "--host", f"http://{bench.HOST}:{port}", "--csv", str(OUT / "locust"), "--only-summary"],
            env={**env, "CAPILLARY_LOAD_DATA": str(data_path), "CAPILLARY_LOAD_COUNTS": str(counts_path)},
            check=False,
        )  # fmt: skip
        counts = json.loads(counts_path.read_text())
        accepted = sum(counts["accepted"].values())
        filed = WorkOrder.objects.count() - before
        # The worker drains what the run filed: wait while it makes progress (a minute without one is a
        # stall, and what is left then is reported as unrouted), at most 15 minutes.
        unrouted = WorkOrder.objects.filter(routed_at__isnull=True)
        drain_started = time.monotonic()
        left, progressed = unrouted.count(), time.monotonic()
        while left and time.monotonic() - progressed < 60 and time.monotonic() - drain_started < 900:
            time.sleep(2)
            now_left = unrouted.count()
            if now_left < left:
                progressed = time.monotonic()
            left = now_left
        drained_seconds = round(time.monotonic() - drain_started, 1)
        stats = locust_stats(OUT / "locust")
        total = next((row for row in stats if row["Name"] == "Aggregated"), {})
        exceptions = locust_exceptions(OUT / "locust")
        refused = sum(counts["refused"].values())
        results = {
            "when": started.isoformat(timespec="seconds"),
            "note": args.note,
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
            "broker": "redis" if os.environ.get("REDIS_URL") else "filesystem",
            "parameters": {**vars(args), "seconds": seconds},
            "requests": int(total.get("Request Count", 0)),
            "errors": int(total.get("Failure Count", 0)),
            # a user's task that raised (locust counts it apart from the requests' failures)
            "exceptions": exceptions,
            "locust_exit_code": locust.returncode,
            # every answer that was not a success: the errors and the rate limit's refusals (429)
            "non_success_answers": int(total.get("Failure Count", 0)) + refused,
            "filings_accepted": counts["accepted"],
            "filings_refused_by_rate_limit": counts["refused"],
            "orders_in_database": filed,
            "orders_equal_filings_accepted": filed == accepted,
            "orders_unrouted_at_the_end": left,
            "seconds_to_route_the_rest_after_the_run": drained_seconds if not left else None,
            "by_request": stats,
        }
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        bench.say(
            f"{results['requests']} requests, {results['errors']} errors, {exceptions} exceptions, {refused} refused "
            f"(429); filings accepted {accepted}, orders "
            f"{filed}, unrouted {left} (the rest routed {drained_seconds} s after the run); "
            f"written {RESULTS.relative_to(ROOT)}"
        )
        ok = results["errors"] == 0 and exceptions == 0 and filed == accepted
        return 0 if ok and not left else 1
    finally:
        children.stop()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        bench.admin_sql(base_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        bench.say(f"dropped database {database}")


if __name__ == "__main__":
    sys.exit(main())
