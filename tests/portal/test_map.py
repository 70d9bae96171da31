"""The compounds' map: points the user may see, coloured by open/overdue orders or the firm's published list,
drawn by Leaflet from our own static files, with no tiles unless a tile URL is configured."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def placed(tree):
    for i, compound in enumerate(tree.compounds):
        compound.latitude, compound.longitude = Decimal("34.16") + Decimal(i) / 100, Decimal("108.91")
        compound.save()
    return tree


def points_of(response) -> list[dict]:
    found = re.search(
        r'<script id="map-points" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(found.group(1))


def test_the_map_shows_the_users_compounds_with_their_open_and_overdue_orders(client, tree, file_order, settings):
    settings.CAPILLARY_MAP_TILE_URL = ""
    placed(tree)
    file_order(compound=tree.compounds[0], now=timezone.now())
    file_order(compound=tree.compounds[1], now=timezone.now() - timezone.timedelta(days=40))
    client.force_login(tree.street_staff)
    response = client.get(reverse("compound-map"))
    html = response.content.decode()
    points = {p["name"]: p for p in points_of(response)}
    assert set(points) == {c.name for c in tree.compounds[:4]}  # street 1 only
    assert (points[tree.compounds[0].name]["open"], points[tree.compounds[0].name]["overdue"]) == (1, 0)
    assert points[tree.compounds[1].name]["overdue"] == 1
    # Leaflet is served from our own static files, and no tile server is named
    assert "/static/vendor/leaflet/leaflet.js" in html and 'data-tile-url=""' in html
    assert finders.find("vendor/leaflet/leaflet.js") and finders.find("portal/map.js")
    assert "http" not in Path(finders.find("portal/map.js")).read_text()


def test_a_street_narrows_the_map_and_another_districts_street_is_a_404(client, tree, other_tree):
    placed(tree)
    client.force_login(tree.official)
    response = client.get(reverse("compound-map"), {"street": tree.streets[1].pk, "colour": "list"})
    assert {p["name"] for p in points_of(response)} == {c.name for c in tree.compounds[4:]}
    assert 'data-colour="list"' in response.content.decode()
    assert client.get(reverse("compound-map"), {"street": other_tree.streets[0].pk}).status_code == 404
    assert client.get(reverse("compound-map"), {"street": "abc"}).status_code == 404


def test_a_configured_tile_url_reaches_the_page(client, tree, settings):
    settings.CAPILLARY_MAP_TILE_URL = "https://tiles.example.cn/{z}/{x}/{y}.png"
    client.force_login(tree.official)
    assert (
        'data-tile-url="https://tiles.example.cn/{z}/{x}/{y}.png"'
        in client.get(reverse("compound-map")).content.decode()
    )
