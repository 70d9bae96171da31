"""`make bench-pages DATABASE=capillary_city_<orders>`: the pages and API calls issue 12 measures, timed in process
on a city loaded by `make bench-city`, as the application role (row-level security holds, as in production).

Each request is made once to warm the caches, then --runs times; the figure is the median wall time and the
statements it ran. The district is the city's busiest (most orders); the users are its district official and
the staff of its busiest street; the order page opens the district's newest order. The KPI figures are asked
for the last whole month and for the last 365 days (the API's range). The figures go to
var/bench/pages-<orders>.json and to benchmarks/RESULTS.md (with the ratio to the 100 k figures when both are
there).

    uv run python benchmarks/pages.py --database capillary_city_100000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
OUT = ROOT / "var" / "bench"


def app_url(base_url: str, database: str, role: str = "capillary_app") -> str:
    parts = urllib.parse.urlsplit(base_url)
    host = parts.hostname or "127.0.0.1"
    port = f":{parts.port}" if parts.port else ""
    return urllib.parse.urlunsplit((parts.scheme, f"{role}@{host}{port}", f"/{database}", "", ""))


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="a city database (capillary_city_<orders>)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per request (default 5)")
    args = parser.parse_args()

    base = os.environ.get("DATABASE_OWNER_URL") or os.environ.get("DATABASE_URL") or "postgresql://root@127.0.0.1"
    # Set up (the users, the API keys) as the owner; the timed requests then connect as the application role.
    os.environ["DATABASE_URL"] = app_url(base, args.database, role=urllib.parse.urlsplit(base).username or "root")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("CAPILLARY_RATELIMIT_ENABLED", "0")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from accounts.actors import SystemActor
    from accounts.apikeys import api_key_issue
    from accounts.models import Integration, Role, User
    from accounts.rls import create_app_role, grant_app_role
    from workorders.models import WorkOrder

    orders = WorkOrder.objects.count()
    district_id = (WorkOrder.objects.order_by().values_list("district_id").annotate(n=Count("pk"))).order_by("-n")[0][0]
    street_id = (
        WorkOrder.objects.filter(district_id=district_id)
        .order_by()
        .values_list("street_id")
        .annotate(n=Count("pk"))
        .order_by("-n")[0][0]
    )
    official = User.objects.filter(role=Role.DISTRICT_OFFICIAL, district_id=district_id, is_active=True).first()
    street_staff = User.objects.filter(role=Role.STREET_STAFF, street_id=street_id, is_active=True).first()
    newest = WorkOrder.objects.filter(district_id=district_id).order_by("-created_at").first()
    integration, _ = User.objects.get_or_create(
        username=f"bench-open311-{district_id}",
        defaults={"role": Role.INTEGRATION, "integration": Integration.OPEN311, "district_id": district_id},
    )
    open311_key = api_key_issue(actor=SystemActor(name="bench"), user=integration, name="bench", days=1)[1]
    official_key = api_key_issue(actor=SystemActor(name="bench"), user=official, name="bench", days=1)[1]

    # Signed in as the owner (a sign-in writes the user's last login outside any request's scope).
    def page(user):
        client = Client()
        client.force_login(user)
        return lambda path, params=None: client.get(path, params or {})

    def api(key: str):
        client = Client(HTTP_AUTHORIZATION=f"Token {key}")
        return lambda path, params=None: client.get(path, params or {})

    def open311(path, params=None):
        return Client().get(path, {"api_key": open311_key, **(params or {})})

    as_official, as_street, as_api = page(official), page(street_staff), api(official_key)

    # The application role and its rights: a city loaded on a machine where the role did not exist yet when its
    # template was migrated has no grants for it (what `migrate` does after every run, accounts.rls).
    create_app_role(connection, login=True)
    grant_app_role(connection)
    connection.close()
    connection.settings_dict["USER"] = "capillary_app"

    today = datetime.now(UTC).date()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    year_start, year_end = today - timedelta(days=365), today + timedelta(days=1)
    a_day = today - timedelta(days=40)
    updates_end = datetime.now(UTC) - timedelta(days=30)

    month = f"{last_month:%Y-%m}"
    requests = [
        ("district home (official)", as_official, "/", None),
        ("street home (street staff)", as_street, "/", None),
        ("queue (official)", as_official, "/workorders/", None),
        ("queue (street staff)", as_street, "/workorders/", None),
        ("order page", as_official, f"/workorders/{newest.pk}/", None),
        ("KPI page, a month by street", as_official, "/workorders/kpis/", {"month": month}),
        ("KPI page, a month by compound", as_official, "/workorders/kpis/", {"month": month, "group_by": "compound"}),
        ("KPI page (street staff)", as_street, "/workorders/kpis/", {"month": month}),
        ("KPI API, a month by street", as_api, "/api/v1/work-order-kpis/", {"month": month}),
        (
            "KPI API, a year by street and month",
            as_api,
            "/api/v1/work-order-kpis/",
            {"start": year_start.isoformat(), "end": year_end.isoformat(), "by_month": "true"},
        ),
        (
            "KPI API, a year by compound",
            as_api,
            "/api/v1/work-order-kpis/",
            {"start": year_start.isoformat(), "end": year_end.isoformat(), "group_by": "compound"},
        ),
        ("street ranking API", as_api, "/api/v1/work-order-kpis/street-ranking/", {"month": month}),
        ("order API, first page", as_api, "/api/v1/work-orders/", None),
        (
            "order API by channel and day",
            as_api,
            "/api/v1/work-orders/",
            {"channel": ["hotline_12345", "phone"], "created_after": a_day, "created_before": a_day},
        ),
        (
            "Open311 requests.json, a day",
            open311,
            "/open311/v2/requests.json",
            {"start_date": f"{a_day}T00:00:00+08:00", "end_date": f"{a_day + timedelta(days=1)}T00:00:00+08:00"},
        ),
        (
            "Open311 servicerequestupdates.json, 2 days",
            open311,
            "/open311/v2/servicerequestupdates.json",
            {"start_date": (updates_end - timedelta(days=2)).isoformat(), "end_date": updates_end.isoformat()},
        ),
    ]
    load_before = load_average()
    figures = []
    for name, get, path, params in requests:
        response = get(path, params)
        assert response.status_code == 200, (name, response.status_code, response.content[:500])
        times, statements = [], 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = get(path, params)
                times.append((time.perf_counter() - t0) * 1000)
            statements = len(queries)
            assert response.status_code == 200, (name, response.status_code)
        figures.append({"request": name, "median_ms": round(statistics.median(times), 1), "statements": statements})
        print(f"{name:48} {statistics.median(times):9.1f} ms  {statements:3} statements", flush=True)
    result = {
        "when": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "command": f"make bench-pages DATABASE={args.database}",
        "database": args.database,
        "orders": orders,
        "runs": args.runs,
        "machine": {"nproc": os.cpu_count(), "load_before": load_before, "load_after": load_average()},
        "figures": figures,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"pages-{orders}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    from benchmarks import results as results_md

    results_md.update("pages", results_md.pages_section(sorted(OUT.glob("pages-*.json"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
