"""`make bench-peer`: our resident QR filing beside django-helpdesk's public ticket form, on the same machine,
the same server setup (gunicorn, --web-workers workers, PostgreSQL of DATABASE_URL) and the same client loop
(benchmarks/run.py: N threads, one keep-alive connection each, client i from its own address 127.0.0.(10+i)),
in --rounds interleaved rounds whose order alternates. Not a test: figures for benchmarks/RESULTS.md.

- ours: benchmarks/run.py's throwaway database with the demo district, gunicorn and a Celery worker on every
  queue; each post carries a fresh one-time form token as a phone's does (run.py's intake_request); the rate
  "filed and routed" counts an order once the worker has routed it (and notified its handler).
- the peer: django-helpdesk 2.6.x (PyPI) in its own venv, var/peer/venv (made here with uv on first use), its
  own throwaway database, one public queue, its public form /helpdesk/tickets/submit/ (it sends its mail, to
  files, in the request).

    uv run python benchmarks/peer.py --clients 8 --rounds 3 --orders 400

Writes var/bench/peer-results.json; stops what it started and drops both databases.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import run as bench  # noqa: E402

PEER = ROOT / "var" / "peer"
VENV_PYTHON = PEER / "venv" / "bin" / "python"
REQUIREMENTS = ["django-helpdesk>=2.6,<2.7", "gunicorn", "psycopg[binary]"]


def ensure_venv() -> None:
    if VENV_PYTHON.exists():
        return
    bench.say("making var/peer/venv with django-helpdesk 2.6.x (uv)")
    PEER.mkdir(parents=True, exist_ok=True)
    # the uv that runs us (`uv run` names itself in UV); the project's venv has no uv module of its own
    uv = [os.environ["UV"]] if os.environ.get("UV") else [sys.executable, "-m", "uv"]
    interpreter = sys.executable  # the project's Python (3.13): no download
    subprocess.run([*uv, "venv", "-q", str(PEER / "venv"), "--python", interpreter], check=True)
    subprocess.run([*uv, "pip", "install", "-q", "--python", str(VENV_PYTHON), *REQUIREMENTS], check=True)


PEER_SECRET_KEY = secrets.token_urlsafe(50)


def peer_env(url: str) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "VIRTUAL_ENV"))},
        "DJANGO_SETTINGS_MODULE": "settings",
        "PYTHONPATH": str(ROOT / "benchmarks" / "peer"),
        "PEER_DATABASE_URL": url,
        "PEER_VAR": str(PEER),
        # one key for all of the run's processes (gunicorn's workers share sessions and CSRF), none in git
        "PEER_SECRET_KEY": PEER_SECRET_KEY,
    }


def peer_setup(env: dict) -> int:
    """Migrate the peer's database and make its public queue: the queue's id."""
    django = [str(VENV_PYTHON), "-m", "django"]
    subprocess.run([*django, "migrate", "-v", "0"], env=env, check=True, cwd=PEER)
    made = subprocess.run(
        [*django, "shell", "-c",
         "from helpdesk.models import Queue; "
         "q = Queue.objects.create(title='报修', slug='repair', allow_public_submission=True); print(q.pk)"],
        env=env, check=True, cwd=PEER, capture_output=True, text=True,
    )  # fmt: skip
    return int(made.stdout.strip().splitlines()[-1])


def peer_request(queue_id: int):
    def make(client: bench.Client, n: int) -> tuple[int, bytes]:
        body = {
            "queue": queue_id,
            "title": f"PEER {n}号：3号楼2单元楼道堆满纸箱",
            "body": f"PEER {n}号：3号楼2单元楼道堆满纸箱和旧家具，堵住了消防通道，请尽快处理",
            "priority": 3,
            "submitter_email": f"resident{n}@example.org",
            "csrfmiddlewaretoken": client.cookies.get("csrftoken", ""),
        }
        return client.request("POST", "/helpdesk/tickets/submit/", body)

    return make


def peer_prepare(client: bench.Client) -> None:
    client.request("GET", "/helpdesk/tickets/submit/")  # the csrftoken cookie, as a browser gets it


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--orders", type=int, default=400, help="filings per phase, each side (default 400)")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--worker-concurrency", type=int, default=2)
    args = parser.parse_args()

    ensure_venv()
    run = f"{os.getpid()}-{int(time.time())}"
    base_url = bench.base_database_url()
    ours_db, peer_db = f"capillary_bench_{os.getpid()}", f"capillary_peer_{os.getpid()}"
    env = {
        **os.environ,
        "DATABASE_URL": bench.with_database(base_url, ours_db),
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "CAPILLARY_BENCH_RUN": run,
        "PYTHONPATH": str(ROOT),
    }
    penv = peer_env(bench.with_database(base_url, peer_db))
    children = bench.Children()
    bench.create_database(base_url, ours_db)
    bench.admin_sql(base_url, f'CREATE DATABASE "{peer_db}"')
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--run-syncdb", "-v", "0"], env=env, check=True)
        bench.setup_django(env)
        compounds, category_id = bench.seed()
        queue_id = peer_setup(penv)
        orders = min(args.orders, bench.PER_COMPOUND * len(compounds))
        ours_port, peer_port = bench.free_port(), bench.free_port()
        gunicorn = ["-w", str(args.web_workers), "--timeout", "60", "--graceful-timeout", "5"]
        children.start(
            "web", [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"{bench.HOST}:{ours_port}",
                    *gunicorn], env,
        )  # fmt: skip
        children.start(
            "worker",
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", bench.worker_queues(),
             "-c", str(args.worker_concurrency), "-n", f"bench-{run}@%h", "-l", "WARNING",
             "--without-gossip", "--without-mingle"],
            env,
        )  # fmt: skip
        children.start(
            "peer",
            [str(VENV_PYTHON), "-m", "gunicorn", "django.core.wsgi:get_wsgi_application()",
             "-b", f"{bench.HOST}:{peer_port}", *gunicorn],
            {**penv, "PWD": str(PEER)},
        )  # fmt: skip
        bench.wait_http(ours_port, "/healthz", bench.START_TIMEOUT)
        bench.wait_http(peer_port, "/helpdesk/tickets/submit/", bench.START_TIMEOUT)
        bench.wait_worker(bench.START_TIMEOUT)
        bench.say(f"ours on port {ours_port}, django-helpdesk on port {peer_port}")

        ours_request = bench.intake_request(compounds, category_id, "WARM")
        bench.run_load(port=ours_port, clients=args.web_workers, total=args.web_workers * 2, seconds=20,
                       make_request=ours_request, prepare=bench.prepare_intake(list(reversed(compounds))))  # fmt: skip
        bench.run_load(port=peer_port, clients=args.web_workers, total=args.web_workers * 2, seconds=20,
                       make_request=peer_request(queue_id), prepare=peer_prepare)  # fmt: skip

        rounds = []
        for r in range(args.rounds):
            order = ("ours", "peer") if r % 2 == 0 else ("peer", "ours")
            this: dict = {"round": r + 1, "order": list(order)}
            for side in order:
                bench.wait_drained(timeout=max(30.0, args.seconds))
                bench.reset_rate_limits(run)
                leader = children.processes["web" if side == "ours" else "peer"].pid
                worker = children.processes["worker"].pid
                cpu_before = bench.group_cpu(leader), bench.group_cpu(worker), bench.server_cpu()
                bench.say(f"round {r + 1}: {side}, {orders} filings, {args.clients} clients")
                if side == "ours":
                    tag = f"BURST{r + 1}"
                    started = datetime.now(UTC)
                    result = bench.run_load(
                        port=ours_port, clients=args.clients, total=orders, seconds=args.seconds,
                        make_request=bench.intake_request(compounds, category_id, tag),
                        prepare=bench.prepare_intake(compounds),
                    )  # fmt: skip
                    result["routing"] = bench.routing_lags(tag, timeout=max(30.0, args.seconds))
                    result["filed_and_routed_per_second"] = bench.filed_and_routed_rate(tag, started)
                else:
                    result = bench.run_load(
                        port=peer_port, clients=args.clients, total=orders, seconds=args.seconds,
                        make_request=peer_request(queue_id), prepare=peer_prepare,
                    )  # fmt: skip
                ok = result["requests_ok"] or 1
                server = bench.server_cpu()
                result["cpu_ms_per_filing"] = {
                    "web": round((bench.group_cpu(leader) - cpu_before[0]) * 1000 / ok, 2),
                    "worker": round((bench.group_cpu(worker) - cpu_before[1]) * 1000 / ok, 2) if side == "ours" else 0,
                    # the database server's (both databases are on it; the phases run one at a time)
                    "database": round((server - cpu_before[2]) * 1000 / ok, 2) if server is not None else None,
                }
                this[side] = result
            this["ours_vs_peer"] = bench.ratio(this["ours"]["per_second"], this["peer"]["per_second"])
            this["ours_filed_and_routed_vs_peer"] = bench.ratio(
                this["ours"]["filed_and_routed_per_second"], this["peer"]["per_second"]
            )
            rounds.append(this)
        results = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": "make bench-peer" + (f" PEER_ARGS='{' '.join(sys.argv[1:])}'" if sys.argv[1:] else ""),
            "machine": {"nproc": os.cpu_count(), "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
            "parameters": {**vars(args), "filings_per_phase": orders},
            "rounds": rounds,
            "ours_vs_peer_median": bench.median([r["ours_vs_peer"] for r in rounds]),
            "ours_filed_and_routed_vs_peer_median": bench.median([r["ours_filed_and_routed_vs_peer"] for r in rounds]),
        }
        out = bench.RESULTS.parent / "peer-results.json"
        out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        for r in rounds:
            o, p = r["ours"], r["peer"]
            print(
                f"round {r['round']} ({' then '.join(r['order'])}): ours {o['per_second']}/s "
                f"(filed and routed {o['filed_and_routed_per_second']}/s, statuses {o['statuses']}, "
                f"CPU ms {o['cpu_ms_per_filing']}), django-helpdesk {p['per_second']}/s "
                f"(statuses {p['statuses']}, CPU ms {p['cpu_ms_per_filing']}); ours/peer {r['ours_vs_peer']}"
            )
        print(
            f"ours / django-helpdesk (median): {results['ours_vs_peer_median']}; filed and routed / django-helpdesk: "
            f"{results['ours_filed_and_routed_vs_peer_median']}; load {results['machine']['load_average_at_end']}"
        )
        from benchmarks import results as results_md

        results_md.update("peer", results_md.peer_section(results))
        bench.say(f"written {out.relative_to(ROOT)} and benchmarks/RESULTS.md")
        return 0
    finally:
        children.stop()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        for database in (ours_db, peer_db):
            bench.admin_sql(base_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        bench.say(f"dropped {ours_db} and {peer_db}")


if __name__ == "__main__":
    sys.exit(main())
