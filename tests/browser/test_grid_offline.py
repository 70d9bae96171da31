"""Headless Chromium at phone size: a grid worker writes a report with a photo and no network; it stays on the
phone (IndexedDB, the photo's bytes included) and, when the network returns, is sent once — they find exactly one
order with its photo. An answer lost on the way back makes the phone send it again: still one order, one photo.
Screenshots in var/screenshots/grid-offline-*.png."""

import pytest

from tests.browser.test_dashboard import SCREENSHOTS, browser  # noqa: F401  (the browser fixture)
from tests.workorders.test_photos import small_jpeg
from workorders import services
from workorders.models import Channel, Photo, WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


def grid_form_on_a_phone(context, live_server, tree):
    """The grid worker signed in on the phone, on the report form (格格发现)."""
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/intake/grid/")
    page.get_by_label("用户名").fill(tree.grid_worker.username)
    page.get_by_label("密码").fill("pass-1234")
    with page.expect_navigation():
        page.get_by_role("button", name="登录").tap()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="格格发现").is_visible()
    return page


def report_with_a_photo(page, tree, description: str, photo) -> None:
    """Fill the report form — the first compound, the first category, `description`, one photo — and submit."""
    page.locator("#id_compound").select_option(label=tree.compounds[0].name)
    page.locator("#id_category").select_option(index=1)
    page.locator("#id_description").fill(description)
    page.locator("input[name=photos]").set_input_files(
        files=[{"name": photo.name, "mimeType": "image/jpeg", "buffer": photo.read()}]
    )
    page.get_by_role("button", name="提交发现").tap()


def test_a_report_written_offline_is_sent_once_when_the_network_returns(browser, live_server, tree):  # noqa: F811
    services.categories_seed(district=tree.district)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(**PHONE)
    try:
        page = grid_form_on_a_phone(context, live_server, tree)

        # when the network drops and they write and submit a report with a photo
        context.set_offline(True)
        report_with_a_photo(page, tree, "2号楼东侧井盖松动，夜间有行人绊倒的危险", small_jpeg("manhole.jpg"))

        # then it is kept on the phone, and nothing reached the server
        note = page.locator("[data-outbox-note]")
        note.wait_for(state="visible", timeout=10000)
        assert "（含 1 张照片）保存在手机上" in note.inner_text()
        assert page.locator("[data-photo-list]").inner_text() == ""  # the form is empty again, photos too
        assert WorkOrder.objects.count() == 0
        page.screenshot(path=SCREENSHOTS / "grid-offline-saved-phone.png", full_page=True)

        # when the network returns, the report is sent by itself, once
        context.set_offline(False)
        # (locators, not wait_for_function: the site's CSP forbids the eval that wait_for_function needs)
        page.locator("html[data-outbox-count='0']").wait_for(state="attached", timeout=20000)
        page.locator("[data-outbox-note]", has_text="已提交").wait_for(state="visible", timeout=10000)
        page.screenshot(path=SCREENSHOTS / "grid-offline-sent-phone.png", full_page=True)
        page.evaluate("window.dispatchEvent(new Event('online'))")  # a second wake-up sends nothing more
        page.wait_for_timeout(1500)
        orders = list(WorkOrder.objects.all())
        assert len(orders) == 1
        assert orders[0].channel == Channel.GRID and orders[0].reported_by_id == tree.grid_worker.pk
        assert "井盖松动" in orders[0].description
        photos = list(Photo.objects.filter(order=orders[0]))
        assert len(photos) == 1 and photos[0].uploaded_by_id == tree.grid_worker.pk and photos[0].image.size > 0
    finally:
        context.close()


def test_a_report_whose_answer_was_lost_is_sent_again_and_still_makes_one_order_with_one_photo(
    browser,  # noqa: F811
    live_server,
    tree,
):
    services.categories_seed(district=tree.district)
    # (no service worker here: the test stands between the page and the server, which a worker would hide)
    context = browser.new_context(**PHONE, service_workers="block")
    try:
        page = grid_form_on_a_phone(context, live_server, tree)

        # given a report with a photo written offline
        context.set_offline(True)
        report_with_a_photo(page, tree, "3号楼门前路灯不亮", small_jpeg("lamp.jpg", color=(200, 180, 20)))
        page.locator("html[data-outbox-count='1']").wait_for(state="attached", timeout=10000)

        # when the network returns but the server's answer is lost on the way back (it filed the order)
        posts = []

        def answer_lost(route):
            route.fetch()  # the server receives the report and files it
            posts.append(route.request.url)
            route.abort("connectionreset")  # …and the phone never hears back

        context.route(
            "**/intake/grid/", lambda route: answer_lost(route) if route.request.method == "POST" else route.continue_()
        )
        context.set_offline(False)  # the page hears "online" and sends
        for _ in range(80):
            if posts:
                break
            page.wait_for_timeout(250)
        assert posts, "the phone did not send its report when the network returned"
        assert WorkOrder.objects.count() == 1
        page.locator("html[data-outbox-count='1']").wait_for(state="attached", timeout=10000)  # no answer: kept

        # then the next wake-up sends it again, under the same key: the server answers with the first filing
        context.unroute("**/intake/grid/")
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.locator("html[data-outbox-count='0']").wait_for(state="attached", timeout=20000)
        page.screenshot(path=SCREENSHOTS / "grid-offline-resent-phone.png", full_page=True)
        orders = list(WorkOrder.objects.all())
        assert len(orders) == 1 and "路灯不亮" in orders[0].description
        assert Photo.objects.filter(order=orders[0]).count() == 1
    finally:
        context.close()
