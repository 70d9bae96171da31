"""docker-compose.yml and the Dockerfile, checked by reading them (no Docker engine runs here)."""

import re

import pytest
import yaml
from django.conf import settings

from tests.deploy.environment import BASE_DIR, production_variables, required_production_variables

APP_SERVICES = ["migrate", "web", "worker", "worker-reports", "worker-routing", "beat"]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def command_of(service: dict) -> str:
    command = service["command"]
    return " ".join(command) if isinstance(command, list) else command


def healthcheck_of(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def test_compose_runs_postgres_redis_web_workers_and_beat(compose):
    # then the deployment has exactly these services
    assert set(compose["services"]) == {"postgres", "redis", *APP_SERVICES}
    assert compose["services"]["postgres"]["image"].startswith("postgres:")
    assert compose["services"]["redis"]["image"].startswith("redis:")
    # and the application services all run the image built from this repository's Dockerfile
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["build"] == ".", name
        assert service["image"] == "capillary:latest", name


def test_compose_commands_serve_the_site_and_both_queues(compose):
    services = compose["services"]
    assert command_of(services["migrate"]) == "python manage.py migrate --no-input"
    assert command_of(services["web"]).startswith("gunicorn config.wsgi --bind 0.0.0.0:8000")
    assert command_of(services["beat"]).startswith("celery -A config beat")

    # every queue the settings route to has a worker
    queues = set()
    for name in ("worker", "worker-reports", "worker-routing"):
        command = command_of(services[name])
        assert command.startswith("celery -A config worker"), name
        queues |= set(re.search(r"-Q (\S+)", command).group(1).split(","))
    assert queues == {"default", "reports", "routing"}
    assert queues == {"default"} | {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}


def test_web_waits_for_the_databases_and_the_migrations(compose):
    for name in ("web", "worker", "worker-reports", "worker-routing", "beat"):
        depends = compose["services"][name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
    assert compose["services"]["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_every_long_running_service_has_a_health_check(compose):
    services = compose["services"]
    assert "pg_isready" in healthcheck_of(services["postgres"])
    assert healthcheck_of(services["redis"]) == "CMD redis-cli ping"
    assert healthcheck_of(services["web"]) == "CMD python -m config.health"
    assert "inspect ping -d default@$$HOSTNAME" in healthcheck_of(services["worker"])
    assert "inspect ping -d reports@$$HOSTNAME" in healthcheck_of(services["worker-reports"])
    assert "/proc/1/cmdline" in healthcheck_of(services["beat"])
    # worker node names match what the health checks ping
    assert "-n default@%h" in command_of(services["worker"])
    assert "-n reports@%h" in command_of(services["worker-reports"])


def test_every_variable_the_production_settings_read_is_given(compose):
    # given the variables production settings require, and all those they read
    required = required_production_variables()
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"} <= set(required)

    for name in APP_SERVICES:
        environment = compose["services"][name]["environment"]
        # then each application service runs the production settings and is given every one of them
        assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production", name
        missing = production_variables() - set(environment)
        assert not missing, f"{name} lacks {sorted(missing)}"
        # and the required ones have no silent default: compose stops when they are unset
        for variable in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
            assert environment[variable] == f"${{{variable}:?set {variable}}}", name
    assert compose["services"]["web"]["environment"]["DATABASE_URL"].startswith("postgresql://capillary_app:")
    assert "@postgres:5432/capillary" in compose["services"]["web"]["environment"]["DATABASE_URL"]
    assert compose["services"]["web"]["environment"]["REDIS_URL"] == "redis://redis:6379/0"


def test_only_migrate_connects_as_the_owner_everything_else_as_the_application_role(compose):
    # the tables' owner is the postgres service's user; its password reaches the migrate service only
    assert compose["services"]["postgres"]["environment"]["POSTGRES_USER"] == "capillary"
    owner = compose["services"]["migrate"]["environment"]["DATABASE_OWNER_URL"]
    assert owner.startswith("postgresql://capillary:${POSTGRES_PASSWORD:?")
    assert owner.endswith("@postgres:5432/capillary")
    for name in APP_SERVICES:
        environment = compose["services"][name]["environment"]
        # every service connects as the role under row-level security (accounts.rls), with its own password
        assert environment["DATABASE_URL"].startswith("postgresql://capillary_app:${CAPILLARY_DB_PASSWORD:?"), name
        if name != "migrate":
            assert "DATABASE_OWNER_URL" not in environment, name
            assert "POSTGRES_PASSWORD" not in str(environment), name


def test_the_image_is_python_313_slim_locked_with_fonts_for_chinese_pdfs():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "\nFROM python:3.13-slim\n" in dockerfile
    assert "uv sync --locked --no-dev" in dockerfile
    for package in ("fonts-noto-cjk", "libharfbuzz-subset0"):
        assert package in dockerfile
    assert "collectstatic --no-input" in dockerfile
    # the application's bytecode compiled into the image, as the dependencies' are (UV_COMPILE_BYTECODE)
    assert "UV_COMPILE_BYTECODE=1" in dockerfile and "python -m compileall -q accounts " in dockerfile
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in dockerfile
    assert "\nUSER capillary\n" in dockerfile
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    assert {".git", ".venv", "var"} <= set(ignored)
