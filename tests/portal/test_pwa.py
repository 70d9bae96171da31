"""The grid worker's app is installable: a web manifest, a service worker at the site's root, and the report
form queues offline with an Idempotency-Key per report (static/portal/pwa.js)."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import StaticFilesStorage
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_manifest_and_the_service_worker_are_served(client):
    manifest = client.get(reverse("pwa-manifest"))
    assert manifest["Content-Type"] == "application/manifest+json"
    data = json.loads(manifest.content)
    assert data["lang"] == "zh-CN" and data["display"] == "standalone" and data["start_url"] == "/"
    assert data["shortcuts"][0]["url"] == reverse("intake:grid")
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker["Service-Worker-Allowed"] == "/"
    assert worker["Content-Type"].startswith("application/javascript")
    assert '"/intake/grid/"' in worker.content.decode()


def test_grid_workers_pages_install_the_app_and_the_report_form_queues_offline(client, tree):
    client.force_login(tree.grid_worker)
    page = client.get(reverse("intake:grid")).content.decode()
    assert f'<link rel="manifest" href="{reverse("pwa-manifest")}">' in page and "portal/pwa.js" in page
    assert "data-offline-queue" in page and "data-outbox-note" in page
    script = Path(finders.find("portal/pwa.js")).read_text()
    assert '"Idempotency-Key": item.key' in script and "indexedDB.open" in script and '"online"' in script
    # other roles' pages do not install the grid worker's app
    client.force_login(tree.street_staff)
    assert "portal/pwa.js" not in client.get(reverse("workorders:queue")).content.decode()


class HashedStatic(StaticFilesStorage):
    """Production's manifest storage as the pages see it: every static file under a hashed name."""

    def url(self, name):
        stem, dot, suffix = name.rpartition(".")
        return super().url(f"{stem}.0a1b2c3d4e5f{dot}{suffix}")


def test_the_service_worker_keeps_the_static_files_by_the_names_the_pages_ask_for(client, settings):
    plain = client.get("/sw.js").content.decode()
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": f"{__name__}.HashedStatic"}}
    hashed = client.get("/sw.js").content.decode()
    # the shell names what a page of the site links to (with DEBUG off: the hashed names), not the plain names
    assert '"/static/css/capillary.0a1b2c3d4e5f.css"' in hashed and '"/static/css/capillary.css"' not in hashed
    assert '"/static/portal/pwa.0a1b2c3d4e5f.js"' in hashed
    assert '"/static/css/capillary.css"' in plain
    # and a deployment that changes the files renames the cache, so that phones drop the old copies
    cache_name = re.compile(r'const CACHE = "(capillary-grid-[^"]+)"')
    assert cache_name.search(plain)[1] != cache_name.search(hashed)[1]
    # a static file fetched once is kept for offline use
    static_branch = hashed.split('request.url.includes("/static/")')[1].split('request.mode === "navigate"')[0]
    assert "cache.put(request, copy)" in static_branch
