"""Handling on the spot and with photos: the grid worker closes on the spot what the district allows; the
handler resolves with photos before and after, shown on the order and tracking pages; a form refused with an
error keeps its photos, so that the corrected form files them without choosing them again; the reported
location is a small map on the order page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.onetime import STALE_MESSAGE
from tests.factories import SYSTEM
from tests.workorders.test_api import make_order
from tests.workorders.test_photos import small_jpeg
from workorders import services
from workorders.models import Channel, State, TimelineEntry, WorkOrder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_media_and_cache")]


def text(response) -> str:
    return response.content.decode()


def grid_order(tree, categories, code="corridor-clutter"):
    return services.work_order_file(
        actor=tree.grid_worker,
        compound=tree.compounds[0],
        category=categories[code],
        channel=Channel.GRID,
        title="楼道堆物",
        description="1号楼楼道堆放纸箱",
        latitude="34.158312",
        longitude="108.936701",
    )


# ---------------------------------------------------------------------------------------------------- on the spot


def test_the_grid_worker_closes_on_the_spot_what_the_district_allows(client, tree, categories):
    # given a category the district lets grid workers resolve on the spot, and an order they reported
    categories["corridor-clutter"].grid_resolves_on_the_spot = True
    categories["corridor-clutter"].save(update_fields=["grid_resolves_on_the_spot"])
    order = grid_order(tree, categories)
    client.force_login(tree.grid_worker)
    url = reverse("workorders:detail", args=[order.pk])
    assert "当场办结" in text(client.get(url))

    # when they resolve it there, with a photo after the work
    response = client.post(
        url,
        {
            "action": "resolve_on_the_spot",
            "resolve_on_the_spot-resolution": "已当场清理",
            "resolve_on_the_spot-photos_after": small_jpeg(),
        },
    )

    # then it is resolved, theirs, with both steps on the timeline and the photo marked "after"
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.RESOLVED and order.handler_user == tree.grid_worker
    assert order.resolution == "已当场清理"
    states = list(TimelineEntry.objects.filter(order=order).order_by("pk").values_list("to_state", flat=True))
    assert states[-2:] == [State.ACCEPTED, State.RESOLVED]
    assert list(order.photos.values_list("stage", "is_resolution")) == [("after", True)]


def test_on_the_spot_is_refused_outside_the_policy(client, tree, categories):
    # a category the district has not opened: not offered, and the service refuses
    order = grid_order(tree, categories, code="manhole-cover")
    client.force_login(tree.grid_worker)
    assert "当场办结" not in text(client.get(reverse("workorders:detail", args=[order.pk])))
    with pytest.raises(PermissionDenied):
        services.work_order_resolve_on_the_spot(actor=tree.grid_worker, order=order, resolution="已处理")
    # an allowed category, but reported by someone else (the street desk files it): refused too
    categories["corridor-clutter"].grid_resolves_on_the_spot = True
    categories["corridor-clutter"].save(update_fields=["grid_resolves_on_the_spot"])
    other = make_order(tree)
    with pytest.raises(PermissionDenied):
        services.work_order_resolve_on_the_spot(actor=tree.grid_worker, order=other, resolution="已处理")
    assert WorkOrder.objects.get(pk=order.pk).state != State.RESOLVED
    assert WorkOrder.objects.get(pk=other.pk).state == State.ASSIGNED


# ---------------------------------------------------------------------------------------------------- photos


def test_resolution_photos_before_and_after_show_on_the_order_and_tracking_pages(client, tree):
    order = make_order(tree)
    services.work_order_accept(actor=tree.firm_staff, order=order)
    client.force_login(tree.firm_staff)
    url = reverse("workorders:detail", args=[order.pk])
    response = client.post(
        url,
        {
            "action": "resolve",
            "resolve-resolution": "已清理楼道",
            "resolve-photos_before": small_jpeg("before.jpg"),
            "resolve-photos_after": small_jpeg("after.jpg", color=(10, 10, 200)),
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.RESOLVED
    assert sorted(order.photos.values_list("stage", flat=True)) == ["after", "before"]
    html = text(client.get(url))
    assert 'data-photo-stage="before"' in html and 'data-photo-stage="after"' in html
    # the resident sees them on the tracking page, and can open them through the tracking code
    client.logout()
    tracking = text(client.get(reverse("intake:track", args=[order.tracking_code])))
    assert "处理前后照片" in tracking
    after = order.photos.get(stage="after")
    photo = client.get(reverse("intake:track-photo", args=[order.tracking_code, after.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_the_resolution_form_keeps_its_photos_through_an_error(client, tree):
    # given an accepted order
    order = make_order(tree)
    services.work_order_accept(actor=tree.firm_staff, order=order)
    client.force_login(tree.firm_staff)
    url = reverse("workorders:detail", args=[order.pk])
    token = "a" * 32
    # when the handler sends an "after" photo but forgets the resolution
    refused = client.post(url, {"action": "resolve", "resolve-form_token": token, "resolve-photos_after": small_jpeg()})
    assert refused.status_code == 400 and "请填写办理结果" in text(refused)
    assert 'data-photos-kept="1"' in text(refused)
    # and sends the corrected form without choosing the photo again
    response = client.post(url, {"action": "resolve", "resolve-form_token": token, "resolve-resolution": "已清理"})
    # then the photo is on the order
    assert response.status_code == 302
    assert list(order.photos.values_list("stage", flat=True)) == ["after"]


@pytest.mark.parametrize("token", ["x" * 65, "x" * 2_000_000, "ab\x00cd"], ids=["65 chars", "2 MB", "NUL"])
def test_the_resolution_form_with_a_token_the_page_never_gave_says_so_and_sends_on_the_second_try(client, tree, token):
    order = make_order(tree)
    services.work_order_accept(actor=tree.firm_staff, order=order)
    client.force_login(tree.firm_staff)
    url = reverse("workorders:detail", args=[order.pk])
    refused = client.post(url, {"action": "resolve", "resolve-form_token": token, "resolve-resolution": "已清理"})
    body = text(refused)
    assert refused.status_code == 400 and str(STALE_MESSAGE) in body and "内容过长" not in body and "已清理" in body
    fresh = body.split('name="resolve-form_token" value="')[1].split('"')[0]
    assert fresh != token and len(fresh) == 32
    resent = client.post(url, {"action": "resolve", "resolve-form_token": fresh, "resolve-resolution": "已清理"})
    assert resent.status_code == 302
    order.refresh_from_db()
    assert order.state == State.RESOLVED


def test_the_qr_form_keeps_its_photo_through_an_error_and_files_it_with_the_order(client, tree, categories):
    # given the resident's QR form with its one-time token
    compound = tree.compounds[0]
    url = reverse("intake:report", args=[compound.public_token])
    page = text(client.get(url))
    token = page.split('name="form_token" value="')[1].split('"')[0]
    fields = {"form_token": token, "category": categories["street-lamp"].pk, "reporter_phone": ""}

    # when the resident sends a photo but no description
    refused = client.post(url, {**fields, "description": "", "photos": small_jpeg()}, REMOTE_ADDR="10.0.0.1")
    assert refused.status_code == 400 and 'data-photos-kept="1"' in text(refused)
    assert not WorkOrder.objects.exists()
    # (the form shown again says it kept them: the browser sends that back with the corrected form)
    assert '<input type="hidden" name="photos_kept" value="1">' in text(refused)

    # and then the corrected form, without the photo
    corrected = {**fields, "description": "3号楼门口路灯不亮", "photos_kept": "1"}
    response = client.post(url, corrected, REMOTE_ADDR="10.0.0.1")

    # then one order is filed, with the photo
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.photos.count() == 1 and order.photos.get().uploaded_by is None


def test_kept_photos_stay_with_their_own_form(client, tree, other_tree, categories):
    # a token used on another compound's form finds nothing kept
    url = reverse("intake:report", args=[tree.compounds[0].public_token])
    token = "b" * 32
    base = {"form_token": token, "category": categories["street-lamp"].pk, "reporter_phone": ""}
    client.post(url, {**base, "description": "", "photos": small_jpeg()}, REMOTE_ADDR="10.0.0.1")
    other_url = reverse("intake:report", args=[tree.compounds[1].public_token])
    client.post(other_url, {**base, "description": "路灯不亮", "photos_kept": "1"}, REMOTE_ADDR="10.0.0.1")
    assert WorkOrder.objects.get().photos.count() == 0


def test_the_grid_form_keeps_its_photo_through_an_error(client, tree, categories):
    client.force_login(tree.grid_worker)
    url = reverse("intake:grid")
    token = "c" * 32
    base = {"form_token": token, "compound": tree.compounds[0].pk, "category": categories["manhole-cover"].pk}
    refused = client.post(url, {**base, "description": "", "photos": small_jpeg()})
    assert refused.status_code == 400 and 'data-photos-kept="1"' in text(refused)
    assert client.post(url, {**base, "description": "井盖松动"}).status_code == 302
    assert WorkOrder.objects.get().photos.count() == 1


# ---------------------------------------------------------------------------------------------------- location


def test_the_order_page_shows_the_reported_location_on_a_small_map(client, tree, categories, settings):
    settings.CAPILLARY_MAP_TILE_URL = ""
    order = grid_order(tree, categories)
    client.force_login(tree.street_staff)
    html = text(client.get(reverse("workorders:detail", args=[order.pk])))
    assert 'id="order-map"' in html and 'data-lat="34.158312"' in html and 'data-lng="108.936701"' in html
    assert 'data-tile-url=""' in html and "vendor/leaflet/leaflet.js" in html
    # an order without a position has no map (and loads no Leaflet)
    plain = make_order(tree)
    html = text(client.get(reverse("workorders:detail", args=[plain.pk])))
    assert 'id="order-map"' not in html and "leaflet.js" not in html


def test_the_district_official_sets_the_categories_closed_on_the_spot(client, tree, other_tree, categories):
    client.force_login(tree.official)
    url = reverse("workorders:privacy-settings")
    assert "网格员可当场办结的类别" in text(client.get(url))
    lamp = categories["street-lamp"]
    saved = client.post(url, {"retention_years": 3, "on_the_spot_categories": [lamp.pk]})
    assert saved.status_code == 302
    lamp.refresh_from_db()
    assert lamp.grid_resolves_on_the_spot
    # a category of another district is refused in Chinese, and nothing changes
    foreign = services.categories_seed(actor=SYSTEM, district=other_tree.district)[0]
    refused = client.post(url, {"retention_years": 3, "on_the_spot_categories": [foreign.pk]})
    assert refused.status_code == 400 and "所选诉求类别不存在或不属于本区" in text(refused)
    foreign.refresh_from_db()
    assert not foreign.grid_resolves_on_the_spot
