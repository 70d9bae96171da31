"""Headless Chromium at phone size: a resident who lost the tracking code finds it again with their phone
number (a text message with a code, read here from the in-memory SMS outbox) and opens the tracking page.
Screenshots go to var/screenshots/."""

import re

import pytest
from django.core.cache import cache

from accounts import sms
from accounts.actors import SystemActor
from tests.browser.conftest import PHONE, SCREENSHOTS, fits_the_phone
from tests.factories import SYSTEM
from workorders import services
from workorders.models import Channel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lost_tracking_code_is_found_again_by_phone(browser, live_server, tree, settings, tmp_path):
    # given a resident who filed an order with their phone and lost the code
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    sms.outbox.clear()
    categories = services.categories_seed(actor=SYSTEM, district=tree.district)
    order = services.work_order_file(
        actor=SystemActor(name="public:resident_report", district_id=tree.district.pk),
        compound=tree.compounds[0],
        category=categories[0],
        channel=Channel.RESIDENT_QR,
        title="路灯不亮",
        description="3号楼2单元门口的路灯不亮了，晚上回家很黑",
        reporter_phone="13812345678",
    )
    page = browser.new_context(**PHONE).new_page()
    try:
        # when they open the tracking lookup and follow the phone link
        page.goto(f"{live_server.url}/track/")
        with page.expect_navigation():
            page.get_by_role("link", name="忘记查询码？用手机号找回").tap()
        assert fits_the_phone(page)
        page.get_by_label("手机号").fill("138 1234 5678")
        page.screenshot(path=SCREENSHOTS / "track-phone-ask-phone.png", full_page=True)
        with page.expect_navigation():
            page.get_by_role("button", name="获取验证码").tap()
        # then the page asks for the code the phone received
        assert page.get_by_text("验证码已通过短信发送至 138****5678").is_visible()
        (message,) = sms.outbox
        code = re.search(r"\d{6}", message.text).group()
        page.get_by_label("短信验证码").fill(code)
        with page.expect_navigation():
            page.get_by_role("button", name="查看我的诉求").tap()
        # and their order is listed; a tap opens its tracking page
        link = page.get_by_role("link", name=re.compile(order.tracking_code))
        assert link.bounding_box()["height"] >= 44 and fits_the_phone(page)
        page.screenshot(path=SCREENSHOTS / "track-phone-orders.png", full_page=True)
        with page.expect_navigation():
            link.tap()
        assert page.url == f"{live_server.url}/track/{order.tracking_code}/"
    finally:
        page.context.close()
        sms.outbox.clear()
