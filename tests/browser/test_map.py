"""Headless Chromium on the compounds' map (issue 13, "A map"): a street's and a community's map draw every
compound they hold from our own Leaflet, the colouring switch redraws them, and no request leaves the machine —
background tiles are fetched only when a tile URL is configured. Screenshots in var/screenshots/map-*.png."""

from __future__ import annotations

import urllib.parse
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.conftest import SCREENSHOTS, SIZES, sign_in
from tests.factories import SYSTEM
from workorders import services
from workorders.models import Channel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCAL = {"127.0.0.1", "localhost"}


def watch_requests(page) -> list[str]:
    """Every URL the page asks for from now on (documents, scripts, styles, images, tiles, fetches)."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def offsite(urls: list[str]) -> list[str]:
    return [u for u in urls if not u.startswith("data:") and urllib.parse.urlsplit(u).hostname not in LOCAL]


@pytest.fixture
def mapped(tree):
    """Street 1's four compounds placed around Chang'an (34.16 N 108.91 E), street 2's too, and orders: three
    open in the first compound, one in the second."""
    for i, compound in enumerate(tree.compounds):
        compound.latitude = Decimal("34.150") + Decimal(i) / 200
        compound.longitude = Decimal("108.900") + Decimal(i % 3) / 200
        compound.save()
    categories = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}
    for compound in (tree.compounds[0], tree.compounds[0], tree.compounds[0], tree.compounds[1]):
        services.work_order_file(
            actor=tree.grid_worker, compound=compound, category=categories["corridor-clutter"], channel=Channel.GRID,
            title="楼道堆物", description="3号楼2单元楼道堆满纸箱", now=timezone.now(),
        )  # fmt: skip
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return tree


def test_a_streets_map_draws_offline_and_switches_its_colouring(browser, live_server, mapped, settings):
    settings.CAPILLARY_MAP_TILE_URL = ""
    street = mapped.streets[0]
    context = browser.new_context(**SIZES["desktop"])
    page = context.new_page()
    requests = watch_requests(page)
    try:
        # given the street officer, from their street's page
        sign_in(page, live_server, mapped.street_staff.username)
        page.goto(f"{live_server.url}{reverse('street-dashboard', args=[street.pk])}")
        # when they open the street's map
        with page.expect_navigation():
            page.locator("[data-map-link]").first.click()
        box = page.locator("#compound-map[data-ready]")
        box.wait_for(state="attached")
        # then every compound of the street is a point, drawn by our Leaflet, on no background tiles
        assert street.name in page.locator("h1").inner_text()
        assert box.get_attribute("data-ready") == "4"
        assert box.get_attribute("data-colour") == "open"
        assert page.locator(".leaflet-tile").count() == 0
        page.screenshot(path=SCREENSHOTS / "map-street-desktop.png")
        # when they switch the colouring to the firms' published lists, the map is drawn again so
        page.locator("select[name=colour]").select_option("list")
        page.wait_for_url("**colour=list**")
        page.locator("#compound-map[data-ready]").wait_for(state="attached")
        assert page.locator("#compound-map").get_attribute("data-colour") == "list"
        assert "红榜" in page.locator("[data-legend]").inner_text()
        assert f"street={street.pk}" in page.url  # still their street
        # and nothing the pages asked for left the machine
        assert any("/static/vendor/leaflet/leaflet.js" in u for u in requests)
        assert offsite(requests) == [], offsite(requests)
    finally:
        context.close()


def test_a_communitys_map_on_a_phone_fetches_tiles_only_from_the_configured_server(
    browser,
    live_server,
    mapped,
    settings,
):
    # given a tile server configured on this machine (a tile URL is the only way tiles are ever asked for)
    settings.CAPILLARY_MAP_TILE_URL = f"{live_server.url}/tiles/{{z}}/{{x}}/{{y}}.png"
    community = mapped.compounds[0].community
    context = browser.new_context(**SIZES["phone"])
    page = context.new_page()
    requests = watch_requests(page)
    try:
        sign_in(page, live_server, mapped.street_staff.username)
        page.goto(f"{live_server.url}{reverse('compound-map')}?community={community.pk}&colour=overdue")
        page.locator("#compound-map[data-ready]").wait_for(state="attached")
        expected = sum(1 for c in mapped.compounds if c.community_id == community.pk)
        assert page.locator("#compound-map").get_attribute("data-ready") == str(expected)
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES["phone"]["viewport"]["width"]
        page.wait_for_load_state("networkidle")
        assert any("/tiles/" in u for u in requests), "the configured tile server was never asked"
        assert offsite(requests) == [], offsite(requests)
        page.screenshot(path=SCREENSHOTS / "map-community-phone.png")
    finally:
        context.close()
