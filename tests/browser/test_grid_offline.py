"""Headless Chromium at phone size: a grid worker writes a report with a photo and no network; it stays on the
phone (IndexedDB, the photo's bytes included) and, when the network returns, is sent once — they find exactly one
order with its photo among what they reported on their home page, and close it on the spot (the district lets
grid workers close a corridor's clutter themselves). An answer lost on the way back makes the phone send it
again: still one order, one photo. Screenshots in var/screenshots/grid-offline-*.png."""

import pytest

from tests.browser.conftest import PHONE, SCREENSHOTS, fits_the_phone
from tests.factories import SYSTEM
from tests.workorders.test_photos import small_jpeg
from workorders import services
from workorders.models import Category, Channel, Photo, State, WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def report_with_a_photo(page, tree, description: str, photo, category: str = "楼道堆物") -> None:
    """Fill the report form — the first compound, `category`, `description`, one photo — and submit."""
    page.locator("#id_compound").select_option(label=tree.compounds[0].name)
    page.locator("#id_category").select_option(label=category)
    page.locator("#id_description").fill(description)
    page.locator("input[name=photos]").set_input_files(
        files=[{"name": photo.name, "mimeType": "image/jpeg", "buffer": photo.read()}]
    )
    page.get_by_role("button", name="提交发现").tap()


def test_a_report_written_offline_is_sent_once_when_the_network_returns(browser, live_server, tree):
    services.categories_seed(actor=SYSTEM, district=tree.district)
    Category.objects.filter(district=tree.district, code="corridor-clutter").update(grid_resolves_on_the_spot=True)
    context = browser.new_context(**PHONE)
    try:
        page = grid_form_on_a_phone(context, live_server, tree)

        # when the network drops and they write and submit a report with a photo
        context.set_offline(True)
        report_with_a_photo(page, tree, "1号楼2单元楼道堆满纸箱，挡住了消防通道", small_jpeg("boxes.jpg"))

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
        order = orders[0]
        assert order.channel == Channel.GRID and order.reported_by_id == tree.grid_worker.pk
        assert "挡住了消防通道" in order.description
        photos = list(Photo.objects.filter(order=order))
        assert len(photos) == 1 and photos[0].uploaded_by_id == tree.grid_worker.pk and photos[0].image.size > 0

        # on their home page, what they reported holds exactly that one order
        with page.expect_navigation():
            page.locator("a.brand").tap()
        reported = page.locator("[data-reported] li")
        assert reported.count() == 1
        assert order.title in reported.inner_text()
        assert fits_the_phone(page)
        page.screenshot(path=SCREENSHOTS / "grid-offline-home-phone.png", full_page=True)

        # they open it and, having cleared the corridor, close it on the spot from the sticky bar
        with page.expect_navigation():
            reported.get_by_role("link").tap()
        bar = page.locator("[data-next-action]")
        bar.get_by_role("link", name="当场办结", exact=True).tap()
        form = page.locator("#action-resolve_on_the_spot")
        form.get_by_label("办理结果").fill("已和住户一起把纸箱清走，通道已畅通")
        with page.expect_navigation():
            form.get_by_role("button", name="确认当场办结").tap()
        assert page.get_by_text(f"已当场办结：{order.tracking_code}").is_visible()
        assert page.locator(".state").count() - page.locator("#timeline .state").count() == 1
        assert page.locator(".page-head .state").inner_text() == "已办结"
        assert fits_the_phone(page)
        page.screenshot(path=SCREENSHOTS / "grid-offline-resolved-phone.png", full_page=True)
        order.refresh_from_db()
        assert order.state == State.RESOLVED and order.resolution == "已和住户一起把纸箱清走，通道已畅通"
        assert WorkOrder.objects.count() == 1
    finally:
        context.close()


def test_a_report_whose_answer_was_lost_is_sent_again_and_still_makes_one_order_with_one_photo(
    browser,
    live_server,
    tree,
):
    services.categories_seed(actor=SYSTEM, district=tree.district)
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
