"""The grid worker's app is installable: a web manifest, a service worker at the site's root, and the report
form queues offline with an Idempotency-Key per report (static/portal/pwa.js)."""

import json
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
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
