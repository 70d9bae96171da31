"""Headless Chromium: each role's home at desktop (1440 px) and phone (390 px) size — the street cockpit, the
district official's ranking, the grid worker's home — fits the screen, shows its charts, and its buttons are
big enough for a thumb. Screenshots in var/screenshots/ (home-*.png)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.actors import SystemActor
from tests.browser.conftest import SCREENSHOTS, SIZES, sign_in
from tests.factories import SYSTEM
from workorders import services
from workorders.models import Channel
from workorders.selectors import desk_figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def busy_tree(tree):
    categories = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}
    now = timezone.now()
    for i in range(6):
        order = services.work_order_file(
            actor=tree.grid_worker,
            compound=tree.compounds[i % 2],
            category=categories["corridor-clutter"],
            channel=Channel.GRID,
            title=f"楼道堆物 {i}",
            description="3号楼2单元楼道里堆满纸箱和旧家具",
            now=now - timedelta(days=35 * (i % 3), hours=i),
        )
        if i % 2:
            services.work_order_route(
                actor=SystemActor(name="test:homes", district_id=tree.district.pk),
                order_id=order.pk,
                now=now - timedelta(days=35 * (i % 3), hours=i),
            )
    return tree


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("who", ["street_staff", "official", "grid_worker"])
def test_each_home_fits_the_screen(browser, live_server, busy_tree, who, size):
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    try:
        sign_in(page, live_server, getattr(busy_tree, who).username)
        width = SIZES[size]["viewport"]["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if who == "street_staff":
            desk = desk_figures(actor=busy_tree.street_staff, now=timezone.now())
            assert desk.open == 6  # the six orders of street 1, as the queue counts them
            assert page.locator('[data-figure="open"]').inner_text() == str(desk.open)
            assert page.locator('[data-figure="overdue"]').inner_text() == str(desk.overdue)
            assert page.locator("svg[role=img]").first.is_visible()
        elif who == "official":
            assert page.locator("[data-ranking] svg").is_visible()
        else:
            button = page.locator("[data-report-button]")
            box = button.bounding_box()
            assert box["height"] >= 44 and box["y"] < 300  # the big button, first thing under the header
            assert page.locator("[data-reported] li").count() == 6
        if size == "phone":
            small = page.evaluate(
                """[...document.querySelectorAll('main .button, main .chip')]
                   .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
                   .map((e) => e.textContent.trim())"""
            )
            assert small == [], f"tap targets under 44 px: {small}"
            menu = page.locator(".nav-toggle__label")
            menu.tap()
            inbox = page.locator("[data-inbox]")
            assert inbox.bounding_box()["height"] >= 44
        page.screenshot(path=SCREENSHOTS / f"home-{who}-{size}.png", full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("who", ["street_staff", "official"])
def test_the_fund_panels_fit_the_screen(browser, live_server, tree, who, size):
    """The street's fund requests waiting and the district's execution by tier, at 1440 and 390 px."""
    from compounds.models import Tier
    from tests.funding.conftest import funded
    from tests.funding.test_selectors import _requests_in_april

    tree.communities[2].tier = Tier.B
    tree.communities[2].save()
    funded(tree)
    _requests_in_april(tree)
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    try:
        sign_in(page, live_server, getattr(tree, who).username)
        width = SIZES[size]["viewport"]["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        panel = page.locator("[data-funding]")
        panel.scroll_into_view_if_needed()
        assert panel.is_visible()
        if who == "street_staff":
            assert page.locator('[data-money="waiting"]').inner_text() == "2 件"
            assert page.locator("[data-waiting] li").count() == 2
        else:
            assert page.locator("[data-tiers] [data-tier]").count() == 2  # tiers A and B
            assert "¥750,000.00" in page.locator("[data-tiers] [data-total]").inner_text()
        panel.screenshot(path=SCREENSHOTS / f"home-funding-{who}-{size}.png")
        page.screenshot(path=SCREENSHOTS / f"home-funding-{who}-{size}-page.png", full_page=True)
    finally:
        context.close()
