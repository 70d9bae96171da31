"""The embedded PostgreSQL that `make demo` and `make test` use when DATABASE_URL is unset."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.deploy.environment import BASE_DIR

QUERY = """
import psycopg
from config import embedded
url = embedded.database_url()
with psycopg.connect(url, autocommit=True) as conn:
    conn.execute("CREATE TABLE IF NOT EXISTS visits (n int)")
    conn.execute("INSERT INTO visits VALUES (1)")
    visits = conn.execute("SELECT count(*) FROM visits").fetchone()[0]
    version = conn.execute("SHOW server_version").fetchone()[0]
app_url = embedded.app_database_url(url)
with psycopg.connect(app_url, autocommit=True) as conn:
    role = conn.execute(
        "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
print(visits, version, embedded.database_running(), *role)
"""
STOP = "from config import embedded; embedded.stop_database(); print(embedded.database_running())"


def run(code: str, var_dir: Path) -> str:
    env = {"CAPILLARY_VAR_DIR": str(var_dir), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_embedded_postgres_starts_answers_keeps_its_data_and_stops():
    # given a fresh data folder inside var/ (ignored by git), apart from the one the demo uses
    (BASE_DIR / "var").mkdir(exist_ok=True)
    var_dir = Path(tempfile.mkdtemp(prefix="embedded-test-", dir=BASE_DIR / "var"))
    try:
        # when a process asks for the database: the server is initialised, started and answers
        visits, version, running, *role = run(QUERY, var_dir)
        assert (visits, running) == ("1", "True")
        # and the site's role is there, under row-level security: neither superuser nor BYPASSRLS
        assert role == ["capillary_app", "False", "False"]
        assert int(version.split(".")[0]) >= 15
        assert (var_dir / "pgdata" / "PG_VERSION").exists()

        # when it is stopped and asked for again: it starts on the same data (the demo's second run)
        assert run(STOP, var_dir) == ["False"]
        visits, _, running, *role = run(QUERY, var_dir)
        assert (visits, running) == ("2", "True")
        assert role == ["capillary_app", "False", "False"]
    finally:
        # then it stops and leaves no server behind
        assert run(STOP, var_dir) == ["False"]
        assert not (var_dir / "pgdata" / "postmaster.pid").exists()
        shutil.rmtree(var_dir, ignore_errors=True)
