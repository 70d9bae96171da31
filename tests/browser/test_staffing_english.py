"""The staffing pages in English on a 390 px phone and a 1440 px desktop (headless Chromium, tests/browser): English
words are longer than Chinese ones, and no page may grow wider than the screen. Screenshots go to
var/screenshots/staffing-en/ for a person to look at."""

import pytest
from django.urls import reverse

from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, fits, sign_in
from tests.staffing import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OUT = SCREENSHOTS / "staffing-en"


def english_pages(t):
    objects = walk.staffing_objects(t)
    from staffing.models import DutyRoster, Household, SinkDownTeam, StaffingImport

    return {
        "home": reverse("staffing:home"),
        "coverage": reverse("staffing:coverage"),
        "team": reverse("staffing:team", args=[t.compounds[0].pk]),
        "stationed": reverse("staffing:stationed", args=[t.compounds[0].pk]),
        "department": reverse("staffing:department", args=[t.department.pk]),
        "grids": reverse("staffing:grids"),
        "grid": reverse("staffing:grid", args=[t.grids[0].pk]),
        "household": reverse("staffing:household", args=[objects[Household].pk]),
        "people": reverse("staffing:people"),
        "person": reverse("staffing:person", args=[objects[walk.Person].pk]),
        "volunteers": reverse("staffing:volunteers"),
        "sinkdown": reverse("staffing:sinkdown-team", args=[objects[SinkDownTeam].pk]),
        "roster": reverse("staffing:roster", args=[objects[DutyRoster].pk]) + "?month=2026-02",
        "stars": reverse("staffing:stars") + "?year=2026&quarter=1",
        "import": reverse("staffing:import"),
        "import-detail": reverse("staffing:import-detail", args=[objects[StaffingImport].pk]),
    }


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_staffing_pages_in_english_fit_the_screen(browser, live_server, tree, size, english):
    OUT.mkdir(parents=True, exist_ok=True)
    screen = {**(PHONE if size == "phone" else DESKTOP), "locale": "en-GB"}
    context = browser.new_context(**screen)
    page = context.new_page()
    too_wide = []
    try:
        sign_in(page, live_server, tree.official.username)
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        for name, url in english_pages(tree).items():
            page.goto(f"{live_server.url}{url}")
            assert page.locator("html").get_attribute("lang") == "en", name
            page.screenshot(path=OUT / f"{name}-{size}.png", full_page=True)
            if not fits(page, screen["viewport"]["width"]):
                too_wide.append(name)
        # a grid worker's phone pages
        if size == "phone":
            context.close()
            context = browser.new_context(**screen)
            page = context.new_page()
            sign_in(page, live_server, tree.grid_worker.username)
            context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
            household = walk.household(tree, address="2单元501")
            for name, url in {
                "my-grid": reverse("staffing:my-grid"),
                "visits-due": reverse("staffing:visits-due"),
                "visit": reverse("staffing:visit", args=[household.pk]),
            }.items():
                page.goto(f"{live_server.url}{url}")
                page.screenshot(path=OUT / f"{name}-{size}.png", full_page=True)
                if not fits(page, screen["viewport"]["width"]):
                    too_wide.append(name)
            assert page.get_by_role("button", name="Submit the visit").is_visible()
    finally:
        context.close()
    assert not too_wide, f"wider than the {size}: {too_wide}"


def test_an_imports_row_errors_read_in_english_and_in_chinese_on_a_phone(browser, live_server, tree, english, tmp_path):
    """An official uploads a workbook with bad rows on a 390 px phone in English: each row's problem in English (the
    file's own words as written); the same import read in Chinese says them in Chinese. Both fit the phone."""
    from tests.staffing.test_import import bad_rows_workbook

    OUT.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "人员配备.xlsx"
    path.write_bytes(bad_rows_workbook(tree))
    context = browser.new_context(**{**PHONE, "locale": "en-GB"})
    page = context.new_page()
    try:
        sign_in(page, live_server, tree.official.username)
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        page.goto(f"{live_server.url}{reverse('staffing:import')}")
        page.locator("input[type=file]").set_input_files(path)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state("networkidle")
        errors = page.locator("table.data-table").last
        assert "Feb 14 is a make-up workday, not a rest day" in errors.inner_text()
        assert 'Phone 13900000011 is registered to "网格员甲", not "冒名".' in errors.inner_text()
        page.screenshot(path=OUT / "import-errors-en-phone.png", full_page=True)
        assert fits(page, PHONE["viewport"]["width"])
        context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
        page.reload()
        assert "2月14日是调休上班日，不是休息日" in page.locator("table.data-table").last.inner_text()
        page.screenshot(path=OUT / "import-errors-zh-phone.png", full_page=True)
        assert fits(page, PHONE["viewport"]["width"])
    finally:
        context.close()
