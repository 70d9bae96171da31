"""Headless Chromium on the staffing pages: a grid worker logs a door-knocking visit one-handed on a 390 px
phone (three taps and a note; a work order in the same step), and a street officer reads the "2+4" team
and a duty month on a desktop. Screenshots go to var/screenshots/staffing/ for a human to look at."""

from datetime import date

import pytest

from staffing.models import Visit
from tests.browser.conftest import PHONE, SCREENSHOTS, fits_the_phone, sign_in
from tests.factories import SYSTEM
from tests.staffing import walk
from tests.staffing.conftest import crew  # noqa: F401 - the fixture
from workorders import services as wo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OUT = SCREENSHOTS / "staffing"


@pytest.fixture
def grid_day(tree):
    """Two overdue households of the grid worker's grid and the categories to file under."""
    wo.categories_seed(actor=SYSTEM, district=tree.district)
    lonely = walk.household(tree, address="2单元501")
    walk.household(tree, address="3单元301")
    return tree, lonely


def test_a_grid_worker_logs_a_visit_one_handed_on_a_phone(browser, live_server, grid_day):
    tree, lonely = grid_day
    OUT.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    try:
        sign_in(page, live_server, tree.grid_worker.username)
        page.goto(f"{live_server.url}/staffing/my-grid/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=OUT / "my-grid-phone.png", full_page=True)

        # the due list: overdue households first, each with a thumb-sized button
        page.goto(f"{live_server.url}/staffing/visits/due/")
        card = page.locator(".visit-card", has_text="2单元501")
        assert card.is_visible() and "已逾期" in card.inner_text()
        button = card.get_by_role("link", name="登记走访")
        assert button.bounding_box()["height"] >= 44
        page.screenshot(path=OUT / "visits-due-phone.png", full_page=True)
        button.tap()
        page.wait_for_load_state("networkidle")

        # the form: big choices, the submit button in the thumb's reach at the bottom of the screen
        submit = page.get_by_role("button", name="提交走访")
        box = submit.bounding_box()
        assert box["y"] + box["height"] > 844 - 100 and box["height"] >= 48
        page.get_by_text("需要帮助").tap()
        page.get_by_label("发现的问题（选填）").fill("厨房燃气灶漏气，老人独自在家")
        page.get_by_text("需要处理：同时提交工单").tap()
        page.get_by_label("问题类别").select_option(index=1)
        page.screenshot(path=OUT / "visit-form-phone.png")
        with page.expect_navigation():
            submit.tap()

        # then back at the due list, with the work order's tracking code; the visited household is no longer
        # overdue (its next visit is a week from today), the other one still is
        assert "已提交工单" in page.locator(".messages").inner_text()
        assert "已逾期" not in page.locator(".visit-card", has_text="2单元501").inner_text()
        assert "已逾期" in page.locator(".visit-card", has_text="3单元301").inner_text()
        page.screenshot(path=OUT / "visit-done-phone.png", full_page=True)
        visit = Visit.objects.get(household=lonely)
        assert visit.outcome == "needs_help" and visit.work_order is not None and visit.visitor == tree.grid_worker
    finally:
        context.close()


def test_a_street_officer_reads_a_team_and_a_duty_month_on_a_desktop(browser, live_server, tree, crew):  # noqa: F811 - the fixture
    from staffing.services import duty, teams

    OUT.mkdir(parents=True, exist_ok=True)
    teams.seat_appoint(
        actor=tree.official,
        compound=tree.compounds[0],
        seat="police_officer",
        person=crew.police,
        start=date(2026, 1, 5),
    )
    roster = duty.roster_create(
        actor=tree.official, street=tree.streets[0], name="第1街道周末值班", duty_phone="029-85551234"
    )
    duty.shift_schedule(
        actor=tree.official,
        roster=roster,
        person=crew.liaison,
        day=date(2026, 2, 17),
        compensatory_day=date(2026, 2, 25),
    )
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        sign_in(page, live_server, tree.street_staff.username)
        page.goto(f"{live_server.url}/staffing/compounds/{tree.compounds[0].pk}/team/")
        assert page.locator(".seat", has_text="社区民警").locator(".seat__holder").inner_text() == "张警官"
        assert page.locator(".seat--vacant").count() == 5
        page.screenshot(path=OUT / "team-desktop.png", full_page=True)

        page.goto(f"{live_server.url}/staffing/duty/{roster.pk}/?month=2026-02")
        holiday = page.locator("td", has_text="节假日·春节").filter(has_text="17")
        assert "2/25调休" in holiday.first.inner_text()
        assert page.locator("td.makeup").count() == 2  # 14 and 28 February are 调休 Saturdays
        page.screenshot(path=OUT / "roster-desktop.png", full_page=True)
    finally:
        context.close()


def test_an_official_finds_a_volunteer_by_name_and_records_their_hours_on_a_phone(browser, live_server, tree):
    """The person picker: the volunteers page lists none of the district's people; typing part of a name finds
    them (staffing:person-search) into the select, and the service is recorded for the one chosen."""
    from staffing.models import VolunteerService

    wang = walk.named_person(tree, "王志愿")
    for n in range(30):
        walk.named_person(tree, f"李{n:02d}")
    OUT.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        sign_in(page, live_server, tree.official.username)
        page.goto(f"{live_server.url}/staffing/volunteers/")
        select = page.locator("select[name=person]")
        assert select.locator("option").count() == 1  # only 请选择: nobody listed
        page.get_by_label("搜索人员").fill("志愿")
        page.get_by_text("找到 1 位人员").wait_for()
        assert select.input_value() == str(wang.pk)  # the first result is chosen
        assert fits_the_phone(page)
        page.screenshot(path=OUT / "volunteer-picker-phone.png", full_page=True)
        page.get_by_label("服务社区").select_option(str(tree.communities[0].pk))
        page.get_by_label("服务时长（小时）").fill("2")
        page.get_by_label("服务内容").fill("陪老人就医")
        with page.expect_navigation():
            page.get_by_role("button", name="登记", exact=True).tap()
        assert "已登记志愿服务" in page.locator(".messages").inner_text()
        assert VolunteerService.objects.get(person=wang).activity == "陪老人就医"

        page.get_by_label("搜索人员").fill("没有这个人")
        page.get_by_text("没有找到姓名相符的人员。").wait_for()
    finally:
        context.close()
