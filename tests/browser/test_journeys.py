"""End-to-end journeys in headless Chromium, driven as people use the site (clicks and typing, no URL pokes
after the first page): the street staff triage, dispatch and escalate at desktop size; a district official
builds the quarterly report, watches its progress (a real Celery worker builds it) and downloads the PDF.
Each checks what the person sees and the rows behind it. Screenshots in var/screenshots/journey-*.png.

The grid worker's offline report and the resident's filing, tracking and rating are the journeys of
test_grid_offline.py and test_resident_journey.py."""

import subprocess

import pytest
from playwright.sync_api import expect

from accounts.actors import SystemActor
from ratings.models import FirmScore, PeriodStatus
from reports.models import BuildStatus, ReportBuild
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, fits, fits_the_phone, sign_in
from tests.integration.conftest import celery_worker_process  # noqa: F401 - the fixture
from tests.ratings import helpers as h
from workorders import outbox, services
from workorders.models import Channel, Escalation, HandlerLevel, State, TimelineEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)
REJECT_REASON = "反映的是小区外市政道路的占道经营，不属于小区治理事项，已告知拨打 12345 转城管"
DISPATCH_NOTE = "请社区网格员核实楼道堆物情况"
ESCALATE_REASON = "飞线充电涉及消防安全，需执法部门现场处置"


def state_badges(page) -> int:
    """How many state badges the order page shows outside its timeline."""
    return page.locator(".state").count() - page.locator("#timeline .state").count()


@pytest.fixture
def street_day(tree, monkeypatch):
    """The street's morning: two orders just filed by phone, not routed yet (their routing task waits in the
    outbox, as when the broker is down), and one that the property firm sent back. 飞线充电 is answered by the
    district's 公安分局 (the category's department)."""
    categories = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}
    wiring = categories["ebike-wire-charging"]
    wiring.department = tree.department
    wiring.save()
    orders = {}
    with monkeypatch.context() as broker_down:
        broker_down.setattr(outbox, "publish", lambda *args, **kwargs: False)
        for key, compound, category, title in [
            ("stall", tree.compounds[0], "other", "小区北门外占道摆摊"),
            ("clutter", tree.compounds[1], "corridor-clutter", "2号楼楼道堆满旧家具"),
        ]:
            orders[key] = services.work_order_file(
                actor=SYSTEM,
                compound=compound,
                category=categories[category],
                channel=Channel.PHONE,
                title=title,
                description=f"{title}，请尽快处理",
                reporter_phone="13912345678",
            )
    returned = services.work_order_file(
        actor=SYSTEM,
        compound=tree.compounds[2],
        category=wiring,
        channel=Channel.PHONE,
        title="5号楼一楼窗口飞线充电",
        description="5号楼一楼住户从窗口拉线给电动车充电，夜里一直充",
    )
    returned.refresh_from_db()
    assert returned.handler_level == HandlerLevel.PROPERTY_FIRM  # routed on commit to the compound's firm
    services.work_order_return(actor=tree.firm_staff, order=returned, reason="劝阻无效，物业无执法权")
    orders["returned"] = returned
    for order in orders.values():
        order.refresh_from_db()
    assert [order.state for order in orders.values()] == [State.SUBMITTED, State.SUBMITTED, State.RETURNED]
    return orders


def test_street_staff_triage_dispatch_and_escalate_at_desktop_size(browser, live_server, tree, street_day):
    stall, clutter, returned = street_day["stall"], street_day["clutter"], street_day["returned"]
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    try:
        # the street staff sign in and land on their cockpit: three orders to dispatch (two new, one sent back),
        # nothing escalated yet
        sign_in(page, live_server, tree.street_staff.username)
        assert page.get_by_role("heading", name=tree.streets[0].name).is_visible()
        assert page.locator("[data-figure=to-dispatch]").inner_text() == "3"
        assert page.locator("[data-figure=escalated]").inner_text() == "0"
        assert fits(page, 1440)
        page.screenshot(path=SCREENSHOTS / "journey-street-1-cockpit.png", full_page=True)

        # they open the queue from the "待派单" figure: the same three orders (it listed only the new ones)
        page.locator("[data-figure=to-dispatch] a").click()
        page.wait_for_load_state("networkidle")
        rows = page.locator("tbody tr")
        assert sorted(rows.locator("th a").all_inner_texts()) == sorted([stall.title, clutter.title, returned.title])
        assert page.locator("[data-to-dispatch]").is_visible()
        page.screenshot(path=SCREENSHOTS / "journey-street-2-queue.png", full_page=True)

        # triage: the stall outside the gate is not the compound's matter — rejected with a reason
        page.get_by_role("link", name=stall.title).click()
        page.wait_for_load_state("networkidle")
        assert state_badges(page) == 1  # the state shows once (it was in the heading and the sticky bar)
        page.locator("[data-next-action]").get_by_role("link", name="不予受理", exact=True).click()
        form = page.locator("#action-reject")
        expect(form.get_by_label("原因")).to_be_visible()
        form.get_by_role("button", name="确认不予受理").click()  # first without a reason: refused, in Chinese
        page.wait_for_load_state("networkidle")
        assert page.locator("#action-reject").get_by_text("请填写原因。").is_visible()
        stall.refresh_from_db()
        assert stall.state == State.SUBMITTED
        page.locator("#action-reject").get_by_label("原因").fill(REJECT_REASON)
        page.locator("#action-reject").get_by_role("button", name="确认不予受理").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text(f"已不予受理：{stall.tracking_code}").is_visible()
        assert page.locator(".page-head .state").inner_text() == "不予受理"
        assert state_badges(page) == 1
        timeline = page.locator("#timeline")
        assert timeline.locator("li", has_text=REJECT_REASON).locator(".state").inner_text() == "不予受理"
        stall.refresh_from_db()
        assert stall.state == State.REJECTED and stall.reject_reason == REJECT_REASON
        page.screenshot(path=SCREENSHOTS / "journey-street-3-rejected.png", full_page=True)

        # dispatch: back to the queue, the clutter goes to its community, found with the unit picker's search
        page.locator(".breadcrumb").get_by_role("link", name="工单队列").click()
        page.wait_for_load_state("networkidle")
        page.get_by_role("link", name=clutter.title).click()
        page.wait_for_load_state("networkidle")
        page.locator("[data-next-action]").get_by_role("link", name="派单", exact=True).click()
        assign = page.locator("#action-assign")
        search = assign.locator("[data-unit-search]")
        search.click()
        search.type("第1社区", delay=30)
        option = assign.locator("optgroup[data-results] option", has_text=tree.communities[0].name)
        option.wait_for(state="attached")
        assign.locator("select").select_option(f"community:{tree.communities[0].pk}")
        assign.get_by_label("派单说明").fill(DISPATCH_NOTE)
        page.screenshot(path=SCREENSHOTS / "journey-street-4-unit-picker.png")
        assign.get_by_role("button", name="确认派单").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text(f"已派单：{clutter.tracking_code}").is_visible()
        assert page.locator("[data-next-action] .state").inner_text() == "已派单"
        assert state_badges(page) == 1
        dispatched = page.locator("#timeline li", has_text=DISPATCH_NOTE)
        assert dispatched.locator(".state").inner_text() == "已派单"
        assert f"承办：{tree.communities[0].name}" in dispatched.inner_text()
        clutter.refresh_from_db()
        assert clutter.state == State.ASSIGNED and clutter.handler_community_id == tree.communities[0].pk
        assert TimelineEntry.objects.filter(order=clutter, to_state=State.ASSIGNED, actor=tree.street_staff).exists()

        # escalation: from the cockpit's state counts, the order the firm returned
        page.locator("nav.site-nav").get_by_role("link", name="工作台").click()
        page.wait_for_load_state("networkidle")
        page.locator("[data-state-count=returned]").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("tbody tr").count() == 1
        page.get_by_role("link", name=returned.title).click()
        page.wait_for_load_state("networkidle")
        timeline = page.locator("#timeline")
        assert timeline.get_by_text("劝阻无效，物业无执法权").is_visible()  # the firm's reason, in its timeline
        page.locator("[data-next-action]").get_by_role("link", name="上报", exact=True).click()
        escalate = page.locator("#action-escalate")
        escalate.get_by_label("上报原因").fill(ESCALATE_REASON)
        page.screenshot(path=SCREENSHOTS / "journey-street-5-escalate.png")
        escalate.get_by_role("button", name="确认上报").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text(f"已上报：{returned.tracking_code}").is_visible()
        # the street's rung is the last but one: the order climbs to the category's department
        escalated = page.locator("#timeline li", has_text=ESCALATE_REASON)
        assert f"上报至职能部门“{tree.department.name}”" in escalated.inner_text()
        assert escalated.locator(".state").inner_text() == "已上报"
        assert state_badges(page) == 1
        returned.refresh_from_db()
        assert returned.state == State.ESCALATED
        assert returned.handler_level == HandlerLevel.DEPARTMENT and returned.handler_department == tree.department
        assert list(Escalation.objects.filter(order=returned).values_list("from_level", "to_level", "actor")) == [
            (HandlerLevel.STREET, HandlerLevel.DEPARTMENT, tree.street_staff.pk)
        ]
        # every step of the order is in its timeline, in order: filed, to the firm, returned, escalated
        states = timeline.locator("li .state").all_inner_texts()
        assert states == ["已提交", "已派单", "已退回", "已上报"], states
        page.screenshot(path=SCREENSHOTS / "journey-street-6-escalated.png", full_page=True)

        # and the cockpit counts what happened: nothing left to dispatch, one escalated (to the department)
        page.locator("nav.site-nav").get_by_role("link", name="工作台").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-figure=to-dispatch]").inner_text() == "0"
        assert page.locator("[data-figure=escalated]").inner_text() == "1"
    finally:
        context.close()

    # the resident who reported the stall looks it up by its code: finished, with the reason
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    try:
        page.goto(f"{live_server.url}/track/")
        page.get_by_label("查询码").fill(stall.tracking_code)
        page.get_by_role("button", name="查询").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-state]").inner_text() == "不予受理"
        assert REJECT_REASON in page.locator("[data-reject-reason]").inner_text()
        assert fits_the_phone(page)
        page.screenshot(path=SCREENSHOTS / "journey-street-7-resident-track.png", full_page=True)
    finally:
        phone.close()


FIRMS = {  # name: survey answers (weights: satisfaction only) → 100, 80, 80, 60, 30
    "曲江金辉物业服务有限公司": [h.VS],
    "长安宏信物业管理有限公司": [h.S],
    "西安锦园物业服务有限公司": [h.S],
    "韦曲康居物业有限公司": [h.N],
    "郭杜顺达物业管理有限公司": [h.D],
}


@pytest.fixture
def quarter(tree):
    """A quarter in scoring with five firms whose owners' answers put one on the red list and one on the black."""
    period = h.period(tree, status=PeriodStatus.SCORING)
    h.satisfaction_only_rules(tree)
    for i, (name, answers) in enumerate(FIRMS.items()):
        h.answers(period, h.compound_for(tree, h.firm(tree, name, n=300 + i)), answers)
    return period


def open_the_quarter(page) -> None:
    page.locator("nav.site-nav").get_by_role("link", name="物业评价").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="2026年第1季度").first.click()
    page.wait_for_load_state("networkidle")


@pytest.mark.celery_worker
@pytest.mark.usefixtures("celery_worker_process")  # a real worker builds the report: its progress can be watched
def test_a_district_official_builds_the_quarterly_report_and_downloads_it(
    browser, live_server, tree, quarter, tmp_path
):
    context = browser.new_context(**DESKTOP, accept_downloads=True)
    page = context.new_page()
    try:
        # the official opens the ratings from the menu, then the quarter
        sign_in(page, live_server, tree.official.username)
        open_the_quarter(page)
        assert "物业企业考评" in page.locator("h1").inner_text()
        assert not FirmScore.objects.filter(period=quarter).exists()

        # they build the report: the page that follows shows the build queued or running, then polls
        page.get_by_role("button", name="计算得分并生成报告").click()
        page.wait_for_load_state("domcontentloaded")
        panel = page.locator(".report-build")
        first = panel.locator("[data-field=status_label]").inner_text()
        assert first in ("排队中", "生成中"), first
        assert panel.locator("[data-field=download] a").count() == 0
        page.screenshot(path=SCREENSHOTS / "journey-report-1-progress.png", full_page=True)
        # (locators, not wait_for_function: the site's CSP forbids the eval that wait_for_function needs)
        panel.locator("[data-field=download] a").wait_for(state="visible", timeout=30000)
        assert panel.get_attribute("data-status") == "done"
        assert panel.locator("[data-field=status_label]").inner_text() == "已完成"
        assert panel.locator("[data-field=progress]").get_attribute("value") == "100"
        assert page.get_by_text("已提交生成任务：计算得分、确定榜单并生成 PDF 报告。").is_visible()
        version = page.locator("[data-build-row]")  # the table of versions follows too (it said 排队中)
        assert version.locator('[data-row="status_label"]').inner_text() == "已完成"
        assert version.locator('[data-row="download"]').get_by_role("link", name="下载").is_visible()
        page.screenshot(path=SCREENSHOTS / "journey-report-2-done.png", full_page=True)

        # the rows: one finished build, of the quarter's lists, and the scores the worker computed
        build = ReportBuild.objects.select_related("report").get()
        assert build.status == BuildStatus.DONE and build.requested_by == tree.official
        assert build.report.kind == "ratings.quarterly_lists" and build.report.key == "2026-Q1"
        kinds = dict(FirmScore.objects.filter(period=quarter).values_list("firm__name", "list_kind"))
        assert kinds["曲江金辉物业服务有限公司"] == "red" and kinds["郭杜顺达物业管理有限公司"] == "black"
        quarter.refresh_from_db()
        assert quarter.status == PeriodStatus.COMPUTED

        # they download the PDF through the page's link
        with page.expect_download() as info:
            panel.get_by_role("link", name="下载 PDF").click()
        download = info.value
        assert download.suggested_filename.endswith("_v1.pdf")
        pdf = tmp_path / "report.pdf"
        download.save_as(pdf)
        assert pdf.read_bytes()[:5] == b"%PDF-"

        # and back on the quarter's page, the report is listed with its download
        open_the_quarter(page)
        assert page.locator("#reports").get_by_role("link", name="下载 PDF（第 1 版）").is_visible()
    finally:
        context.close()

    # the PDF: the Chinese firm names and the red, grey and black lists' headings as text
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    for name in FIRMS:
        assert name in text, name
    for heading in ("二、红榜", "三、灰榜", "四、黑榜"):
        assert heading in text, heading
    assert "2026年第1季度" in text and tree.district.name in text
    red, grey, black, rest = (text.index(h) for h in ("二、红榜", "三、灰榜", "四、黑榜", "五、样本不足"))
    assert red < text.index("曲江金辉物业服务有限公司", red) < grey  # each firm under its list's heading
    assert grey < text.index("韦曲康居物业有限公司", grey) < black
    assert black < text.index("郭杜顺达物业管理有限公司", black) < rest
    # the first page as an image, to look at
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(SCREENSHOTS / "journey-report-pdf")],
        check=True,
    )
    assert any(SCREENSHOTS.glob("journey-report-pdf-*1.png"))
