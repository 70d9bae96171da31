"""Headless Chromium at phone size: a grid worker writes a report with no network; it stays on the phone
(IndexedDB) and, when the network returns, is sent once — they find exactly one order. Screenshots in
var/screenshots/grid-offline-*.png."""

import pytest

from tests.browser.test_dashboard import SCREENSHOTS, browser  # noqa: F401  (the browser fixture)
from tests.factories import SYSTEM
from workorders import services
from workorders.models import Channel, WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


def test_a_report_written_offline_is_sent_once_when_the_network_returns(browser, live_server, tree):  # noqa: F811
    services.categories_seed(actor=SYSTEM, district=tree.district)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/?next=/intake/grid/")
        page.get_by_label("用户名").fill(tree.grid_worker.username)
        page.get_by_label("密码").fill("pass-1234")
        with page.expect_navigation():
            page.get_by_role("button", name="登录").tap()
        page.wait_for_load_state("networkidle")
        assert page.get_by_role("heading", name="格格发现").is_visible()

        # when the network drops and they write and submit a report
        context.set_offline(True)
        page.locator("#id_compound").select_option(label=tree.compounds[0].name)
        page.locator("#id_category").select_option(index=1)
        page.locator("#id_description").fill("2号楼东侧井盖松动，夜间有行人绊倒的危险")
        page.get_by_role("button", name="提交发现").tap()

        # then it is kept on the phone, and nothing reached the server
        note = page.locator("[data-outbox-note]")
        note.wait_for(state="visible", timeout=10000)
        assert "保存在手机上" in note.inner_text()
        assert WorkOrder.objects.count() == 0
        page.screenshot(path=SCREENSHOTS / "grid-offline-saved-phone.png", full_page=True)

        # when the network returns, the report is sent by itself, once
        context.set_offline(False)
        # (locators, not wait_for_function: the site's CSP forbids the eval that wait_for_function needs)
        page.locator("html[data-outbox-count='0']").wait_for(state="attached", timeout=20000)
        page.locator("[data-outbox-note]", has_text="已提交").wait_for(state="visible", timeout=10000)
        page.screenshot(path=SCREENSHOTS / "grid-offline-sent-phone.png", full_page=True)
        page.evaluate("window.dispatchEvent(new Event('online'))")  # a second wake-up sends nothing more
        page.wait_for_timeout(1500)
        orders = list(WorkOrder.objects.all())
        assert len(orders) == 1
        assert orders[0].channel == Channel.GRID and orders[0].reported_by_id == tree.grid_worker.pk
        assert "井盖松动" in orders[0].description
    finally:
        context.close()
