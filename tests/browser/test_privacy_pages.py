"""Headless Chromium: a district official sets the Open311 read policy and the retention period, reveals a
reporter on the order page and finds the reveal in the district's log; a resident who follows a broken QR link
gets the 400 page in the resident pages' look. At 1440 px and 390 px; screenshots in var/screenshots/."""

import pytest

from accounts.actors import SystemActor
from tests.browser.conftest import SCREENSHOTS, SIZES, sign_in
from workorders import services
from workorders.models import Category, PrivacySettings

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def order(tree):
    categories = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}
    order = services.work_order_file(
        actor=SYSTEM,
        compound=tree.compounds[0],
        category=categories["street-lamp"],
        channel="resident_qr",
        title="5号楼东侧路灯坏了",
        description="5号楼东侧路灯坏了，晚上很黑",
        reporter_name="王建国",
        reporter_phone="13812345678",
    )
    return services.work_order_route(actor=SYSTEM, order_id=order.pk)


def context_for(browser, size: str):
    return browser.new_context(**SIZES[size])


@pytest.mark.parametrize("size", SIZES)
def test_an_official_sets_the_policy_reveals_a_reporter_and_reads_the_log(browser, live_server, tree, order, size):
    context = context_for(browser, size)
    page = context.new_page()
    try:
        sign_in(page, live_server, tree.official.username)

        # the settings page: open public reads for street lamps, keep data five years
        page.goto(f"{live_server.url}/workorders/settings/")
        assert page.get_by_role("heading", name="隐私与开放设置").is_visible()
        page.get_by_label("开放 Open311 公开查询").check()
        page.locator("fieldset", has_text="公开的诉求类别").get_by_label("路灯照明").check()  # not the on-the-spot list
        page.get_by_label("个人信息保存年限（年）").fill("5")
        page.screenshot(path=SCREENSHOTS / f"doors-privacy-settings-{size}.png", full_page=True)
        page.get_by_role("button", name="保存设置").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text("已保存隐私与开放设置。").is_visible()
        settings = PrivacySettings.objects.get(district=tree.district)
        assert settings.open311_public_reads and settings.retention_years == 5
        assert Category.objects.get(district=tree.district, code="street-lamp").open311_public

        # the order page shows the reporter masked, and in full on request
        page.goto(f"{live_server.url}/workorders/{order.pk}/")
        assert page.get_by_text("138****5678").is_visible() and page.get_by_text("王**").is_visible()
        page.get_by_role("link", name="查看完整联系方式").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_role("link", name="13812345678").is_visible()
        page.screenshot(path=SCREENSHOTS / f"doors-order-revealed-{size}.png", full_page=True)

        # the reveal is in the district's log
        page.goto(f"{live_server.url}/accounts/reveals/")
        assert page.get_by_text(f"工单 {order.tracking_code}").is_visible()
        assert page.get_by_text("反映人、联系电话").is_visible()
        page.screenshot(path=SCREENSHOTS / f"doors-reveal-log-{size}.png", full_page=True)
        if size == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_a_broken_qr_link_gets_the_400_page_on_a_phone(browser, live_server, tree):
    context = context_for(browser, "phone")
    page = context.new_page()
    try:
        response = page.goto(f"{live_server.url}/q/AB%00CD/")
        assert response.status == 400
        assert page.get_by_role("heading", name="请求无法处理").is_visible()
        assert page.locator(".public-header").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=SCREENSHOTS / "doors-bad-link-phone.png", full_page=True)
    finally:
        context.close()
