"""`make screenshots`: the README's tour — each role's home as the demo shows it, written to docs/screenshots/.

1. Creates a throwaway database on the PostgreSQL server of DATABASE_URL (or the embedded server when it is
   unset), migrates it as the owner and loads the demo district (`manage.py load_demo`) as the application
   role, as `make demo` does.
2. Collects the static files and starts gunicorn (DEBUG off) and a Celery worker on free 127.0.0.1 ports (the
   broker of REDIS_URL, or the filesystem broker), and waits for last month's street ranking to be built.
3. Headless Chromium signs in as each role and photographs what it lands on: street staff and the district
   official at 1440×900, the grid worker, a property firm's staff (the handlers' 我的工单), and a resident's
   QR page and tracking card at 390×844. Any request that leaves 127.0.0.1 fails the run.
4. Writes small images (palette PNG; JPEG when a palette PNG would pass MAX_BYTES) and stops what it started,
   dropping the database (--keep-db keeps it).

    uv run python scripts/screenshots.py [--out docs/screenshots] [--keep-db]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

HOST = "127.0.0.1"
PASSWORD = "capillary-demo"
LOGS = ROOT / "var" / "screenshots" / "logs"
MAX_BYTES = 200_000
DESKTOP = {"viewport": {"width": 1440, "height": 900}, "locale": "zh-CN"}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def say(message: str) -> None:
    print(f"[screenshots] {message}", flush=True)


# ---------------------------------------------------------------------------------------------------- the site


def with_database(url: str, name: str, user: str | None = None) -> str:
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc
    if user is not None:
        _, at, host = netloc.rpartition("@")
        netloc = f"{user}@{host}" if at else netloc
    return urllib.parse.urlunsplit(parts._replace(path="/" + name, netloc=netloc))


def owner_url() -> str:
    if os.environ.get("DATABASE_OWNER_URL"):
        return os.environ["DATABASE_OWNER_URL"]
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from config import embedded

    return embedded.database_url()


def admin_sql(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(statement)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Children:
    """Processes this run started, each the leader of its own process group (stopped by their ids)."""

    def __init__(self) -> None:
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        log = open(LOGS / f"{name}.log", "wb")  # noqa: SIM115 - the child keeps it open
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        say(f"started {name} (pid {self.processes[name].pid}, log {LOGS / (name + '.log')})")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            with contextlib.suppress(ProcessLookupError):  # the worker's pool processes share the group
                os.killpg(process.pid, signal.SIGKILL)


def wait_http(port: int, path: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server on port {port} did not answer {path} within {timeout} s")


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_for_reports(timeout: float = 120) -> None:
    """Until the report room has no build queued or running (last month's ranking, requested by load_demo)."""
    from accounts.tenancy import tenant_context
    from portal.demo import DEMO_ACTOR
    from reports.models import BuildStatus, ReportBuild

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with tenant_context(DEMO_ACTOR):
            if not ReportBuild.objects.filter(status__in=[BuildStatus.QUEUED, BuildStatus.RUNNING]).exists():
                return
        time.sleep(1)
    say(f"the report room was still building after {timeout} s: the district's home shows it in progress")


def demo_subjects() -> dict[str, str]:
    """Who and what to photograph, read from the demo district: a user per role, a compound's QR token, and
    the tracking code of a resident's order with the longest timeline."""
    from django.db.models import Count

    from accounts.models import User
    from accounts.roles import Role
    from accounts.tenancy import tenant_context
    from portal.demo import DEMO_ACTOR
    from workorders.models import Channel, WorkOrder

    def first(role: Role) -> str:
        return User.objects.filter(role=role, is_active=True).order_by("pk").values_list("username", flat=True)[0]

    with tenant_context(DEMO_ACTOR):
        order = (
            WorkOrder.objects.filter(channel=Channel.RESIDENT_QR)
            .annotate(steps=Count("timeline"))
            .order_by("-steps", "pk")
            .select_related("compound")
            .first()
        )
        firm_user = (
            User.objects.filter(role=Role.FIRM_STAFF, is_active=True, property_firm__isnull=False)
            .annotate(orders=Count("property_firm__compounds__work_orders"))
            .order_by("-orders", "pk")
            .values_list("username", flat=True)[0]
        )
        return {
            "street": first(Role.STREET_STAFF),
            "district": first(Role.DISTRICT_OFFICIAL),
            "cadre": first(Role.COMMUNITY_CADRE),
            "department": first(Role.DEPARTMENT_STAFF),
            "grid": first(Role.GRID_WORKER),
            "firm": firm_user,
            "qr": order.compound.public_token,
            "track": order.tracking_code,
        }


# ---------------------------------------------------------------------------------------------------- pictures


def save_small(png: bytes, path: Path) -> Path:
    """A palette PNG (crisp text, flat colours) when it fits MAX_BYTES, else a JPEG of the same picture."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    for colours in (128, 64):
        buffer = io.BytesIO()
        image.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            buffer, "PNG", optimize=True
        )
        if buffer.tell() <= MAX_BYTES:
            target = path.with_suffix(".png")
            target.write_bytes(buffer.getvalue())
            return target
    for quality in (80, 70, 60, 50):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
        if buffer.tell() <= MAX_BYTES:
            break
    target = path.with_suffix(".jpg")
    target.write_bytes(buffer.getvalue())
    return target


def sign_in(page, site: str, username: str) -> None:
    """Through the login form, as a person types it."""
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


def off_machine(url: str) -> bool:
    """A request that would leave 127.0.0.1 (no page may need the internet)."""
    return urllib.parse.urlsplit(url).hostname not in (HOST, None) and not url.startswith("data:")


def shoot(site: str, subjects: dict[str, str], out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    shots = [
        # (file name, context, username or None for a resident, path, what must be on the page)
        ("home-street-1440", DESKTOP, subjects["street"], "/", '[data-figure="to-dispatch"]'),
        ("home-district-1440", DESKTOP, subjects["district"], "/", "[data-ranking] svg"),
        ("home-grid-390", PHONE, subjects["grid"], "/", "[data-report-button]"),
        ("home-firm-390", PHONE, subjects["firm"], "/", "main"),
        ("resident-qr-390", PHONE, None, f"/q/{subjects['qr']}/", "main"),
        ("resident-track-390", PHONE, None, f"/track/{subjects['track']}/", "main"),
    ]
    offsite: list[str] = []
    written = []
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for name, size, username, path, ready in shots:
                context = browser.new_context(**size)
                page = context.new_page()
                page.on("request", lambda request: offsite.append(request.url) if off_machine(request.url) else None)
                try:
                    if username:
                        sign_in(page, site, username)
                    if path != "/" or not username:
                        page.goto(f"{site}{path}")
                        page.wait_for_load_state("networkidle")
                    page.locator(ready).first.wait_for()
                    width = size["viewport"]["width"]
                    scroll = page.evaluate("document.documentElement.scrollWidth")
                    if scroll > width:
                        say(f"{name}: the page is {scroll} px wide on a {width} px screen")
                    target = save_small(page.screenshot(), out / name)
                    say(f"{target.relative_to(ROOT)} ({target.stat().st_size // 1000} KB) ← {page.url[len(site) :]}")
                    written.append(target)
                finally:
                    context.close()
        finally:
            browser.close()
    if offsite:
        raise RuntimeError(f"requests left the machine: {sorted(set(offsite))}")
    return written


# ---------------------------------------------------------------------------------------------------- the crawl

# Links the crawl does not follow: signing out, files (a download is not a page), the API, the other language.
NOT_PAGES = re.compile(r"logout|/latest/|/file|\.(pdf|csv|xlsx|png|jpg)|export|download|/media/|/api/|/i18n/|#")


CRAWLERS = ["street", "district", "cadre", "grid", "firm", "department", "resident"]


def crawl(site: str, subjects: dict[str, str], per_role: int, roles: list[str] = CRAWLERS) -> list[str]:
    """Each staff role at 390 and 1440 px, and in English at 390 px, follows the links of every page it reaches,
    one page per path shape (/workorders/146/ and /workorders/129/ are one), `per_role` pages at most; so does a
    resident, signed out, from a compound's QR page and an order's tracking page. Returns
    what is wrong: an answer that is not 200, a console or script error, a request that leaves the machine, a
    page wider than the screen (with the innermost elements that stick out), and on an English page the Chinese that
    is not data (not in the demo's tables: the page's own words the catalogue misses), each with a screenshot in
    var/screenshots/crawl/."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    out = ROOT / "var" / "screenshots" / "crawl"
    out.mkdir(parents=True, exist_ok=True)
    data = data_text()
    starts = {role: ["/"] for role in roles} | {"resident": [f"/q/{subjects['qr']}/", f"/track/{subjects['track']}/"]}
    wrong: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            # Chinese at both sizes; English on the phone, where its longer words are likeliest to widen a page
            views = [(PHONE, "zh-hans"), (DESKTOP, "zh-hans"), (PHONE, "en")]
            for role, (size, language) in ((role, view) for role in roles for view in views):
                width = size["viewport"]["width"]
                context = browser.new_context(**size)
                page = context.new_page()
                errors = listen(page)
                try:
                    if role != "resident":
                        sign_in(page, site, subjects[role])
                    context.add_cookies([{"name": "django_language", "value": language, "url": site}])
                    queue, shapes = list(starts[role]), set()
                    while queue and len(shapes) < per_role:
                        path = queue.pop(0)
                        shape = re.sub(r"\d+", "N", path.split("?")[0])
                        if shape in shapes:
                            continue
                        shapes.add(shape)
                        errors.clear()
                        try:
                            answer = page.goto(f"{site}{path}")
                            page.wait_for_load_state("networkidle")
                        except PlaywrightError as error:  # a download, a page that never settles
                            wrong.append(
                                f"{role} {width} px {language} {path}: did not load ({str(error).splitlines()[0]})"
                            )
                            continue
                        status = answer.status if answer is not None else "nothing"
                        found = [*([] if status == 200 else [f"answered {status}"]), *errors]
                        scroll = page.evaluate("document.documentElement.scrollWidth")
                        if scroll > width:
                            sticking = page.evaluate(STICKING_OUT)
                            found.append(f"{scroll} px wide on a {width} px screen: {sticking}")
                        if language == "en" and (chinese := page_words_in_chinese(page, data)):
                            found.append(f"Chinese on the English page: {', '.join(chinese[:8])}")
                        if found:
                            name = f"{role}-{width}-{language}-{shape.strip('/').replace('/', '_') or 'home'}"
                            page.screenshot(path=out / f"{name}.png", full_page=True)
                            wrong += [f"{role} {width} px {language} {path}: {what}" for what in found]
                        links = page.eval_on_selector_all("a[href^='/']", HREFS)
                        queue += [link for link in links if not NOT_PAGES.search(link)]
                    say(f"crawl: {role} at {width} px in {language}, {len(shapes)} pages")
                finally:
                    context.close()
        finally:
            browser.close()
    return wrong


def data_text() -> str:
    """Every Chinese text the demo's tables hold, in one string: Chinese on an English page that is in it is data (a
    name, what someone typed), what is not is the page's own words left untranslated."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(os.environ["DATABASE_OWNER_URL"]) as connection:
        columns = connection.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
            " AND data_type IN ('text', 'character varying', 'jsonb')"
        ).fetchall()
        texts = []
        for table, column in columns:
            query = sql.SQL("SELECT DISTINCT {column}::text FROM {table} WHERE {column}::text ~ '[\u3400-\u9fff]'")
            texts += [
                row[0]
                for row in connection.execute(query.format(column=sql.Identifier(column), table=sql.Identifier(table)))
            ]
    return "\n".join([*texts, *file_words()])


def file_words() -> list[str]:
    """The Chinese a street office's workbook must use (sheet names, column headers, the words of its cells), which
    the import pages name as they are, in English too."""
    from compounds.importing import reading as organisation
    from compounds.importing import service as organisation_service
    from compounds.models import ManagementMode
    from compounds.models.tree import StreetKind
    from config.locale import of_record
    from staffing.importing import reading as staffing

    words = [column.header for columns in organisation.COLUMNS.values() for column in columns]
    words += [header for columns in staffing.COLUMNS.values() for header, _required in columns]
    labels = [*organisation.Kind.labels, *staffing.Kind.labels, *ManagementMode.labels, *StreetKind.labels]
    return [*words, *map(of_record, labels), *organisation_service.TRUE_WORDS, *organisation_service.FALSE_WORDS]


# The text a person reads (text, placeholders, labels), except where an element says it is Chinese on purpose
# (lang="zh-…": the language switch, a column name a workbook must use) or is not shown.
PAGE_WORDS = """(() => {
  const words = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const shown = e => !e.closest('[lang^="zh"], script, style, template, [hidden]');
  while (walker.nextNode()) if (shown(walker.currentNode.parentElement)) words.push(walker.currentNode.nodeValue);
  for (const e of document.querySelectorAll('[placeholder], [title], [aria-label], img[alt]'))
    if (shown(e)) words.push(...['placeholder', 'title', 'aria-label', 'alt'].map(a => e.getAttribute(a) || ''));
  return words.join('\\n');
})()"""
HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
BRAND_MARK = "末"  # the logo's glyph


def page_words_in_chinese(page, data: str) -> list[str]:
    """The runs of Chinese on the page that are not data: what the English catalogue misses."""

    def is_data(run: str) -> bool:  # a name, or two names run together (樊川街道紫阁社区: the street, its community)
        return run in data or any(run[:i] in data and run[i:] in data for i in range(2, len(run) - 1))

    return sorted({run for run in HAN_RUN.findall(page.evaluate(PAGE_WORDS)) if run != BRAND_MARK and not is_data(run)})


def listen(page) -> list[str]:
    """The page's console errors, script errors and requests off the machine, as they come (the caller clears it)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "request",
        lambda request: errors.append(f"off the machine: {request.url}") if off_machine(request.url) else None,
    )
    return errors


HREFS = "links => links.map(a => a.getAttribute('href'))"
# The innermost elements whose right edge is past the screen's (what makes a page scroll sideways).
STICKING_OUT = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
          && ![...e.children].some(c => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
  .slice(0, 3).map(e => `<${e.tagName.toLowerCase()} class="${e.getAttribute('class') || ''}">`).join(', ')"""


# ---------------------------------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="docs/screenshots", help="where the images go (default docs/screenshots)")
    parser.add_argument("--keep-db", action="store_true", help="keep the throwaway database")
    parser.add_argument("--database", help="photograph this database's demo, loaded by an earlier --keep-db run")
    parser.add_argument(
        "--crawl",
        type=int,
        metavar="PAGES",
        help="instead of the tour: each staff role at 390 and 1440 px follows every link, PAGES page shapes at most,"
        " and the run fails on a page that is not 200, logs an error, reaches off the machine or is wider than the"
        " screen (make crawl)",
    )
    parser.add_argument("--roles", default=",".join(CRAWLERS), help=f"with --crawl: who crawls (default {CRAWLERS})")
    args = parser.parse_args()

    owner = owner_url()
    database = args.database or f"capillary_screens_{os.getpid()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_OWNER_URL": with_database(owner, database),
        "DATABASE_URL": with_database(owner, database, user="capillary_app"),
        "DJANGO_STATIC_ROOT": str(ROOT / "var" / "screenshots" / "static"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_DEBUG", None)
    children = Children()
    if not args.database:
        admin_sql(owner, f'CREATE DATABASE "{database}"')
        say(f"throwaway database {database}")
    keep = args.keep_db or bool(args.database)
    try:
        started = time.perf_counter()
        if not args.database:
            manage(env, "migrate", "--no-input", "-v", "0")
            manage(env, "load_demo")
            say(f"migrated and loaded the demo in {time.perf_counter() - started:.0f} s")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        port = free_port()
        children.start(
            "web",
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"{HOST}:{port}", "-w", "2", "--timeout", "120"],
            env,
        )
        celery = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "default,reports,routing"]
        children.start("worker", [*celery, "-c", "1", "-n", f"screens-{os.getpid()}@%h", "-l", "WARNING"], env)
        os.environ.update(env)
        import django

        django.setup()
        wait_http(port, "/healthz")
        wait_for_reports()
        subjects = demo_subjects()
        from django.db import connections

        connections.close_all()
        if args.crawl:
            wrong = crawl(f"http://{HOST}:{port}", subjects, args.crawl, args.roles.split(","))
            for line in wrong:
                say(line)
            say(f"crawl: {len(wrong)} findings (screenshots in var/screenshots/crawl/)")
            return 1 if wrong else 0
        written = shoot(f"http://{HOST}:{port}", subjects, ROOT / args.out)
        say(f"{len(written)} images in {args.out}/")
    finally:
        children.stop()
        if keep:
            say(f"kept {database}: --database {database} photographs it again")
        else:
            with contextlib.suppress(Exception):
                admin_sql(owner, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                say(f"dropped {database}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
