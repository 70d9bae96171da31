"""Headless Chromium opens the KPI page by compound, sorted worst first and paged, at phone and desktop sizes
(issue 12: the unit table is paged). Screenshots go to var/screenshots/ for a person to look at."""

import pytest

from tests.browser.conftest import SCREENSHOTS, SIZES, fits, sign_in
from tests.workorders.conftest import MONDAY_9AM
from tests.workorders.test_api import make_order
from workorders import views

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_kpi_page_by_compound_pages_and_sorts(browser, live_server, tree, monkeypatch, size):
    monkeypatch.setattr(views, "KPI_PER_PAGE", 2)
    for compound in tree.compounds[:3]:
        make_order(tree, compound=compound)
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    try:
        sign_in(page, live_server, tree.official.username)
        page.goto(f"{live_server.url}/workorders/kpis/?group_by=compound&month={MONDAY_9AM:%Y-%m}")
        # the reader picks an order and the table comes back in it, on its first page of two
        page.get_by_label("排序").select_option("orders")
        page.get_by_role("button", name="排序").click()
        page.wait_for_load_state("networkidle")
        assert "sort=orders" in page.url
        assert page.get_by_text("第 1 / 2 页").is_visible()
        page.get_by_role("link", name="下一页").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text("第 2 / 2 页").is_visible()
        assert page.locator("table.data-table").first.locator("tbody tr").count() == 1
        assert fits(page, SIZES[size]["viewport"]["width"])
        page.screenshot(path=str(SCREENSHOTS / f"kpi-by-compound-{size}.png"), full_page=True)
    finally:
        context.close()
