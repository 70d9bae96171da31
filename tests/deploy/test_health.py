import pytest


@pytest.mark.django_db
def test_health_endpoint_answers_without_login_when_the_database_answers(client):
    # when a load balancer (or docker compose) polls the endpoint, signed out
    response = client.get("/healthz")

    # then it says the site is up, and nothing more
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
