"""What keeps a task alive through a worker's death (issue 11): late acknowledgement, rejection on a lost worker,
one message at a time per process, and a broker visibility timeout longer than any countdown a task can wait."""

import pytest
from django.conf import settings

from config.celery import app

OUR_APPS = ("accounts.", "compounds.", "workorders.", "ratings.", "reports.", "staffing.", "funding.", "capillary.")
CELERY_DEFAULT_BACKOFF_MAX = 600


def our_tasks():
    # Celery's Django fixup runs the model checks on import, which ask the database's version: these tests take
    # the `db` fixture for it, or the first of them to run in a process (pytest-xdist) failed to connect.
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.startswith(OUR_APPS)}


def longest_countdown(task) -> int:
    """The longest a retried task waits (Celery's exponential backoff: factor * 2**retries, capped)."""
    if not getattr(task, "autoretry_for", ()):
        return 0
    backoff = task.retry_backoff
    if not backoff:
        return task.default_retry_delay
    factor = 1 if backoff is True else int(backoff)
    cap = getattr(task, "retry_backoff_max", CELERY_DEFAULT_BACKOFF_MAX)
    return min(cap, factor * 2 ** (task.max_retries or 0))


def test_tasks_are_acknowledged_late_and_rejected_when_their_worker_dies(db):
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    tasks = our_tasks()
    assert "workorders.tasks.route_work_order_task" in tasks and "reports.tasks.build_report_task" in tasks
    early = [name for name, task in tasks.items() if not task.acks_late]
    assert early == [], f"tasks acknowledged before they run (lost with their worker): {early}"


def test_the_visibility_timeout_outlasts_the_longest_countdown(db):
    from config.settings import base  # the Redis broker's options (the embedded filesystem broker has no timeout)

    timeout = base.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    waits = {name: longest_countdown(task) for name, task in our_tasks().items()}
    name, longest = max(waits.items(), key=lambda item: item[1])
    assert longest >= 240, waits  # a report build waits up to 30 s * 2**3 before its last retry
    assert timeout > longest, f"{name} may wait {longest} s, longer than the visibility timeout {timeout} s"


@pytest.mark.parametrize("module", ["config.settings.production"])
def test_production_keeps_the_timeout(module, monkeypatch):
    import importlib
    import sys

    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
        monkeypatch.setenv(
            name, "redis://x:6379/0" if name == "REDIS_URL" else "postgresql://x/y" if name == "DATABASE_URL" else "x"
        )
    sys.modules.pop(module, None)
    production = importlib.import_module(module)
    sys.modules.pop(module, None)
    assert production.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] >= 3600


def test_importing_the_production_settings_leaves_the_live_ones_as_they_were(monkeypatch):
    """A test that reads production's settings (above) imports that module in the test process: it must not
    change the dicts it shares with base (STORAGES, LOGGING), which are the live settings' too. It did: every
    later page of that process asked for the manifest of static files that `collectstatic` never wrote."""
    import importlib
    import sys

    from django.conf import settings

    storages, formatter = repr(settings.STORAGES), settings.LOGGING["handlers"]["console"]["formatter"]
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
        monkeypatch.setenv(name, "postgresql://x/y" if name == "DATABASE_URL" else "redis://x:6379/0")
    monkeypatch.setenv("CAPILLARY_LOG_FORMAT", "json")
    sys.modules.pop("config.settings.production", None)
    production = importlib.import_module("config.settings.production")
    sys.modules.pop("config.settings.production", None)
    assert "Manifest" in production.STORAGES["staticfiles"]["BACKEND"]
    assert production.LOGGING["handlers"]["console"]["formatter"] == "json"
    assert repr(settings.STORAGES) == storages
    assert settings.LOGGING["handlers"]["console"]["formatter"] == formatter
