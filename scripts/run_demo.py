"""`make demo`: Capillary with its demo district, on one machine with nothing installed.

1. PostgreSQL: DATABASE_URL if set, else the embedded server (config/embedded.py; data in var/pgdata,
   reused on the next run).
2. `manage.py migrate`, then `manage.py load_demo` (idempotent: the demo district 长安区).
3. Collects the static files, starts gunicorn on 127.0.0.1:8000 (DEBUG off: the site's own error pages, static
   files through WhiteNoise; DJANGO_DEBUG=1 turns debug on), a Celery worker (queues default, reports and routing) and
   celery beat, each in its own process group, with the filesystem broker when REDIS_URL is unset.
4. Prints the URLs and the demo logins; Ctrl-C stops everything it started (and the embedded PostgreSQL
   if this run started it).
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.chdir(BASE_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"

from config import embedded  # noqa: E402

HOST = "127.0.0.1"
PORT = int(os.environ.get("CAPILLARY_DEMO_PORT", "8000"))
DEMO_PASSWORD = "capillary-demo"
LOG_DIR = embedded.VAR_DIR / "log"
STOP_TIMEOUT = 15


def say(message: str) -> None:
    print(f"[demo] {message}", flush=True)


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], check=True)


def port_in_use(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex((HOST, port)) == 0


class Children:
    """The processes the demo started, each the leader of its own process group."""

    def __init__(self) -> None:
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str]) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = open(LOG_DIR / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it open
        self.processes[name] = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
        say(f"started {name} (pid {self.processes[name].pid}, log {LOG_DIR / (name + '.log')})")

    def dead(self) -> list[str]:
        return [name for name, process in self.processes.items() if process.poll() is not None]

    def stop(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is None:
                say(f"stopping {name}")
                self._signal(process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._signal(process, signal.SIGKILL)
                process.wait()
        # Children of the leaders (Celery's pool processes) share the group: make sure none is left.
        for process in self.processes.values():
            self._signal(process, signal.SIGKILL)

    @staticmethod
    def _signal(process: subprocess.Popen, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signum)


def wait_for_web(children: Children, timeout: float = 90) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if children.dead():
            return False
        try:
            with urllib.request.urlopen(f"http://{HOST}:{PORT}/healthz", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def demo_logins() -> list[tuple[str, str]]:
    """One username per role, read from the User table (whatever load_demo created)."""
    import django

    django.setup()
    from django.db import connection

    from accounts.actors import SystemActor
    from accounts.models import User
    from accounts.roles import Role
    from accounts.tenancy import tenant_context

    logins = []
    # row-level security shows the user table to nobody outside a scope: the banner reads as the system
    with tenant_context(SystemActor(name="demo:banner")):
        for role in Role:
            user = User.objects.filter(role=role, is_active=True).order_by("pk").first()
            if user:
                logins.append((role.label, user.username))
    connection.close()
    return logins


def print_banner(logins: list[tuple[str, str]]) -> None:
    site = f"http://{HOST}:{PORT}"
    lines = [
        "",
        "=" * 64,
        " Capillary 末梢 demo is running",
        f"   site      {site}/",
        f"   admin     {site}/admin/",
        f"   API docs  {site}/api/docs/   (schema: {site}/api/schema/)",
        "",
        f" Demo logins (password for all: {DEMO_PASSWORD})",
    ]
    width = max((len(label) for label, _ in logins), default=0)
    lines += [f"   {label:{chr(12288)}<{width}}  {username}" for label, username in logins]
    if not logins:
        lines.append("   (no users: the demo data was not loaded)")
    lines += [f" Logs: {LOG_DIR}/", " Press Ctrl-C to stop.", "=" * 64, ""]
    print("\n".join(lines), flush=True)


def main() -> int:
    if port_in_use(PORT):
        say(f"port {PORT} is already in use: stop what runs there, or set CAPILLARY_DEMO_PORT")
        return 1

    started_database = False
    if not os.environ.get("DATABASE_URL"):
        was_running = embedded.database_running()
        say(f"{'reusing' if was_running else 'starting'} the embedded PostgreSQL (data in {embedded.PGDATA})")
        # migrate connects as the owner; the web server, the workers and load_demo as the application role.
        os.environ["DATABASE_OWNER_URL"] = embedded.database_url()
        os.environ["DATABASE_URL"] = embedded.app_database_url(os.environ["DATABASE_OWNER_URL"])
        started_database = not was_running
    if not os.environ.get("REDIS_URL"):
        embedded.celery_filesystem_transport()  # make the broker's folders
        say(f"REDIS_URL is unset: Celery uses the filesystem broker in {embedded.CELERY_DIR}")
    (embedded.VAR_DIR / "celery").mkdir(parents=True, exist_ok=True)

    children = Children()
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        if not stopping:
            stopping = True
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    code = 0
    try:
        say("applying migrations")
        manage("migrate", "--no-input", "-v", "0")
        if (BASE_DIR / "portal" / "management" / "commands" / "load_demo.py").exists():
            say("loading the demo district")
            manage("load_demo")
        else:
            say("portal/management/commands/load_demo.py is missing: no demo data loaded")

        say("collecting static files (served by WhiteNoise)")
        manage("collectstatic", "--no-input", "-v", "0")
        # A production-grade server, as users meet the product (DEBUG only when DJANGO_DEBUG=1 asks).
        gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"{HOST}:{PORT}", "-w", "2"]
        children.start("web", [*gunicorn, "--timeout", "120", "--access-logfile", "-", "--error-logfile", "-"])
        celery = [sys.executable, "-m", "celery", "-A", "config"]
        queues = "default,reports,routing"
        children.start("worker", [*celery, "worker", "-Q", queues, "-c", "2", "-n", "demo@%h", "-l", "INFO"])
        schedule = str(embedded.VAR_DIR / "celery" / "beat-schedule")
        children.start("beat", [*celery, "beat", "-s", schedule, "-l", "INFO"])

        if not wait_for_web(children):
            raise RuntimeError("the web server did not come up")
        print_banner(demo_logins())

        while True:
            dead = children.dead()
            if dead:
                raise RuntimeError(f"{', '.join(dead)} stopped unexpectedly")
            time.sleep(1)
    except KeyboardInterrupt:
        print(flush=True)
        say("stopping")
    except (RuntimeError, subprocess.CalledProcessError) as error:
        say(f"error: {error}")
        for name in children.dead():
            log = LOG_DIR / f"{name}.log"
            tail = log.read_text(errors="replace").splitlines()[-20:]
            say(f"last lines of {log}:\n" + "\n".join(tail))
        code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        children.stop()
        if started_database:
            say("stopping the embedded PostgreSQL")
            embedded.stop_database()
        say("stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())
