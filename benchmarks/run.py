"""`make bench`: how many orders the intake path takes per second, and how long a filed order waits for its
first handler with a real Celery worker, beside a bare Django insert endpoint measured in the same run.

What it does (everything local: traffic only to 127.0.0.1, every loop bounded by a count and a time):
1. Creates a throwaway database on the PostgreSQL server of DATABASE_URL (or the embedded server when it is
   unset), migrates it with benchmarks.settings and builds the demo district (长安区: 400 compounds,
   129 property firms, users for every role) with the seeded categories.
2. Starts gunicorn on a free 127.0.0.1 port and a Celery worker (queues default and reports) on the broker of
   REDIS_URL (its own key prefix) or the filesystem broker, both with benchmarks.settings.
3. Measures, with N concurrent HTTP clients (threads, one keep-alive connection each, client i from its own
   loopback address 127.0.0.(10+i)), in --rounds interleaved rounds whose order alternates (yardstick then
   intake, intake then yardstick, …) so that both see the same machine:
   - yardstick: POST /bench/insert/ (a view that only inserts one row),
   - intake: POST the public QR page (码上反馈) of the compounds in turn, as residents' phones do: each post
     with a fresh one-time form token (a uuid4 hex, as the rendered page carries, accounts.onetime), so the
     exactly-once bookkeeping of issue 11 is on the measured path (at most 4 orders per client and compound,
     under the page's own rate limit),
   the worker running throughout. Before each phase the rate-limit counters are reset (the run's own cache
   namespace) and the previous phase's routing has drained. Every answer that is not a success is counted
   by status (0 = connection error) and reported. Per phase: requests per second, latencies, and the CPU time
   of the web server, the worker and the database server (every backend, and the server's own work) per
   request. For intake also the time from filing (created_at) to assignment by the worker (routed_at) and the
   rate "filed and routed": orders over the time from the phase's start to the last assignment.
   At the end, orders filed one at a time on an idle worker (the routing lag without queueing).
4. Prints a table and writes var/bench/results.json; stops what it started and drops the database
   (--keep-db keeps it).

    uv run python benchmarks/run.py --clients 8 --rounds 3 --orders 400 --inserts 2000 --seconds 60
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

HOST = "127.0.0.1"
RESULTS = ROOT / "var" / "bench" / "results.json"
LOGS = ROOT / "var" / "bench"
PER_COMPOUND = 4  # under the QR page's rate limit per client address and compound (settings.RATE_LIMITS["qr-filing"])
CLK_TCK = os.sysconf("SC_CLK_TCK")
START_TIMEOUT = 90


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# ---------------------------------------------------------------------------------------------------- setup


def base_database_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from config import embedded

    return embedded.database_url()


def with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def admin_sql(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(statement)


def create_database(base_url: str, database: str) -> None:
    """The throwaway database: a copy of DATABASE_URL's (migrated) database when it is free to be a template
    (then migrate has little left to do), else an empty one."""
    import psycopg

    template = urllib.parse.urlsplit(base_url).path.lstrip("/")
    try:
        admin_sql(base_url, f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
        say(f"throwaway database {database} (a copy of {template})")
    except psycopg.Error:
        admin_sql(base_url, f'CREATE DATABASE "{database}"')
        say(f"throwaway database {database}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Children:
    """Processes this run started, each the leader of its own process group (stopped by their ids)."""

    def __init__(self) -> None:
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        LOGS.mkdir(parents=True, exist_ok=True)
        log = open(LOGS / f"{name}.log", "wb")  # noqa: SIM115 - the child keeps it open
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        self.processes[name] = process
        say(f"started {name} (pid {process.pid}, log {LOGS / (name + '.log')})")
        return process

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            with contextlib.suppress(ProcessLookupError):  # the worker's pool processes share the group
                os.killpg(process.pid, signal.SIGKILL)


def wait_http(port: int, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server on port {port} did not answer {path} within {timeout} s")


def wait_worker(timeout: float) -> None:
    from config.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1.0):
            return
    raise RuntimeError("the Celery worker did not answer a ping")


# ---------------------------------------------------------------------------------------------------- load


class Client:
    """One resident's (or one script's) HTTP/1.1 keep-alive connection to the server."""

    def __init__(self, port: int, source: str | None = None) -> None:
        self.port = port
        self.source = (source, 0) if source else None
        self.connection = self.connect()
        self.cookies: dict[str, str] = {}

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(HOST, self.port, timeout=30, source_address=self.source)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = {"Host": f"{HOST}:{self.port}"}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = self.connect()
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content


def run_load(*, port: int, clients: int, total: int, seconds: float, make_request, prepare=None) -> dict:
    """`clients` threads share a counter of `total` requests and stop at `seconds`; each request is
    make_request(client, n) → (status, body) and counts as done when `ok(status)`."""
    lock = threading.Lock()
    state = {"next": 0, "ok": 0, "failed": 0, "statuses": {}}
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        client = Client(port, source=client_address(index))
        if prepare:
            prepare(client)
        while time.monotonic() < deadline:
            with lock:
                n = state["next"]
                if n >= total:
                    return
                state["next"] += 1
            started = time.perf_counter()
            try:
                status, _ = make_request(client, n)
            except OSError:
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                state["statuses"][status] = state["statuses"].get(status, 0) + 1
                if status in (201, 302):
                    state["ok"] += 1
                    latencies.append(elapsed)
                else:
                    state["failed"] += 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    wall = time.perf_counter() - started
    return {
        "requests_ok": state["ok"],
        "requests_failed": state["failed"],
        "statuses": {str(k): v for k, v in sorted(state["statuses"].items())},
        "seconds": round(wall, 3),
        "per_second": round(state["ok"] / wall, 1) if wall else None,
        "latency_ms": summary([x * 1000 for x in latencies]),
    }


def client_address(index: int) -> str:
    """Client `index`'s own loopback address (the rate limits count per address, as for real residents)."""
    return f"127.0.0.{10 + index % 240}"


def summary(values: list[float]) -> dict:
    if not values:
        return {"n": 0, "median": None, "p95": None, "max": None}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "n": len(ordered),
        "median": round(statistics.median(ordered), 1),
        "p95": round(p95, 1),
        "max": round(ordered[-1], 1),
    }


# ---------------------------------------------------------------------------------------------------- phases


def setup_django(env: dict) -> None:
    os.environ.update(env)
    import django

    django.setup()


def seed() -> tuple[list[tuple[str, int]], int]:
    """The demo district and its categories: (public_token, compound id) of every compound, and the
    category the residents choose (楼道堆物)."""
    from accounts.actors import SystemActor
    from compounds.demo import demo_build
    from compounds.models import Compound
    from workorders.services import categories_seed

    summary_ = demo_build()
    categories = {
        c.code: c for c in categories_seed(actor=SystemActor(name="benchmark:seed"), district=summary_.district)
    }
    compounds = list(
        Compound.objects.filter(district=summary_.district).order_by("code").values_list("public_token", "pk")
    )
    return compounds, categories["corridor-clutter"].pk


def intake_request(compounds: list[tuple[str, int]], category_id: int, tag: str):
    def make(client: Client, n: int) -> tuple[int, bytes]:
        token, _ = compounds[n % len(compounds)]
        body = {
            "category": category_id,
            "description": f"{tag} {n}号：3号楼2单元楼道堆满纸箱和旧家具，堵住了消防通道，请尽快处理",
            "reporter_phone": f"138{n % 100000000:08d}",
            "form_token": uuid.uuid4().hex,  # the page's one-time token: a phone posts with one
        }
        return client.request("POST", f"/q/{token}/report/", body)

    return make


def prepare_intake(compounds: list[tuple[str, int]]):
    def prepare(client: Client) -> None:
        client.request("GET", f"/q/{compounds[0][0]}/report/")  # the csrftoken cookie, as a browser gets it

    return prepare


def routing_lags(tag: str, *, timeout: float) -> dict:
    """created_at → routed_at of the orders whose description starts with `tag`, once all are routed (or
    `timeout` has passed: the unrouted ones are counted), and how many batches the router routed them in (a batch
    marks its outbox rows done at one moment: workorders.tasks.route_batch)."""
    from django.db.models import Max

    from workorders.models import OutboxMessage, WorkOrder
    from workorders.tasks import route_work_order_task

    orders = WorkOrder.objects.filter(description__startswith=f"{tag} ")
    deadline = time.monotonic() + timeout
    while orders.filter(routed_at__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(0.25)
    rows = list(orders.filter(routed_at__isnull=False).values_list("created_at", "routed_at"))
    lags = [(routed - created).total_seconds() * 1000 for created, routed in rows]
    last = orders.aggregate(filed=Max("created_at"), routed=Max("routed_at"))
    drain = (last["routed"] - last["filed"]).total_seconds() if last["routed"] and last["filed"] else None
    return {
        "orders": orders.count(),
        "routed": len(rows),
        "unrouted": orders.filter(routed_at__isnull=True).count(),
        "lag_ms": summary(lags),
        "drain_seconds_after_last_filed": round(drain, 2) if drain is not None else None,
        "router_batches": OutboxMessage.objects.filter(
            order__in=orders, task=route_work_order_task.name, done_at__isnull=False
        )
        .values("done_at")
        .distinct()
        .count(),
    }


def sequential_intake(port: int, compounds, category_id: int, count: int, tag: str, timeout: float) -> dict:
    """File `count` orders one at a time, each after the previous one is routed (an idle worker)."""
    from workorders.models import WorkOrder

    client = Client(port, source=client_address(239))
    prepare_intake(compounds)(client)
    make = intake_request(compounds, category_id, tag)
    statuses: dict[str, int] = {}
    deadline = time.monotonic() + timeout
    for n in range(count):
        if time.monotonic() > deadline:
            break
        try:
            status, _ = make(client, len(compounds) - 1 - n)  # compounds the burst used least
        except OSError:
            status = 0
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        if status != 302:
            continue
        while time.monotonic() < deadline:
            latest = WorkOrder.objects.filter(description__startswith=f"{tag} ").order_by("-pk").first()
            if latest is not None and latest.routed_at is not None:
                break
            time.sleep(0.05)
    return {**routing_lags(tag, timeout=max(1.0, deadline - time.monotonic())), "statuses": statuses}


# ---------------------------------------------------------------------------------------------------- fairness


def reset_rate_limits(run: str) -> int:
    """Forget every rate-limit counter of this run (the cache namespace benchmarks.settings gives it), so that
    a phase never inherits the previous phase's (or a previous run's) counts."""
    from django.core.cache import cache

    client = getattr(cache, "_cache", None)
    if client is not None and hasattr(client, "get_client"):  # Redis: only this run's keys
        redis = client.get_client(write=True)
        keys = list(redis.scan_iter(match=f"capillary-bench-{run}:*", count=1000))
        if keys:
            redis.delete(*keys)
        return len(keys)
    cache.clear()  # the run's own file cache
    return 0


def wait_drained(timeout: float) -> int:
    """Wait until every filed order is routed (the previous phase's work no longer competes): unrouted left."""
    from workorders.models import WorkOrder

    deadline = time.monotonic() + timeout
    while (left := WorkOrder.objects.filter(routed_at__isnull=True).count()) and time.monotonic() < deadline:
        time.sleep(0.25)
    return left


def group_cpu(leader: int) -> float:
    """CPU seconds (user + system) of every live process in the process group `leader` leads."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == leader:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLK_TCK


def _stat(pid: int | str) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of one live process on this machine (a PostgreSQL backend, say)."""
    fields = _stat(pid)
    if fields is None:
        raise ProcessLookupError(pid)
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def server_cpu() -> float | None:
    """CPU seconds (user + system) of the whole PostgreSQL server: the postmaster, its live processes (backends,
    autovacuum, WAL writer…) and the processes it has reaped (its children's times, which the kernel adds to the
    postmaster when a backend exits) — so a connection that closed during a phase is counted too. Exact on a
    server of the benchmark's own (the embedded one `make bench` starts); on a shared server it also counts the
    others' work. None when the server is not on this machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    fields = _stat(backend)
    if fields is None:
        return None
    postmaster = fields[1]  # ppid
    own = _stat(postmaster)
    if own is None:
        return None
    total = sum(int(x) for x in own[11:15])  # utime, stime, cutime, cstime
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and (child := _stat(entry.name)) is not None and child[1] == postmaster:
            total += int(child[11]) + int(child[12])
    return total / CLK_TCK


class Cpu:
    """CPU seconds of the web server, the worker and the database server over one phase (server_cpu: every
    backend, those that closed during the phase included, and the server's own background work)."""

    def __init__(self, children: Children) -> None:
        self.children = children

    def sample(self) -> dict[str, float | None]:
        return {
            "web": group_cpu(self.children.processes["web"].pid),
            "worker": group_cpu(self.children.processes["worker"].pid),
            "database": server_cpu(),
        }

    @staticmethod
    def per_request(before: dict, after: dict, requests: int) -> dict:
        spent = {k: after[k] - before[k] for k in ("web", "worker", "database") if after[k] is not None}
        return {k: round(v * 1000 / requests, 2) if requests else None for k, v in spent.items()}


# ---------------------------------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients (default 8)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of yardstick and intake (default 3)")
    parser.add_argument("--orders", type=int, default=400, help="orders filed per intake phase (default 400)")
    parser.add_argument("--inserts", type=int, default=2000, help="requests per yardstick phase (default 2000)")
    parser.add_argument("--seconds", type=float, default=60, help="time limit of each load phase (default 60)")
    parser.add_argument("--sequential", type=int, default=20, help="orders filed one at a time (default 20)")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="Celery worker processes (default 2)")
    parser.add_argument("--keep-db", action="store_true", help="keep the throwaway database")
    args = parser.parse_args()

    run = f"{os.getpid()}-{int(time.time())}"
    base_url = base_database_url()
    database = f"capillary_bench_{os.getpid()}"
    bench_url = with_database(base_url, database)
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "CAPILLARY_BENCH_RUN": run,
        "PYTHONPATH": str(ROOT),
    }
    children = Children()
    create_database(base_url, database)
    try:
        started = time.perf_counter()
        subprocess.run([sys.executable, "manage.py", "migrate", "--run-syncdb", "-v", "0"], env=env, check=True)
        setup_django(env)
        compounds, category_id = seed()
        say(f"migrated and seeded in {time.perf_counter() - started:.1f} s: {len(compounds)} compounds")
        orders = min(args.orders, PER_COMPOUND * len(compounds))

        port = free_port()
        children.start(
            "web",
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"{HOST}:{port}",
             "-w", str(args.web_workers), "--timeout", "60", "--graceful-timeout", "5"],
            env,
        )  # fmt: skip
        children.start(
            "worker",
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", worker_queues(),
             "-c", str(args.worker_concurrency), "-n", f"bench-{run}@%h", "-l", "WARNING",
             "--without-gossip", "--without-mingle"],
            env,
        )  # fmt: skip
        wait_http(port, "/healthz", START_TIMEOUT)
        wait_worker(START_TIMEOUT)
        say(f"server on http://{HOST}:{port}, worker ready")
        cpu = Cpu(children)

        # warm every gunicorn worker (URLconf, connections) and the intake path (templates, forms, the broker)
        warm_up = [
            run_load(
                port=port, clients=args.clients, total=args.clients * 4, seconds=20,
                make_request=lambda c, n: c.request("POST", "/bench/insert/", {"payload": f"warm {n}"}),
            ),
            run_load(
                port=port, clients=args.web_workers, total=args.web_workers * 2, seconds=20,
                make_request=intake_request(list(reversed(compounds)), category_id, "WARM"),
                prepare=prepare_intake(compounds),
            ),
        ]  # fmt: skip

        rounds = []
        for r in range(args.rounds):
            order = ("yardstick", "intake") if r % 2 == 0 else ("intake", "yardstick")
            this = {"round": r + 1, "order": list(order)}
            for phase in order:
                this["unrouted_before"] = wait_drained(timeout=max(30.0, args.seconds))
                reset_rate_limits(run)
                before = cpu.sample()
                if phase == "yardstick":
                    say(f"round {r + 1}: yardstick, {args.inserts} inserts, {args.clients} clients")
                    result = run_load(
                        port=port, clients=args.clients, total=args.inserts, seconds=args.seconds,
                        make_request=lambda c, n: c.request("POST", "/bench/insert/", {"payload": f"row {n}"}),
                    )  # fmt: skip
                    result["cpu_ms_per_request"] = cpu.per_request(before, cpu.sample(), result["requests_ok"])
                else:
                    tag = f"BURST{r + 1}"
                    say(f"round {r + 1}: intake, {orders} orders through the QR page, {args.clients} clients")
                    phase_started = datetime.now(UTC)
                    result = run_load(
                        port=port, clients=args.clients, total=orders, seconds=args.seconds,
                        make_request=intake_request(compounds, category_id, tag), prepare=prepare_intake(compounds),
                    )  # fmt: skip
                    result["routing"] = routing_lags(tag, timeout=max(30.0, args.seconds))
                    result["cpu_ms_per_request"] = cpu.per_request(before, cpu.sample(), result["requests_ok"])
                    result["filed_and_routed_per_second"] = filed_and_routed_rate(tag, phase_started)
                this[phase] = result
            y, i = this["yardstick"], this["intake"]
            this["intake_vs_yardstick"] = ratio(i["per_second"], y["per_second"])
            this["filed_and_routed_vs_yardstick"] = ratio(i["filed_and_routed_per_second"], y["per_second"])
            rounds.append(this)

        wait_drained(timeout=max(30.0, args.seconds))
        reset_rate_limits(run)
        say(f"filing → assignment on an idle worker: {args.sequential} orders one at a time")
        idle = sequential_intake(port, compounds, category_id, args.sequential, "IDLE", timeout=args.seconds)

        results = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": "make bench" + (f" BENCH_ARGS='{' '.join(sys.argv[1:])}'" if sys.argv[1:] else ""),
            "machine": {
                "python": platform.python_version(),
                "nproc": os.cpu_count(),
                "platform": platform.platform(),
                "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            },
            "broker": "redis" if os.environ.get("REDIS_URL") else "filesystem",
            "parameters": {**vars(args), "orders_per_phase": orders, "compounds": len(compounds)},
            "warm_up_statuses": [w["statuses"] for w in warm_up],
            "rounds": rounds,
            "intake_vs_yardstick_median": median([r["intake_vs_yardstick"] for r in rounds]),
            "filed_and_routed_vs_yardstick_median": median([r["filed_and_routed_vs_yardstick"] for r in rounds]),
            "non_success": non_success(rounds, idle),
            "filing_to_assignment_idle": idle,
        }
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        print_table(results)
        from benchmarks import results as results_md

        results_md.update("bench", results_md.bench_section(results))
        say(f"written {RESULTS.relative_to(ROOT)} and benchmarks/RESULTS.md")
        return 0
    finally:
        children.stop()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if args.keep_db:
            say(f"kept database {database}")
        else:
            admin_sql(base_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            say(f"dropped database {database}")


def worker_queues() -> str:
    """Every queue the settings route a task to (the worker of `make bench` does all the work)."""
    from config.settings import base

    queues = {"default", *(route["queue"] for route in base.CELERY_TASK_ROUTES.values())}
    return ",".join(sorted(queues))


def filed_and_routed_rate(tag: str, phase_started: datetime) -> float | None:
    """Orders of the phase over the time from its start to its last assignment (the worker's part included)."""
    from django.db.models import Count, Max

    from workorders.models import WorkOrder

    done = WorkOrder.objects.filter(description__startswith=f"{tag} ", routed_at__isnull=False).aggregate(
        n=Count("pk"), last=Max("routed_at")
    )
    if not done["n"]:
        return None
    return round(done["n"] / (done["last"] - phase_started).total_seconds(), 1)


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


def non_success(rounds: list[dict], idle: dict) -> dict:
    """Every answer that was not a success, by phase and status (0: the connection failed)."""
    counts: dict[str, dict[str, int]] = {}
    for r in rounds:
        for phase in ("yardstick", "intake"):
            for status, n in r[phase]["statuses"].items():
                if status not in ("201", "302"):
                    counts.setdefault(phase, {}).setdefault(status, 0)
                    counts[phase][status] += n
    for status, n in idle["statuses"].items():
        if status != "302":
            counts.setdefault("idle", {})[status] = n
    return counts


def print_table(results: dict) -> None:
    rows = [("round", "measure", "ok", "per second", "median ms", "p95 ms", "max ms", "CPU ms web/worker/db")]
    for r in results["rounds"]:
        y, i = r["yardstick"], r["intake"]
        b = i["routing"]
        for name, m in (("bare Django insert (yardstick)", y), ("intake: QR page POST (码上反馈)", i)):
            c = m["cpu_ms_per_request"]
            rows.append(
                (r["round"], name, m["requests_ok"], m["per_second"], *_lat(m["latency_ms"]),
                 f"{c['web']}/{c['worker']}/{c.get('database', '-')}")
            )  # fmt: skip
        rows.append(
            (r["round"], "filing → assignment, burst", f"{b['routed']}/{b['orders']}",
             i["filed_and_routed_per_second"], *_lat(b["lag_ms"]), f"{b.get('router_batches', '-')} router batches")
        )  # fmt: skip
    s = results["filing_to_assignment_idle"]
    rows.append(("", "filing → assignment, idle worker", f"{s['routed']}/{s['orders']}", "", *_lat(s["lag_ms"]), ""))
    widths = [max(_width(str(row[c])) for row in rows) for c in range(len(rows[0]))]
    for n, row in enumerate(rows):
        cells = [str(cell) + " " * (widths[c] - _width(str(cell))) for c, cell in enumerate(row)]
        print("  ".join(cells))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print(
        f"intake / yardstick (median of rounds): {results['intake_vs_yardstick_median']}; "
        f"filed and routed / yardstick: {results['filed_and_routed_vs_yardstick_median']}; "
        f"non-success answers: {results['non_success'] or 'none'}; broker: {results['broker']}; "
        f"load average at the end: {results['machine']['load_average_at_end']} on {results['machine']['nproc']} CPUs"
    )


def _lat(latency: dict) -> tuple:
    return latency["median"], latency["p95"], latency["max"]


def _width(text: str) -> int:
    return sum(2 if re.match(r"[\u3000-\u9fff\uff00-\uffef]", ch) else 1 for ch in text)


if __name__ == "__main__":
    sys.exit(main())
