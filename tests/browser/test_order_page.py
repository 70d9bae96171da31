"""The order page in headless Chromium: a community cadre adds a note and records a deliberation meeting through
the page's forms and sees both. Skipped without /usr/bin/chromium (see tests/browser/conftest.py)."""

import pytest

from tests.browser.conftest import PHONE, SCREENSHOTS, fits_the_phone, sign_in
from tests.workorders.test_api import make_order
from workorders.models import DeliberationMeeting, TimelineKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cadre_notes_and_records_a_meeting_on_the_order_page(browser, live_server, tree):
    # given a parking order of the cadre's community
    order = make_order(tree, category="parking", title="东门晚上停车占用消防通道")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        sign_in(page, live_server, tree.cadre.username)
        page.goto(f"{live_server.url}/workorders/{order.pk}/")
        # when they add a note
        page.locator("#action-note summary").click()
        page.get_by_label("备注").fill("已约物业和业主代表周五议事")
        page.locator("#action-note").get_by_role("button", name="添加备注").click()
        page.wait_for_load_state("networkidle")
        # then the timeline shows it
        assert page.locator("#timeline").get_by_text("已约物业和业主代表周五议事").is_visible()
        # when they record the meeting
        page.locator("#action-meeting summary").click()
        form = page.locator("#action-meeting")
        form.get_by_label("议题").fill("东门停车位划设")
        form.get_by_label("召开日期").fill("2026-03-13")
        form.get_by_label("参会人员（每行一人：姓名（身份））").fill("张三（居民代表）\n李四（物业经理）")
        form.get_by_label("议定事项").fill("东侧划设 20 个车位，消防通道画禁停线")
        form.get_by_role("button", name="保存议事会记录").click()
        page.wait_for_load_state("networkidle")
        # then the page lists the meeting with its decision
        meetings = page.locator("#meetings")
        assert meetings.get_by_text("东门停车位划设").is_visible()
        assert meetings.get_by_text("东侧划设 20 个车位，消防通道画禁停线").is_visible()
        page.screenshot(path=str(SCREENSHOTS / "workorders-order-meeting.png"), full_page=True)
    finally:
        context.close()
    meeting = DeliberationMeeting.objects.get()
    assert meeting.attendee_count == 2 and meeting.work_orders.get() == order
    assert order.timeline.filter(kind=TimelineKind.NOTE, note="已约物业和业主代表周五议事").exists()


def test_the_order_page_in_english_fits_a_phone(browser, live_server, tree):
    # given an order, and a street officer who reads the site in English on a 390 px phone (English labels are
    # longer than the Chinese: "Returned / transferred / escalated / reopened" is wider than the screen's column)
    order = make_order(tree, title="东门晚上停车占用消防通道")
    context = browser.new_context(**{**PHONE, "locale": "en-GB"})
    page = context.new_page()
    try:
        sign_in(page, live_server, tree.street_staff.username)
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        page.goto(f"{live_server.url}/workorders/{order.pk}/")
        # then the page is in English and nothing on it is wider than the screen
        assert page.get_by_text("Returned / transferred / escalated / reopened").is_visible()
        assert fits_the_phone(page)
        page.screenshot(path=SCREENSHOTS / "order-page-en-390.png", full_page=True)
    finally:
        context.close()
