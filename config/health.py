"""The health endpoint that docker compose (and any load balancer) polls: /healthz.

It answers 200 {"status": "ok"} when the database answers, 503 otherwise. It reveals nothing about any
tenant, so it needs no login. `python -m config.health` is the probe the web container's health check
runs: it calls the endpoint on 127.0.0.1:8000 with a Host header the settings allow.
"""

import os
import sys

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


urlpatterns = [path("healthz", healthz, name="healthz")]


def probe(url: str = "http://127.0.0.1:8000/healthz") -> int:
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
