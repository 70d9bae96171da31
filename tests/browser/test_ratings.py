"""Headless Chromium (Debian's, driven by Playwright) on the ratings pages: a resident answers the owner
survey on a phone (390×844); a district official opens the period page, a score's breakdown and the reports
list on a desktop (1366×900). Screenshots go to var/screenshots/ (ignored by git) for a person to look at.

Without /usr/bin/chromium the tests are skipped, except when CAPILLARY_REQUIRE_BROWSER=1 (CI), where they
fail. The browser fixture is tests/browser/conftest.py.
"""

import pytest

from accounts.actors import SystemActor
from ratings.models import FirmScore, SurveyResponse
from tests.browser.conftest import SCREENSHOTS, fits, sign_in
from tests.ratings import helpers as h
from tests.ratings.test_pages import built_quarter

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_answers_the_survey_on_a_phone(browser, live_server, tree):
    # given an open quarter and the QR page of a compound
    h.period(tree)
    compound = tree.compounds[0]
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/ratings/survey/{compound.public_token}/")
        assert page.get_by_role("heading", name="物业服务满意度调查", exact=False).is_visible()
        assert tree.firm.name in page.locator(".page-head").inner_text()
        assert fits(page, 390)
        page.screenshot(path=SCREENSHOTS / "ratings-survey-phone.png", full_page=True)

        # when the resident forgets the room number, the page says so and keeps the answer picked
        page.get_by_label("楼栋").select_option("1号楼")
        page.get_by_label("满意", exact=True).check()
        page.get_by_role("button", name="提交").tap()
        page.wait_for_load_state("networkidle")
        # (the browser's own "required" check stops the form before it is sent)
        assert not SurveyResponse.objects.exists()
        assert page.get_by_label("满意", exact=True).is_checked()

        # when they fill in the room and send it with a comment
        page.get_by_label("房号").fill("502")
        page.get_by_label("意见建议（选填）").fill("保洁很及时，希望增加夜间巡逻")
        page.screenshot(path=SCREENSHOTS / "ratings-survey-phone-filled.png", full_page=True)
        sent = page.evaluate("() => Object.fromEntries(new FormData(document.querySelector('form.survey-form')))")
        assert sent["form_token"]  # the one-time token travels with the form
        with page.expect_navigation():
            page.get_by_role("button", name="提交").tap()

        # then they are thanked, and the answer is stored once for that household
        assert page.get_by_role("heading", name="感谢您的评价").is_visible()
        assert fits(page, 390)
        page.screenshot(path=SCREENSHOTS / "ratings-survey-phone-thanks.png", full_page=True)
        answer = SurveyResponse.objects.get()
        assert (answer.household_key, answer.level, answer.compound_id) == ("1号楼-502", "satisfied", compound.pk)
        assert answer.comment == "保洁很及时，希望增加夜间巡逻"

        # when the very same form arrives again (a second tap on a slow network), it is thanked, not counted twice
        resend = """(sent) => { const form = document.createElement('form'); form.method = 'post';
            form.action = location.pathname; for (const [name, value] of Object.entries(sent)) {
            const input = document.createElement('input'); input.type = 'hidden'; input.name = name;
            input.value = value; form.appendChild(input); } document.body.appendChild(form); form.submit(); }"""
        with page.expect_navigation():
            page.evaluate(resend, sent)
        assert page.get_by_text("这份评价已经提交过，没有重复计入。").is_visible()
        assert fits(page, 390)
        page.screenshot(path=SCREENSHOTS / "ratings-survey-phone-replayed.png", full_page=True)
        assert SurveyResponse.objects.count() == 1

        # and the same household answering again is told, in Chinese, that it already has
        page.goto(f"{live_server.url}/ratings/survey/{compound.public_token}/")
        page.get_by_label("楼栋").select_option("1号楼")
        page.get_by_label("房号").fill("502")
        page.get_by_label("很满意", exact=True).check()
        with page.expect_navigation():
            page.get_by_role("button", name="提交").tap()
        assert page.get_by_text("本季度已经填写过问卷").is_visible()
        assert page.get_by_label("房号").input_value() == "502"  # nothing typed is lost
        page.screenshot(path=SCREENSHOTS / "ratings-survey-phone-twice.png", full_page=True)
        assert SurveyResponse.objects.count() == 1
    finally:
        context.close()


def test_a_district_official_reads_the_quarter_on_a_desktop(browser, live_server, tree):
    # given a computed quarter with two ranked firms and its PDF report
    objs = built_quarter(tree)
    rival = h.firm(tree, "锦华物业服务有限公司")
    h.answers(objs["period"], h.compound_for(tree, rival), [h.S, h.N, h.D])
    from ratings import services

    services.quarter_build(actor=SYSTEM, period=objs["period"])
    score = FirmScore.objects.get(period=objs["period"], firm=tree.firm)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        # when the official opens the quarter from the ratings pages
        sign_in(page, live_server, tree.official.username)
        page.goto(f"{live_server.url}/ratings/periods/")
        page.get_by_role("link", name="2026年第1季度").click()
        page.wait_for_load_state("networkidle")

        # then the period page shows the figures, the lists with "rank / ranked" and the actions
        assert page.get_by_role("heading", name="物业企业考评", exact=False).is_visible()
        assert page.get_by_role("button", name="发布（发布后数据冻结）").is_visible()
        row = page.locator("tr", has=page.get_by_text(tree.firm.name, exact=True))
        assert row.locator("td.rank").inner_text() == f"{score.rank} / 2"
        assert fits(page, 1366)
        page.screenshot(path=SCREENSHOTS / "ratings-period-desktop.png", full_page=True)

        # when they open the firm's breakdown from its total score
        with page.expect_navigation():
            row.get_by_role("link", name=str(score.total)).click()

        # then each input is shown with its weight and contribution
        assert page.get_by_role("heading", name="得分构成", exact=False).is_visible()
        table = page.locator("table.data-table").first
        for text in ("业主满意度", "评审团评分", "工单记录", "62.50%", "37.50%", str(score.total)):
            assert text in table.inner_text(), text
        assert page.locator("b.rank").inner_text() == f"{score.rank} / 2"
        page.screenshot(path=SCREENSHOTS / "ratings-breakdown-desktop.png", full_page=True)

        # when they open the reports list from the ratings navigation
        with page.expect_navigation():
            page.locator("nav.chips").get_by_role("link", name="报告下载").click()

        # then the quarter's PDF is listed with its period and build time, ready to download
        report_row = page.locator("tr", has=page.get_by_text(objs["report"].title))
        assert report_row.is_visible() and "2026年第1季度" in report_row.inner_text()
        with page.expect_download() as download:
            report_row.get_by_role("link", name="下载 PDF").click()
        assert download.value.suggested_filename.endswith(".pdf")
        page.screenshot(path=SCREENSHOTS / "ratings-reports-desktop.png", full_page=True)

        # and on the rules page, weights that do not add up to 100 are refused with what was typed kept
        with page.expect_navigation():
            page.locator("nav.chips").get_by_role("link", name="考评规则").click()
        page.get_by_label("评审团评分权重（%）").fill("20")
        with page.expect_navigation():
            page.get_by_role("button", name="保存规则").click()
        assert page.get_by_text("三项权重合计应为 100，现为 90").is_visible()
        assert page.get_by_label("评审团评分权重（%）").input_value() == "20"
        page.screenshot(path=SCREENSHOTS / "ratings-settings-desktop.png", full_page=True)
    finally:
        context.close()
