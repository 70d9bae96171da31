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
