"""Headless Chromium at phone size: a resident scans the compound's QR code, files with a photo, follows the
tracking page and rates the result; a grid worker files a 格格发现 with the phone's position. Screenshots go to
var/screenshots/ for a human to look at.

Without /usr/bin/chromium the tests are skipped, except when CAPILLARY_REQUIRE_BROWSER=1 (CI), where they fail.
"""

import io
from pathlib import Path

import pytest
from django.core.cache import cache
from PIL import Image

from accounts.actors import SystemActor
from tests.browser.conftest import PHONE, SCREENSHOTS, fits_the_phone
from tests.workorders.test_photos import gps_exif, has_gps
from workorders import services
from workorders.models import Channel, State, WorkOrder

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

DESCRIPTION = "3号楼2单元门口的路灯不亮了，晚上回家很黑"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    services.categories_seed(actor=SYSTEM, district=tree.district)
    yield tree
    cache.clear()


def phone_photo(tmp_path: Path) -> Path:
    """A photo as the phone camera wrote it: JPEG with GPS in its EXIF."""
    path = tmp_path / "IMG_2041.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (70, 110, 150)).save(buffer, format="JPEG", exif=gps_exif())
    path.write_bytes(buffer.getvalue())
    return path


def test_a_resident_files_follows_and_rates_on_a_phone(browser, live_server, district, tmp_path):
    tree = district
    compound = tree.compounds[0]
    context = browser.new_context(**PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    try:
        # given the page behind the compound's QR code (who serves the compound), in Chinese, fitting the phone
        page.goto(f"{live_server.url}/q/{compound.public_token}/")
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        assert page.get_by_role("heading", name=compound.name).is_visible()
        assert fits_the_phone(page)
        page.screenshot(path=SCREENSHOTS / "compound-public-phone.png", full_page=True)
        # when they tap the first button, the report form opens
        file_button = page.get_by_role("link", name="我要反映问题")
        box = file_button.bounding_box()
        assert box["y"] + box["height"] <= 844 and box["height"] >= 44
        with page.expect_navigation():
            file_button.tap()
        assert page.get_by_role("heading", name=compound.name).is_visible()
        assert fits_the_phone(page)
        submit = page.get_by_role("button", name="提交", exact=True)
        box = submit.bounding_box()
        assert box["y"] + box["height"] <= 844 and box["height"] >= 44  # a big button, in reach of the thumb
        page.screenshot(path=SCREENSHOTS / "resident-report-phone.png", full_page=True)

        # when the resident submits without choosing a category, they are told in Chinese and keep their text
        page.get_by_label("2. 问题描述").fill(DESCRIPTION)
        with page.expect_navigation():
            submit.tap()
        assert page.get_by_text("请选择问题类别。").is_visible()
        assert page.get_by_label("2. 问题描述").input_value() == DESCRIPTION
        assert WorkOrder.objects.count() == 0

        # when they pick the category, add a photo and their phone number, and submit
        tile = page.locator(".tiles label", has_text="路灯照明")
        tile.tap()
        assert tile.locator("input").is_checked()
        page.locator("input[name=photos]").set_input_files(phone_photo(tmp_path))
        assert "已选择 1 张" in page.locator("[data-photo-list]").inner_text()
        page.get_by_label("4. 联系电话（选填）").fill("13812345678")
        page.screenshot(path=SCREENSHOTS / "resident-report-filled-phone.png", full_page=True)
        with page.expect_navigation():
            page.get_by_role("button", name="提交", exact=True).tap()

        # then they land on the tracking page with the tracking code shown big
        order = WorkOrder.objects.get()
        assert order.channel == Channel.RESIDENT_QR and order.compound == compound
        assert page.url == f"{live_server.url}/track/{order.tracking_code}/?new=1"
        assert page.get_by_text("提交成功！").is_visible()
        code = page.locator("[data-tracking-code]")
        assert code.inner_text() == order.tracking_code
        assert float(code.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 28
        assert fits_the_phone(page)
        # the order was routed on commit (Celery runs eagerly in tests)
        assert page.locator("[data-state]").inner_text() in ("已派单", "已提交")
        # the copy button puts the code on the clipboard
        page.get_by_role("button", name="复制查询码").tap()
        from playwright.sync_api import expect

        expect(page.get_by_role("button", name="已复制")).to_be_visible()
        assert page.evaluate("navigator.clipboard.readText()") == order.tracking_code
        # the photo is shown, stored without its GPS position
        assert page.locator(".thumbs img").count() == 1
        page.locator(".thumbs img").scroll_into_view_if_needed()  # loading="lazy": fetched once near the screen
        page.wait_for_function("(img) => img.complete", arg=page.locator(".thumbs img").element_handle())
        assert page.locator(".thumbs img").evaluate("img => img.naturalWidth") == 1200
        with order.photos.get().image.open("rb") as handle:
            assert not has_gps(handle.read())
        # and nothing personal is on the page
        assert "13812345678" not in page.content() and "5678" not in page.content()
        page.screenshot(path=SCREENSHOTS / "resident-track-new-phone.png", full_page=True)

        # when the handler resolves the order (through the services)
        order.refresh_from_db()
        if order.state == State.SUBMITTED:
            order = services.work_order_route(actor=SYSTEM, order_id=order.pk)
        services.work_order_accept(actor=SYSTEM, order=order)
        services.work_order_resolve(actor=SYSTEM, order=order, resolution="已更换3号楼路灯，恢复照明")

        # then the resident, following the link later, sees the result and rates it
        page.goto(f"{live_server.url}/track/{order.tracking_code}/")
        assert page.locator("[data-state]").inner_text() == "已办结"
        assert page.get_by_text("已更换3号楼路灯，恢复照明").is_visible()
        labels = page.locator(".tiles--rating label").all_inner_texts()
        assert labels == ["很满意", "满意", "一般", "时间长", "态度差", "业务差"]
        page.locator(".tiles--rating label", has_text="很满意").tap()
        page.get_by_label("意见建议（选填）").fill("修得很快，谢谢")
        page.screenshot(path=SCREENSHOTS / "resident-rate-phone.png", full_page=True)
        with page.expect_navigation():
            page.get_by_role("button", name="提交评价").tap()
        assert page.get_by_text("感谢您的评价！").is_visible()
        assert page.locator("[data-state]").inner_text() == "已评价"
        order.refresh_from_db()
        assert order.state == State.RATED and order.satisfaction == "very_satisfied"
        assert order.rating_comment == "修得很快，谢谢"
        # the tracking page shows the rating they gave, and offers no second one
        assert page.locator("[data-rating]").inner_text() == "您的评价：很满意（修得很快，谢谢）"
        assert page.get_by_role("button", name="提交评价").count() == 0
        page.screenshot(path=SCREENSHOTS / "resident-rated-phone.png", full_page=True)
    finally:
        context.close()


def test_a_grid_worker_reports_with_the_phones_position(browser, live_server, district):
    tree = district
    context = browser.new_context(
        **PHONE, geolocation={"latitude": 34.158312, "longitude": 108.936701}, permissions=["geolocation"]
    )
    page = context.new_page()
    try:
        # given the grid worker signed in on their phone
        page.goto(f"{live_server.url}/accounts/login/?next=/intake/grid/")
        page.get_by_label("用户名").fill(tree.grid_worker.username)
        page.get_by_label("密码").fill("pass-1234")
        with page.expect_navigation():
            page.get_by_role("button", name="登录").tap()
        assert page.get_by_role("heading", name="格格发现").is_visible()
        assert fits_the_phone(page)
        # the compounds offered are those of their grid only
        options = page.locator("#id_compound option").all_inner_texts()
        assert options == ["请选择小区", tree.compounds[0].name, tree.compounds[1].name]
        # the actions sit at the bottom of the screen, in reach of the thumb
        submit = page.get_by_role("button", name="提交发现")
        box = submit.bounding_box()
        assert box["y"] >= 844 - 120 and box["y"] + box["height"] <= 844

        # when they fill the report and tap 定位
        page.locator("#id_compound").select_option(label=tree.compounds[1].name)
        page.locator("#id_category").select_option(label="井盖")
        page.get_by_label("发现的问题").fill("2号楼北侧井盖松动")
        page.get_by_role("button", name="定位").tap()
        page.get_by_text("已记录当前位置").wait_for()
        page.screenshot(path=SCREENSHOTS / "grid-report-phone.png", full_page=True)
        with page.expect_navigation():
            submit.tap()

        # then the order is filed as theirs, with the position, and the form says so
        order = WorkOrder.objects.get()
        assert order.channel == Channel.GRID and order.reported_by == tree.grid_worker
        assert str(order.latitude) == "34.158312" and str(order.longitude) == "108.936701"
        assert page.get_by_text(f"查询码 {order.tracking_code}").is_visible()
        page.screenshot(path=SCREENSHOTS / "grid-report-done-phone.png", full_page=True)
    finally:
        context.close()


def test_a_form_whose_token_went_bad_says_so_and_sends_on_the_second_tap(browser, live_server, district):
    """The one-time token is a hidden field: when it arrives garbled (a page mangled in transit), the resident is
    told on the form, keeps what they typed, and the re-displayed form files as it is (accounts.text)."""
    compound = district.compounds[0]
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/q/{compound.public_token}/report/")
        page.locator(".tiles label", has_text="路灯照明").tap()
        page.get_by_label("2. 问题描述").fill(DESCRIPTION)
        page.locator("input[name=form_token]").evaluate("e => e.value = 'x'.repeat(65)")
        with page.expect_navigation():
            page.get_by_role("button", name="提交", exact=True).tap()
        assert page.get_by_text("表单已失效，已为您换成新的，请再提交一次。").is_visible()
        assert page.get_by_label("2. 问题描述").input_value() == DESCRIPTION
        assert fits_the_phone(page)
        page.screenshot(path=SCREENSHOTS / "resident-report-stale-token-phone.png", full_page=True)
        assert WorkOrder.objects.count() == 0
        # the category is chosen again only if the page lost it; the form's fresh token sends it
        tile = page.locator(".tiles label", has_text="路灯照明")
        if not tile.locator("input").is_checked():
            tile.tap()
        with page.expect_navigation():
            page.get_by_role("button", name="提交", exact=True).tap()
        order = WorkOrder.objects.get()
        assert page.url == f"{live_server.url}/track/{order.tracking_code}/?new=1"
    finally:
        context.close()
