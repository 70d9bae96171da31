"""A redis-server of the test's own on a free loopback port, that a test can stop and start again (the same
port, an empty memory: like a broker restarted without persistence)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from kombu import pools


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self, folder: Path):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            pytest.skip("redis-server is not installed (apt-get install -y redis-server)")
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.folder)]
        log = open(self.folder / "redis.log", "ab")  # noqa: SIM115 (the server writes it while it runs)
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def celery_app_on(app, url: str):
    """Point the test process's Celery app (producer and control) at another broker, and back."""
    saved = {
        key: app.conf[key]
        for key in (
            "broker_url",
            "broker_transport",
            "result_backend",
            "broker_transport_options",
            "result_backend_transport_options",
        )
    }
    saved_eager = app.conf.task_always_eager
    prefix = f"capillary-test-{os.environ['CAPILLARY_TEST_RUN']}:"

    def reset_pools():
        pools.reset()  # kombu's registry of connection and producer pools, closed and emptied
        app._pool = None
        app.amqp._producer_pool = None
        app._backend_cache = None
        app._local.__dict__.pop("backend", None)

    app.conf.update(
        broker_url=url,
        broker_transport=None,  # the embedded broker names its transport class (config/broker.py): the URL's here
        result_backend=url,
        # the namespace a worker started with REDIS_URL set gets from config/settings/test.py
        broker_transport_options={"global_keyprefix": prefix, "visibility_timeout": 3600},
        result_backend_transport_options={"global_keyprefix": prefix},
        task_always_eager=False,
    )
    reset_pools()
    try:
        yield app
    finally:
        app.conf.update(**saved, task_always_eager=saved_eager)
        reset_pools()
