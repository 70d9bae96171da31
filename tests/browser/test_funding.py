"""Headless Chromium on the funding pages: a community cadre files a request with a PDF quote on a 390 px phone,
the street officer approves and pays it on a desktop, and the money shows as ¥1,234.56 all the way. Screenshots
go to var/screenshots/funding/ for a human to look at."""

import pytest

from funding.models import Disbursement, DisbursementDocument, Status
from tests.browser.conftest import PHONE, SCREENSHOTS, fits_the_phone, sign_in
from tests.funding.conftest import funded
from tests.funding.walk import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OUT = SCREENSHOTS / "funding"


def test_a_cadre_files_on_a_phone_and_the_street_approves_and_pays(browser, live_server, tree, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    funded(tree)
    OUT.mkdir(parents=True, exist_ok=True)
    quote = tmp_path / "报价单.pdf"
    quote.write_bytes(PDF)

    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    try:
        sign_in(page, live_server, tree.cadre.username)
        page.goto(f"{live_server.url}/funding/requests/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # a fraction of a fen is refused in Chinese and nothing is saved
        account = page.get_by_label("支出账户")
        assert "社区服务经费（可用 ¥150,000.00）" in account.locator("option:checked").inner_text()
        page.get_by_label("用途").fill("楼道照明维修")
        page.get_by_label("类别").select_option("repair")
        page.get_by_label("金额（元）").fill("1234.567")
        with page.expect_navigation():  # the tap does not wait for the answer: wait for it, then read it
            page.get_by_role("button", name="提交申请").tap()
        assert "金额最多两位小数" in page.content()
        assert not Disbursement.objects.exists()
        page.get_by_label("金额（元）").fill("1,234.56")
        page.set_input_files("input[type=file]", str(quote))
        page.screenshot(path=OUT / "request-phone.png", full_page=True)
        with page.expect_navigation():
            page.get_by_role("button", name="提交申请").tap()
        assert "等待街道审批" in page.locator(".messages").inner_text()
        assert "¥1,234.56" in page.content()
    finally:
        phone.close()
    request = Disbursement.objects.get()
    assert request.amount_fen == 123456 and DisbursementDocument.objects.filter(disbursement=request).count() == 1

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    try:
        sign_in(page, live_server, tree.street_staff.username)
        page.goto(f"{live_server.url}/funding/requests/{request.pk}/")
        with page.expect_navigation():
            page.get_by_role("button", name="批准").click()
        page.get_by_label("凭证号").fill("记-2026-031")
        with page.expect_navigation():
            page.get_by_role("button", name="登记支付").click()
        assert "已登记支付" in page.locator(".messages").inner_text()
        page.screenshot(path=OUT / "request-paid-desktop.png", full_page=True)
        page.goto(f"{live_server.url}/funding/")
        page.screenshot(path=OUT / "home-desktop.png", full_page=True)
    finally:
        desk.close()
    request.refresh_from_db()
    assert request.status == Status.PAID and request.voucher_no == "记-2026-031"


def test_a_districts_money_in_the_tens_of_millions_fits_each_figure_on_a_phone(browser, live_server, tree):
    # given a district whose four communities have ¥3,000,000.00 each for the year
    funded(tree, a=3_000_000_00)
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    try:
        sign_in(page, live_server, tree.official.username)
        for url in ("/funding/", "/funding/execution/?year=2026"):
            page.goto(f"{live_server.url}{url}")
            # then the page fits the phone, and every figure's number fits its card
            assert "¥12,000,000.00" in page.content()
            assert fits_the_phone(page), url
            spilled = page.evaluate(
                "[...document.querySelectorAll('.figure dd')].filter(dd => dd.scrollWidth > dd.clientWidth)"
                ".map(dd => dd.textContent.trim())"
            )
            assert spilled == [], (url, spilled)
        page.goto(f"{live_server.url}/funding/")
        page.screenshot(path=OUT / "home-phone-millions.png", full_page=True)
    finally:
        phone.close()
    # and without the script the long numbers wrap inside their cards: the page still fits
    bare = browser.new_context(**PHONE, java_script_enabled=False)
    page = bare.new_page()
    try:
        sign_in(page, live_server, tree.official.username)
        page.goto(f"{live_server.url}/funding/")
        assert "¥12,000,000.00" in page.content() and fits_the_phone(page)
    finally:
        bare.close()


def test_the_bonus_quarters_chart_fits_a_phone(browser, live_server, tree):
    # given a computed quarter of staff bonuses (its chart is the reports' bar chart, 640 px wide)
    from funding.models import BonusQuarter
    from tests.funding import walk

    quarter = walk.funding_objects(tree)[BonusQuarter]
    assert isinstance(quarter, BonusQuarter)
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    try:
        sign_in(page, live_server, tree.official.username)
        page.goto(f"{live_server.url}/funding/bonus/{quarter.pk}/")
        # then the page does not scroll sideways: the chart keeps its size (labels readable) and scrolls in its panel
        chart = page.locator("svg.bar-chart")
        assert chart.is_visible() and chart.bounding_box()["width"] == 640
        assert fits_the_phone(page)
        panel = page.locator(".chart-scroll")
        assert panel.evaluate("e => e.scrollWidth > e.clientWidth && getComputedStyle(e).overflowX === 'auto'")
        page.screenshot(path=OUT / "bonus-phone.png", full_page=True)
    finally:
        phone.close()
