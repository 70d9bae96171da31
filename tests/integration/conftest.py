"""Fixtures for tests that need the real thing: a Celery worker in its own process.

`celery_worker_process` starts `celery -A config worker` (queues default, reports and routing) against the
pytest-django test database and this run's broker (REDIS_URL when set, else the filesystem broker;
config/settings/test.py gives each test run its own namespace), waits until it answers a ping and
stops it after the session. While it runs, `.delay()` in the test process goes to the worker instead
of running eagerly. Tests that use it commit their data so that the worker sees it:

    @pytest.mark.celery_worker
    @pytest.mark.django_db(transaction=True)
    def test_something(celery_worker_process):
        result = some_task.delay(...)
        assert result.get(timeout=30) == ...
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parent.parent.parent
START_TIMEOUT = 60


def test_database_url() -> str:
    """DATABASE_URL with the database name replaced by pytest-django's test database."""
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with contextlib.suppress(ProcessLookupError):  # the pool processes share the group
        os.killpg(process.pid, signal.SIGKILL)


def worker_command(node: str, *, queues: str = "default,reports,routing", concurrency: int = 1) -> list[str]:
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queues]
    return [*command, "-c", str(concurrency), "-n", node, "-l", "INFO", "--without-gossip", "--without-mingle"]


def start_worker(node: str, log_path: Path, *, env: dict | None = None, app=celery_app, **options) -> subprocess.Popen:
    """Start a real worker (its own process group) on the test database; return once it answers a ping through
    `app` (the test process's Celery app, pointed at the same broker)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": test_database_url(),
        "CAPILLARY_CELERY_EAGER": "0",
        **(env or {}),
    }
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            worker_command(node, **options),
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    name = node.replace("%h", socket.gethostname())
    deadline = time.monotonic() + START_TIMEOUT
    while not app.control.ping(destination=[name], timeout=1.0):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_worker(process)
            raise RuntimeError(f"the Celery worker did not answer a ping:\n{log_path.read_text()[-3000:]}")
    return process


stop_worker = _stop


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, tmp_path_factory):
    """A real Celery worker serving the test database; yields its node name (e.g. "test-123@host").

    Module-scoped: the worker stops when its tests are done. Living on, it ran the retries of its own
    tasks (notifications with backoff) against the database while later tests truncated it (deadlock)."""
    node = f"test-{os.getpid()}@%h"
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    process = None
    try:
        process = start_worker(node, log_path)
        yield node.replace("%h", socket.gethostname())
    finally:
        celery_app.conf.task_always_eager = eager
        if process is not None:
            _stop(process)
        _forget_redis_keys()


def _forget_redis_keys() -> None:
    """Remove this run's keys (queues, bindings, results) from a shared Redis."""
    prefix = (getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}).get("global_keyprefix")
    if not (os.environ.get("REDIS_URL") and prefix):
        return
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    keys = list(client.scan_iter(match=f"{prefix}*", count=500))
    if keys:
        client.delete(*keys)
