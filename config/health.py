"""The health endpoint that docker compose (and any load balancer) polls: /healthz.

It reports, each on its own line, the database (a `SELECT 1`), the broker (a connection to it) and the workers'
heartbeat (a Celery ping answered by at least one worker within a second):

    {"status": "ok", "database": "ok", "broker": "ok", "workers": "ok", "worker_nodes": ["celery@web1"]}

The status code follows the database alone: 200 when it answers, 503 when it does not — the web can serve pages
without a broker (filings wait in the outbox, workorders.outbox) but not without its database, so a load
balancer should only take the web out for the latter. A broker or workers that are down show as "unavailable"
and make `status` "degraded". It reveals nothing about any tenant, so it needs no login. `?quick=1` checks the
database only (for frequent probes). The workers' answer is kept in the cache for WORKERS_TTL seconds: the
endpoint needs no login, and each full check broadcasts a ping to every worker, so a flood of requests would
otherwise reach the workers as a flood of pings (at most one per WORKERS_TTL now, whatever the traffic).
`python -m config.health` is the probe the web container's health check runs: it calls the endpoint on
127.0.0.1:8000 with a Host header the settings allow.
"""

import contextlib
import os
import sys

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

CHECK_TIMEOUT = 1.0  # seconds, for the broker and for the workers' answer
WORKERS_TTL = 5  # seconds for which the workers' answer is reused
WORKERS_KEY = "healthz:worker-nodes"


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return "unavailable"
    return "ok"


def broker_state() -> str:
    from config.celery import app

    try:
        with app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT)
    except Exception:
        return "unavailable"
    return "ok"


def worker_nodes() -> list[str]:
    """The workers that answered a ping (their heartbeat) within CHECK_TIMEOUT; the first answer is enough. The
    answer is reused for WORKERS_TTL seconds (from the cache that every web process shares), and read afresh when
    the cache cannot be reached."""
    try:
        nodes = cache.get(WORKERS_KEY)
    except Exception:
        nodes = None
    if nodes is None:
        nodes = _ping_workers()
        with contextlib.suppress(Exception):  # an unreachable cache: the next check pings again
            cache.set(WORKERS_KEY, nodes, WORKERS_TTL)
    return nodes


def _ping_workers() -> list[str]:
    from config.celery import app

    try:
        replies = app.control.ping(timeout=CHECK_TIMEOUT, limit=1) or []
    except Exception:
        return []
    return sorted(node for reply in replies for node in reply)


@require_safe
@never_cache
def healthz(request):
    database = database_state()
    body = {"status": "ok" if database == "ok" else "error", "database": database}
    if request.GET.get("quick") != "1":
        broker = broker_state()
        nodes = worker_nodes() if broker == "ok" else []
        body |= {"broker": broker, "workers": "ok" if nodes else "unavailable", "worker_nodes": nodes}
        if database == "ok" and (broker != "ok" or not nodes):
            body["status"] = "degraded"
    return JsonResponse(body, status=200 if database == "ok" else 503)


urlpatterns = [path("healthz", healthz, name="healthz")]


def probe(url: str = "http://127.0.0.1:8000/healthz?quick=1") -> int:
    import urllib.request

    hosts = [h.strip().lstrip(".") for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h for h in hosts if h != "*"), "localhost")
    request = urllib.request.Request(url, headers={"Host": host, "X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=8) as response:
            return 0 if response.status == 200 else 1
    except OSError as error:
        print(f"healthz: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(probe(*sys.argv[1:]))
