import pytest


@pytest.mark.django_db
def test_health_endpoint_answers_without_login_and_reports_each_part(client):
    # when a load balancer (or docker compose) polls the endpoint, signed out (no worker runs in this test)
    response = client.get("/healthz")

    # then the site is up (its database answers), and the broker and the workers are reported on their own
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok" and body["broker"] == "ok"
    assert body["workers"] == "unavailable" and body["worker_nodes"] == []
    assert body["status"] == "degraded"
    assert "no-cache" in response["Cache-Control"]
    assert set(body) == {"status", "database", "broker", "workers", "worker_nodes"}  # nothing about any tenant


@pytest.mark.django_db
def test_the_quick_probe_checks_the_database_only(client):
    response = client.get("/healthz?quick=1")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}


def test_the_container_probe_uses_the_quick_check():
    from config import health

    assert "quick=1" in health.probe.__defaults__[0]


@pytest.mark.django_db
def test_a_flood_of_health_checks_pings_the_workers_once_per_interval(client, monkeypatch):
    # given the ping that the full check broadcasts to every worker, counted (no worker runs in this test)
    from config import health
    from config.celery import app

    pings = []
    real_ping = app.control.ping

    def counted(*args, **kwargs):
        pings.append(kwargs)
        return real_ping(*args, **kwargs)

    monkeypatch.setattr(app.control, "ping", counted)
    # when anyone asks /healthz ten times in a row
    bodies = [client.get("/healthz").json() for _ in range(10)]
    # then the workers were pinged once, and each answer reports what that ping found
    assert len(pings) == 1
    assert all(body["workers"] == "unavailable" and body["status"] == "degraded" for body in bodies)
    # and once the interval is over (its reading gone from the cache), the next check pings again
    from django.core.cache import cache

    cache.delete(health.WORKERS_KEY)
    client.get("/healthz")
    assert len(pings) == 2
