"""A handler's "my orders" on a phone (390 × 844, headless Chromium): cards, no sideways scrolling, buttons
big enough for a thumb, and one tap accepts the order. Skipped without /usr/bin/chromium (see
tests/browser/conftest.py), failed then in CI (CAPILLARY_REQUIRE_BROWSER=1)."""

import pytest

from tests.browser.conftest import PHONE, SCREENSHOTS, sign_in
from tests.workorders.test_api import make_order
from workorders.models import State, WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_my_orders_on_a_phone(browser, live_server, tree):
    # given two orders routed to the firm
    make_order(tree, title="3号楼楼道堆满纸箱")
    make_order(tree, title="5号楼单元门坏了")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        sign_in(page, live_server, tree.firm_staff.username)
        # when the firm's staff open their orders
        page.goto(f"{live_server.url}/workorders/mine/")
        # then each order is a card, nothing scrolls sideways, and the buttons are thumb-sized
        cards = page.locator("li.card")
        assert cards.count() == 2
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        button = cards.first.get_by_role("button", name="受理", exact=True)
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 150
        assert cards.first.get_by_text("办结时限").is_visible()
        page.screenshot(path=str(SCREENSHOTS / "workorders-mine-390.png"), full_page=True)
        # when they tap 受理 on the first card
        title = cards.first.locator("h2").inner_text()
        button.tap()
        page.wait_for_load_state("networkidle")
        # then they are back on their list, told so, and the order is accepted
        assert page.url.endswith("/workorders/mine/")
        assert page.get_by_role("status").first.inner_text().startswith("已受理")
        assert WorkOrder.objects.get(title=title).state == State.ACCEPTED
        assert page.get_by_role("button", name="开始处理", exact=True).count() == 1
        # and the order page works on the phone too: facts, due times, the moves, no sideways scrolling
        page.get_by_role("link", name=title).click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_role("heading", name="时限").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # the next actions wait in the sticky bar at the top: 办结 opens its panel
        bar = page.locator("[data-next-action]")
        assert bar.get_by_role("link", name="办结").bounding_box()["height"] >= 44
        bar.get_by_role("link", name="办结").click()
        page.get_by_label("办理结果").fill("纸箱已清走")
        assert bar.bounding_box()["y"] <= 1  # still at the top of the screen, scrolled down to the panel
        page.screenshot(path=str(SCREENSHOTS / "workorders-order-390.png"), full_page=True)
        page.get_by_role("button", name="确认办结").click()
        page.wait_for_load_state("networkidle")
        assert WorkOrder.objects.get(title=title).state == State.RESOLVED
    finally:
        context.close()
