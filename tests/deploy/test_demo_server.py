"""`make demo` serves the product as a user meets it: gunicorn with the demo settings (config.settings.local),
DEBUG off unless DJANGO_DEBUG=1 asks, static files through WhiteNoise, the site's own error page."""

import ast
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_STATIC_ROOT": str(tmp_path)}
    env.pop("DJANGO_DEBUG", None)
    return {**env, **extra}


def _debug(env: dict[str, str]) -> str:
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_debug_is_off_unless_a_variable_asks(tmp_path):
    assert _debug(_env(tmp_path)) == "False"
    assert _debug(_env(tmp_path, DJANGO_DEBUG="1")) == "True"


def test_run_demo_starts_gunicorn_not_the_development_server():
    script = (ROOT / "scripts" / "run_demo.py").read_text()
    assert '"-m", "gunicorn", "config.wsgi"' in script and "runserver" not in script
    assert 'manage("collectstatic"' in script


def test_gunicorn_serves_static_files_and_the_sites_own_404(tmp_path):
    env = _env(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/static/portal/portal.css", timeout=30) as response:
                    css = response.read().decode()
                    headers = response.headers
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert ".nav-count" in css and "max-age" in headers.get("Cache-Control", "")
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/no-such-page/", timeout=60)
        body = missing.value.read().decode()
        assert missing.value.code == 404
        assert "Traceback" not in body and "URLconf" not in body  # not Django's debug page
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_the_demo_banner_names_a_login_per_role_through_row_level_security():
    """The banner is read by the demo's own process, as the application role: outside a scope row-level security
    shows it no user, and it printed "(no users: the demo data was not loaded)" over a loaded demo."""
    from accounts.roles import Role
    from config import embedded
    from tests.factories import CommunityFactory, user_for
    from tests.integration.conftest import test_database_url

    community = CommunityFactory()
    official = user_for(Role.DISTRICT_OFFICIAL, community.district, username="banner-official")
    cadre = user_for(Role.COMMUNITY_CADRE, community, username="banner-cadre")
    app_role = embedded.app_database_url(test_database_url())  # as the demo connects (config/settings/local.py)
    code = "import sys; sys.path[:0] = ['scripts', '.']; import run_demo; print(run_demo.demo_logins())"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DATABASE_URL": app_role}
    printed = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    logins = ast.literal_eval(printed)
    assert (Role.DISTRICT_OFFICIAL.label, official.username) in logins
    assert (Role.COMMUNITY_CADRE.label, cadre.username) in logins
