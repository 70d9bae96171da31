"""Headless Chromium at phone size: a grid worker writes a report with no network; it stays on the phone
(IndexedDB) and, when the network returns, is sent once — they find exactly one order among what they
reported on their home page, and close it on the spot (the district lets grid workers close a corridor's
clutter themselves). Screenshots in var/screenshots/grid-offline-*.png."""

import pytest

from tests.browser.conftest import PHONE, SCREENSHOTS, fits_the_phone
from workorders import services
from workorders.models import Category, Channel, State, WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_report_written_offline_is_sent_once_when_the_network_returns(browser, live_server, tree):
    services.categories_seed(district=tree.district)
    Category.objects.filter(district=tree.district, code="corridor-clutter").update(grid_resolves_on_the_spot=True)
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
        page.locator("#id_category").select_option(label="楼道堆物")
        page.locator("#id_description").fill("1号楼2单元楼道堆满纸箱，挡住了消防通道")
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
        order = orders[0]
        assert order.channel == Channel.GRID and order.reported_by_id == tree.grid_worker.pk
        assert "挡住了消防通道" in order.description

        # on their home page, what they reported holds exactly that one order
        with page.expect_navigation():
            page.locator("a.brand").tap()
        reported = page.locator("[data-reported] li")
        assert reported.count() == 1
        assert order.title in reported.inner_text()
        assert fits_the_phone(page)
        page.screenshot(path=SCREENSHOTS / "grid-offline-home-phone.png", full_page=True)

        # they open it and, having cleared the corridor, close it on the spot from the sticky bar
        with page.expect_navigation():
            reported.get_by_role("link").tap()
        bar = page.locator("[data-next-action]")
        bar.get_by_role("link", name="当场办结", exact=True).tap()
        form = page.locator("#action-resolve_on_the_spot")
        form.get_by_label("办理结果").fill("已和住户一起把纸箱清走，通道已畅通")
        with page.expect_navigation():
            form.get_by_role("button", name="确认当场办结").tap()
        assert page.get_by_text(f"已当场办结：{order.tracking_code}").is_visible()
        assert page.locator(".state").count() - page.locator("#timeline .state").count() == 1
        assert page.locator(".page-head .state").inner_text() == "已办结"
        assert fits_the_phone(page)
        page.screenshot(path=SCREENSHOTS / "grid-offline-resolved-phone.png", full_page=True)
        order.refresh_from_db()
        assert order.state == State.RESOLVED and order.resolution == "已和住户一起把纸箱清走，通道已畅通"
        assert WorkOrder.objects.count() == 1
    finally:
        context.close()
