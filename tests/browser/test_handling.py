"""Headless Chromium, handling: the queue at desktop and phone size (sortable, open orders first), the unit
picker searched with the keyboard, the order page's sticky next step on a phone (accept-and-start in one tap,
the page coming back to the bar, not the top) and the reported location on a small map. Screenshots in
var/screenshots/handling-*.png."""

import pytest
from django.urls import reverse

from tests.browser.conftest import SCREENSHOTS, SIZES, sign_in
from tests.browser.test_map import offsite, watch_requests
from tests.factories import SYSTEM
from tests.workorders.test_api import make_order
from workorders import services
from workorders.models import Channel, State, WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def orders(tree):
    made = [make_order(tree, compound=tree.compounds[i % 4], title=f"楼道堆物 {i}") for i in range(6)]
    services.work_order_reject(actor=tree.street_staff, order=made[5], reason="重复反映")
    services.work_order_return(actor=tree.firm_staff, order=made[4], reason="非物业职责")
    return made


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_queue_sorts_and_fits_the_screen(browser, live_server, tree, orders, size):
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    try:
        sign_in(page, live_server, tree.street_staff.username)
        page.goto(f"{live_server.url}{reverse('workorders:queue')}")
        # open orders only: the rejected one is not listed
        assert page.locator("tbody tr").count() == 5
        if size == "desktop":  # the column's header
            page.locator("th a.sort-link", has_text="小区").click()
        else:  # the table is cards on a phone: the filter bar's 排序 select (submits on change)
            with page.expect_navigation():
                page.locator("select[name=ordering]").select_option("compound")
        page.wait_for_load_state("networkidle")
        assert "ordering=compound" in page.url
        assert page.locator('th[aria-sort="ascending"]').count() == 1
        assert page.locator("select[name=ordering]").input_value() == "compound"
        width = SIZES[size]["viewport"]["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SCREENSHOTS / f"handling-queue-{size}.png"), full_page=True)
    finally:
        context.close()


def test_the_unit_picker_searches_with_the_keyboard(browser, live_server, tree, orders):
    returned = orders[4]
    context = browser.new_context(**SIZES["desktop"])
    page = context.new_page()
    try:
        sign_in(page, live_server, tree.street_staff.username)
        page.goto(f"{live_server.url}{reverse('workorders:detail', args=[returned.pk])}#action-assign")
        search = page.locator("#action-assign [data-unit-search]")
        search.fill("第2社区")
        search.press("Enter")  # searches now and moves to the select
        option = page.locator("#action-assign optgroup[data-results] option", has_text=tree.communities[1].name)
        option.wait_for(state="attached")
        assert page.evaluate("document.activeElement.tagName") == "SELECT"
        page.locator("#action-assign select").select_option(f"community:{tree.communities[1].pk}")
        page.screenshot(path=str(SCREENSHOTS / "handling-unit-picker-desktop.png"), full_page=False)
        page.locator("#action-assign button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        returned.refresh_from_db()
        assert returned.state == State.ASSIGNED and returned.handler_community_id == tree.communities[1].pk
        assert page.url.endswith("#next")
    finally:
        context.close()


def test_the_handler_accepts_and_starts_with_one_tap_from_the_sticky_bar(browser, live_server, tree, orders):
    order = orders[0]
    context = browser.new_context(**SIZES["phone"])
    page = context.new_page()
    try:
        sign_in(page, live_server, tree.firm_staff.username)
        page.goto(f"{live_server.url}{reverse('workorders:detail', args=[order.pk])}")
        bar = page.locator("[data-next-action]")
        page.mouse.wheel(0, 1500)
        page.wait_for_timeout(200)
        assert bar.bounding_box()["y"] <= 1  # stuck to the top while scrolled
        button = bar.get_by_role("button", name="受理并开始处理")
        assert button.bounding_box()["height"] >= 44
        page.screenshot(path=str(SCREENSHOTS / "handling-order-phone-before.png"))
        with page.expect_navigation():
            button.tap()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("#next")
        assert page.locator("[data-next-action] .state").inner_text() == "处理中"  # the badge follows the step
        order.refresh_from_db()
        assert order.state == State.IN_PROGRESS
        page.screenshot(path=str(SCREENSHOTS / "handling-order-phone-after.png"))
    finally:
        context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_reported_location_is_a_small_map(browser, live_server, tree, size):
    categories = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}
    order = services.work_order_file(
        actor=tree.grid_worker,
        compound=tree.compounds[0],
        category=categories["corridor-clutter"],
        channel=Channel.GRID,
        title="楼道堆物",
        description="1号楼楼道堆放纸箱",
        latitude="34.158312",
        longitude="108.936701",
    )
    assert WorkOrder.objects.get(pk=order.pk).latitude is not None
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    requests = watch_requests(page)
    try:
        sign_in(page, live_server, tree.street_staff.username)
        page.goto(f"{live_server.url}{reverse('workorders:detail', args=[order.pk])}#location")
        page.locator("#order-map[data-ready]").wait_for(state="attached")
        assert page.locator("#order-map .leaflet-interactive").count() >= 1
        assert offsite(requests) == [], offsite(requests)  # our Leaflet, no tiles unless configured
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["viewport"]["width"]
        page.screenshot(path=str(SCREENSHOTS / f"handling-map-{size}.png"), full_page=size == "desktop")
    finally:
        context.close()


def test_photos_before_and_after_on_the_order_and_tracking_pages(
    browser,
    live_server,
    tree,
    orders,
    settings,
    tmp_path,
):
    from tests.workorders.test_photos import small_jpeg
    from workorders.intake.photos import photo_prepare

    settings.MEDIA_ROOT = tmp_path / "media"
    order = orders[0]
    services.work_order_accept(actor=tree.firm_staff, order=order)
    services.work_order_resolve(
        actor=tree.firm_staff,
        order=order,
        resolution="已清理楼道杂物",
        photos_before=[photo_prepare(upload=small_jpeg("before.jpg"))],
        photos_after=[photo_prepare(upload=small_jpeg("after.jpg", color=(10, 10, 200)))],
    )
    context = browser.new_context(**SIZES["phone"])
    page = context.new_page()
    try:
        sign_in(page, live_server, tree.street_staff.username)
        page.goto(f"{live_server.url}{reverse('workorders:detail', args=[order.pk])}")
        for stage in ("before", "after"):
            image = page.locator(f'[data-photo-stage="{stage}"] img')
            image.wait_for(state="visible")
            # loading="lazy": the phone fetches an image once it is near the screen, so look at it and let it load
            image.scroll_into_view_if_needed()
            page.wait_for_function("(img) => img.complete", arg=image.element_handle())
            assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) > 0
        page.locator('[data-photo-stage="before"]').scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "handling-resolution-photos-phone.png"))
        page.goto(f"{live_server.url}{reverse('intake:track', args=[order.tracking_code])}")
        section = page.locator("[data-resolution-photos]")
        assert section.locator("img").count() == 2
        section.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "handling-tracking-photos-phone.png"))
    finally:
        context.close()
