"""Headless Chromium (Debian's, driven by Playwright) signs in and opens the street dashboard at desktop and
phone sizes. Screenshots go to var/screenshots/ (ignored by git) for a human to look at.

Without /usr/bin/chromium the test is skipped, except when CAPILLARY_REQUIRE_BROWSER=1 (CI), where it fails.
"""

import pytest

from compounds.models import ManagementMode
from tests.browser.conftest import SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def street_with_three_no(tree):
    """The tree, with one three-no compound in the street staff member's street."""
    compound = tree.compounds[1]
    compound.management_mode = ManagementMode.SELF_MANAGED
    compound.property_firm = None
    compound.has_owners_committee = False
    compound.has_maintenance_fund = False
    compound.save()
    return tree


def test_street_dashboard_on_a_desktop(browser, live_server, street_with_three_no):
    tree = street_with_three_no
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        # given the sign-in page in Chinese
        page.goto(f"{live_server.url}/")
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        assert page.get_by_role("heading", name="登录末梢平台").is_visible()
        page.screenshot(path=SCREENSHOTS / "login-desktop.png", full_page=True)

        # when the street staff member signs in, they land on their cockpit; the street's page is one click away
        sign_in(page, live_server, tree.street_staff.username)
        assert page.locator('[data-figure="to-dispatch"]').is_visible()
        with page.expect_navigation():
            page.get_by_role("link", name="社区与小区").click()

        # then their street's dashboard shows its figures, communities and compounds with the 三无 badge
        assert page.get_by_role("heading", name=tree.streets[0].name, exact=False).is_visible()
        assert page.locator('[data-figure="compounds"]').inner_text() == "4"
        assert page.locator('[data-figure="three-no"]').inner_text() == "1"
        assert page.get_by_role("link", name=tree.communities[0].name, exact=True).is_visible()
        row = page.locator("tr", has=page.get_by_role("link", name=tree.compounds[1].name, exact=True))
        assert row.locator(".badge", has_text="三无").is_visible()
        assert page.locator("table.compounds-table thead").is_visible()  # a real table on a desktop
        assert not page.locator(".nav-toggle__label").is_visible()
        assert page.get_by_role("button", name="退出登录").is_visible()
        page.screenshot(path=SCREENSHOTS / "street-dashboard-desktop.png", full_page=True)

        # when the three-no filter is picked (the form submits itself)
        page.get_by_label("三无小区").select_option("true")
        page.wait_for_url("**is_three_no=true**")

        # then only the three-no compound is listed
        rows = page.locator("table.compounds-table tbody tr")
        assert rows.count() == 1
        assert tree.compounds[1].name in rows.first.inner_text()

        # and its page opens from the list
        page.get_by_role("link", name=tree.compounds[1].name, exact=True).click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_role("heading", name=tree.compounds[1].name, exact=False).is_visible()
        page.screenshot(path=SCREENSHOTS / "compound-desktop.png", full_page=True)
    finally:
        context.close()


def test_street_dashboard_on_a_phone(browser, live_server, street_with_three_no, english):
    tree = street_with_three_no
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    try:
        sign_in(page, live_server, tree.street_staff.username)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the cockpit fits the phone
        with page.expect_navigation():
            page.get_by_role("link", name="社区与小区").tap()
        page.screenshot(path=SCREENSHOTS / "street-dashboard-phone.png", full_page=True)

        # the page fits the phone: nothing is wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # the navigation is folded behind the menu button, and opens when tapped
        assert page.locator(".nav-toggle__label").is_visible()
        assert not page.get_by_role("button", name="退出登录").is_visible()
        page.locator(".nav-toggle__label").tap()
        assert page.get_by_role("button", name="退出登录").is_visible()
        page.screenshot(path=SCREENSHOTS / "street-dashboard-phone-menu.png")
        page.locator(".nav-toggle__label").tap()

        # the compounds are stacked cards that still show the names, the 三无 badge and the labels
        assert page.get_by_role("heading", name=tree.streets[0].name, exact=False).is_visible()
        assert not page.locator("table.compounds-table thead").is_visible()
        card = page.locator(
            "table.compounds-table tbody tr", has=page.get_by_role("link", name=tree.compounds[1].name, exact=True)
        )
        assert card.is_visible()
        assert card.locator(".badge", has_text="三无").is_visible()
        assert "业主自管" in card.inner_text()
        box = card.bounding_box()
        assert box["width"] <= 390

        # the compound page fits the phone too
        with page.expect_navigation():
            card.get_by_role("link", name=tree.compounds[1].name, exact=True).tap()
        assert page.get_by_role("heading", name=tree.compounds[1].name, exact=False).is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=SCREENSHOTS / "compound-phone.png", full_page=True)

        # the English switch works on the phone too
        page.locator(".nav-toggle__label").tap()
        with page.expect_navigation():
            page.get_by_role("button", name="English").tap()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_text("Three-no compounds").first.is_visible()
        page.screenshot(path=SCREENSHOTS / "street-dashboard-phone-en.png", full_page=True)
    finally:
        context.close()


def test_district_official_picks_a_street_from_the_summary(browser, live_server, street_with_three_no):
    tree = street_with_three_no
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        # when the district official signs in (their home: the ranking), the district summary is one click away
        sign_in(page, live_server, tree.official.username)
        assert page.locator("[data-ranking]").is_visible()
        with page.expect_navigation():
            page.locator(".page-head").get_by_role("link", name="全区概览").click()
        assert page.get_by_role("heading", name=tree.district.name, exact=False).is_visible()
        assert page.locator('[data-figure="compounds"]').inner_text() == "8"
        page.screenshot(path=SCREENSHOTS / "district-summary-desktop.png", full_page=True)

        # and a street opens from it, with a picker to switch to the other street
        page.get_by_role("link", name=tree.streets[1].name, exact=True).click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_role("link", name=tree.compounds[4].name, exact=True).is_visible()
        page.get_by_text("切换街道").click()
        page.screenshot(path=SCREENSHOTS / "street-picker-desktop.png")
        with page.expect_navigation():
            page.locator(".picker__list").get_by_role("link", name=tree.streets[0].name, exact=True).click()
        assert page.get_by_role("link", name=tree.compounds[0].name, exact=True).is_visible()
    finally:
        context.close()
