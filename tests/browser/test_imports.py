"""Headless Chromium on the organisation import (/import/): an official checks a file with a bad row on a
desktop (1440 px) and reads what each row became, then uploads a long file on a 390 px phone and watches the
page follow the task — queued, half done, then the per-row result — without touching it. Screenshots go to
var/screenshots/imports/ for a human to look at."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from compounds.importing import jobs
from compounds.models import ImportStatus, OrgImport, Street
from compounds.tasks import run_org_import_task
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OUT = SCREENSHOTS / "imports"
HEADERS = "街道编码,街道名称\n"


def test_an_official_checks_a_file_and_reads_each_rows_outcome_on_a_desktop(browser, live_server, tree, tmp_path):
    OUT.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "街道.csv"
    path.write_text(f"{HEADERS}{tree.streets[0].code},改名街道\n610116009,新街道\n61011600,短编码街道\n")
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    try:
        sign_in(page, live_server, tree.official.username)
        page.goto(f"{live_server.url}/import/")
        assert page.get_by_role("heading", name="导入组织数据 · 长安区").is_visible()
        page.screenshot(path=OUT / "upload-desktop.png", full_page=True)
        page.get_by_label("文件").set_input_files(str(path))
        page.get_by_label("只检查，不保存").check()
        with page.expect_navigation():
            page.get_by_role("button", name="上传并导入").click()
        assert "发现 1 处错误，未保存任何数据" in page.inner_text("main")
        rows = page.locator("table.import-rows tbody tr")
        assert rows.count() == 3
        assert [rows.nth(i).locator(".badge").inner_text() for i in range(3)] == ["更新", "新增", "拒绝"]
        assert "街道编码应为 9 位数字" in rows.nth(2).inner_text()
        # the file is kept: importing again needs no new choice
        assert page.locator("[data-kept-file]").is_visible()
        page.screenshot(path=OUT / "result-refused-desktop.png", full_page=True)
    finally:
        context.close()
    assert Street.objects.get(pk=tree.streets[0].pk).name == tree.streets[0].name


def test_a_long_import_on_a_phone_shows_its_progress_then_the_rows(browser, live_server, tree, tmp_path, monkeypatch):
    OUT.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(jobs, "INLINE_ROWS", 5)
    held = []  # the task, held back so that the page is seen queued and running
    monkeypatch.setattr(jobs, "job_enqueue", lambda *, task, job: held.append(job.pk))
    path = tmp_path / "街道.csv"
    path.write_text(HEADERS + "".join(f"6101160{n:02d},新{n}街道\n" for n in range(10, 22)))
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        sign_in(page, live_server, tree.official.username)
        page.goto(f"{live_server.url}/import/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=OUT / "upload-phone.png", full_page=True)
        page.get_by_label("文件").set_input_files(str(path))
        with page.expect_navigation():
            page.get_by_role("button", name="上传并导入").tap()
        job = OrgImport.objects.get()
        assert held == [job.pk] and page.url.endswith(f"/import/{job.pk}/")
        assert "已处理 0 / 12 行" in page.inner_text("main")
        page.screenshot(path=OUT / "queued-phone.png", full_page=True)

        # the task started and got halfway: the page, refreshing itself, follows
        OrgImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
        cache.set(jobs.progress_key(job), {"done": 6, "total": 12}, 60)
        expect(page.locator("[data-import-progress]")).to_contain_text("正在导入：已处理 6 / 12 行", timeout=10_000)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=OUT / "running-phone.png", full_page=True)

        # the task finishes: the result replaces the progress by itself
        assert run_org_import_task.delay(job.pk, tree.district.pk).get() == "done"
        expect(page.locator(".import-result")).to_contain_text("导入成功", timeout=10_000)
        assert page.locator("table.import-rows tbody tr[data-outcome=created]").count() == 12
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=OUT / "done-phone.png", full_page=True)
    finally:
        context.close()
    assert Street.objects.filter(district=tree.district, code__startswith="6101160").count() == 2 + 12
