"""码上反馈: the resident's QR page, the tracking page, the rating, the rate limit and the tenant boundary of the
public tokens."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.actors import SystemActor
from workorders import services
from workorders.intake import forms
from workorders.models import Channel, Photo, State, WorkOrder

from .test_photos import has_gps, jpeg_with_gps, small_jpeg, text_as_jpeg

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

DESCRIPTION = "5号楼东侧路灯坏了一个星期，晚上很黑，老人出门不安全"


pytestmark = pytest.mark.usefixtures("fresh_media_and_cache")


def report_url(compound):
    return reverse("intake:report", args=[compound.public_token])


def post_report(client, compound, category, ip="10.0.0.1", **extra):
    data = {"category": category.pk, "description": DESCRIPTION, "reporter_phone": "", **extra}
    return client.post(report_url(compound), data, REMOTE_ADDR=ip)


def resolve(order, resolution="已更换路灯灯泡，恢复照明"):
    """Move an order to resolved through the services, as its handler would (system actor)."""
    order = services.work_order_route(actor=SYSTEM, order_id=order.pk)
    services.work_order_accept(actor=SYSTEM, order=order)
    return services.work_order_resolve(actor=SYSTEM, order=order, resolution=resolution)


# ---------------------------------------------------------------------------------------------------- the QR page


def test_the_qr_page_lists_the_districts_categories_as_big_choices(client, tree, categories):
    response = client.get(report_url(tree.compounds[0]))
    body = response.content.decode()
    assert response.status_code == 200
    assert tree.compounds[0].name in body and "扫码反映问题" in body
    assert 'lang="zh-CN"' in body
    for category in categories.values():
        assert f'value="{category.pk}"' in body and category.name in body
    assert "no-store" in response["Cache-Control"]


def test_an_unknown_token_is_a_404(client, tree, categories):
    assert client.get("/q/not-a-real-token/report/").status_code == 404
    assert client.post("/q/not-a-real-token/report/", {"description": DESCRIPTION}).status_code == 404
    assert WorkOrder.objects.count() == 0


def test_a_resident_files_with_a_photo_and_gets_a_tracking_code(client, tree, categories):
    # given the QR page of a compound
    compound, category = tree.compounds[0], categories["street-lamp"]
    # when a resident files with a photo taken on their phone (with GPS) and their phone number
    response = client.post(
        report_url(compound),
        {
            "category": category.pk,
            "description": DESCRIPTION,
            "reporter_phone": "138 1234 5678",
            "photos": jpeg_with_gps(),
        },
        REMOTE_ADDR="10.0.0.1",
    )
    # then the order is saved, on the resident QR channel, with no staff member as reporter
    order = WorkOrder.objects.get()
    assert order.channel == Channel.RESIDENT_QR and order.reported_by is None
    assert order.compound == compound and order.district == tree.district and order.category == category
    assert order.description == DESCRIPTION and order.title == DESCRIPTION
    assert order.reporter_phone == "13812345678"
    # and the photo is stored without its location
    photo = order.photos.get()
    assert photo.uploaded_by is None
    with photo.image.open("rb") as handle:
        assert not has_gps(handle.read())
    # and the resident lands on the tracking page with the code shown big and copyable
    assert response.status_code == 302
    assert response["Location"] == f"/track/{order.tracking_code}/?new=1"
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "提交成功" in body
    assert f'<p class="code-card__code" data-tracking-code>{order.tracking_code}</p>' in body
    assert f'data-copy="{order.tracking_code}"' in body
    assert f"http://testserver/track/{order.tracking_code}/" in body
    assert "已提交" in body and "路灯照明" in body
    # and sees their own photo through the tracking code
    photo_url = reverse("intake:track-photo", args=[order.tracking_code, photo.pk])
    assert photo_url in body
    image = client.get(photo_url)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert not has_gps(b"".join(image.streaming_content))


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"category": ""}, "请选择问题类别。"),
        ({"description": "   "}, "请描述您遇到的问题。"),
        ({"description": "很" * 1001}, "问题描述不能超过 1000 字（当前 1001 字）。"),
        ({"reporter_phone": "12345"}, "不是有效的手机号或带区号的固定电话"),
    ],
)
def test_bad_input_gets_a_chinese_error_and_keeps_what_was_typed(client, tree, categories, data, field_error):
    category = categories["noise"]
    fields = {"category": category.pk, "description": DESCRIPTION, "reporter_phone": "029-88886666", **data}
    response = client.post(report_url(tree.compounds[0]), fields, REMOTE_ADDR="10.0.0.1")
    body = response.content.decode()
    assert response.status_code == 400
    assert field_error in body and "您填写的内容已保留" in body
    # what the resident typed is still there
    if data.get("description") is None:
        assert DESCRIPTION in body
    if "reporter_phone" not in data:
        assert 'value="029-88886666"' in body
    if "category" not in data:
        assert re.search(rf'value="{category.pk}"[^>]*checked', body)
    assert WorkOrder.objects.count() == 0


def test_a_text_file_named_jpg_is_refused_in_chinese_and_nothing_is_filed(client, tree, categories):
    response = post_report(client, tree.compounds[0], categories["noise"], photos=text_as_jpeg("楼道.jpg"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "文件“楼道.jpg”不是可识别的图片" in body
    assert "请重新选择照片" in body and DESCRIPTION in body
    assert WorkOrder.objects.count() == 0 and Photo.objects.count() == 0


def test_a_fourth_photo_is_refused(client, tree, categories):
    files = [small_jpeg(f"p{i}.jpg") for i in range(4)]
    response = post_report(client, tree.compounds[0], categories["noise"], photos=files)
    assert response.status_code == 400
    assert "最多上传 3 张照片，您选择了 4 张。" in response.content.decode()
    assert WorkOrder.objects.count() == 0
    # three are fine
    response = post_report(client, tree.compounds[0], categories["noise"], photos=[small_jpeg() for _ in range(3)])
    assert response.status_code == 302
    assert WorkOrder.objects.get().photos.count() == 3


def test_a_category_of_another_district_is_refused(client, tree, other_tree, categories):
    theirs = services.categories_seed(actor=SYSTEM, district=other_tree.district)[0]
    response = post_report(client, tree.compounds[0], theirs)
    assert response.status_code == 400
    assert "所选问题类别不存在或已停用" in response.content.decode()
    assert WorkOrder.objects.count() == 0


def test_the_title_is_the_first_line_of_the_description_shortened():
    from workorders.intake.forms import title_from

    assert title_from("  楼道堆物\n3号楼2单元") == "楼道堆物"
    assert title_from("很" * 40) == "很" * 29 + "…"


# ---------------------------------------------------------------------------------------------------- rate limit

QR_LIMIT = 5  # settings.RATE_LIMITS["qr-filing"] = "5/10m"


def test_a_flood_from_one_ip_is_stopped_while_other_residents_still_file(client, tree, categories):
    compound, category = tree.compounds[0], categories["sanitation"]
    # given one client that has filed the limit
    for _ in range(QR_LIMIT):
        assert post_report(client, compound, category, ip="10.0.0.66").status_code == 302
    # when it files once more
    response = post_report(client, compound, category, ip="10.0.0.66")
    # then it gets a friendly Chinese 429, with what it typed kept, and nothing is filed
    body = response.content.decode()
    assert response.status_code == 429
    assert "您提交得太频繁了，请 10 分钟后再试。" in body and DESCRIPTION in body
    assert response["Retry-After"] == str(600)
    assert WorkOrder.objects.count() == QR_LIMIT
    # and another resident (another IP) still files, as does the same IP at another compound
    assert post_report(client, compound, category, ip="10.0.0.77").status_code == 302
    assert post_report(client, tree.compounds[1], category, ip="10.0.0.66").status_code == 302
    assert WorkOrder.objects.count() == QR_LIMIT + 2
    assert set(WorkOrder.objects.values_list("channel", flat=True)) == {Channel.RESIDENT_QR}


def test_over_the_limit_the_photos_are_not_even_decoded(client, tree, categories, monkeypatch):
    compound, category = tree.compounds[0], categories["sanitation"]
    for _ in range(QR_LIMIT):
        post_report(client, compound, category, ip="10.0.0.66")

    def refuse(**kwargs):
        raise AssertionError("photo decoded for a client over the limit")

    monkeypatch.setattr(forms, "photo_prepare", refuse)
    response = post_report(client, compound, category, ip="10.0.0.66", photos=small_jpeg())
    assert response.status_code == 429 and DESCRIPTION in response.content.decode()
    assert WorkOrder.objects.count() == QR_LIMIT


def test_invalid_posts_do_not_use_up_the_limit(client, tree, categories):
    for _ in range(QR_LIMIT + 2):
        assert post_report(client, tree.compounds[0], categories["noise"], description="").status_code == 400
    assert post_report(client, tree.compounds[0], categories["noise"]).status_code == 302


def test_when_the_cache_is_down_orders_are_still_accepted(client, tree, categories, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "incr", broken)
    monkeypatch.setattr(cache, "add", broken)
    monkeypatch.setattr(cache, "get", broken)
    assert post_report(client, tree.compounds[0], categories["noise"]).status_code == 302
    assert WorkOrder.objects.count() == 1


# ---------------------------------------------------------------------------------------------------- tracking page


def test_the_tracking_page_shows_status_and_timeline_but_no_personal_data(client, tree, categories):
    # given a resident's order with their phone, worked by named staff
    tree.firm_staff.full_name = "王建国"
    tree.firm_staff.save()
    post_report(client, tree.compounds[0], categories["corridor-clutter"], reporter_phone="13812345678")
    order = WorkOrder.objects.get()
    order = services.work_order_route(actor=SYSTEM, order_id=order.pk)
    services.work_order_accept(actor=tree.firm_staff, order=order)
    # when anyone opens the tracking page
    body = client.get(reverse("intake:track", args=[order.tracking_code])).content.decode()
    # then it shows the state and the public timeline
    assert "已受理" in body and "提交" in body and "自动分派" in body
    # and no phone number (full or masked), no staff name or login, no handler firm
    for secret in ("13812345678", "138****5678", "王建国", tree.firm_staff.username, tree.firm.name):
        assert secret not in body


def test_a_lowercase_code_is_found_and_unknown_codes_are_404(client, tree, categories):
    post_report(client, tree.compounds[0], categories["noise"])
    code = WorkOrder.objects.get().tracking_code
    response = client.get(f"/track/{code.lower()}/")
    assert response.status_code == 302 and response["Location"] == f"/track/{code}/"
    assert client.get("/track/ZZZZZZZZZZZZ/").status_code == 404
    # the lookup form sends a known code to its page and says so in Chinese otherwise
    assert client.get("/track/", {"code": code.lower()})["Location"] == f"/track/{code}/"
    assert "没有找到该查询码对应的诉求" in client.get("/track/", {"code": "ZZZZZZZZZZZZ"}).content.decode()


def test_a_resolved_order_is_rated_on_six_levels(client, tree, categories):
    # given a resolved order
    post_report(client, tree.compounds[0], categories["street-lamp"])
    order = resolve(WorkOrder.objects.get())
    url = reverse("intake:track", args=[order.tracking_code])
    body = client.get(url).content.decode()
    assert "已办结" in body and "已更换路灯灯泡，恢复照明" in body
    for label in ("很满意", "满意", "一般", "时间长", "态度差", "业务差"):
        assert f">{label}</label>" in body
    # when the resident submits without choosing, they are asked to choose
    response = client.post(url, {"comment": "谢谢"})
    assert response.status_code == 400 and "请选择一项评价。" in response.content.decode()
    # when they rate it
    response = client.post(url, {"satisfaction": "very_satisfied", "comment": "修得很快"})
    # then the rating is stored through the service and the page thanks them
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.RATED and order.satisfaction == "very_satisfied"
    assert order.rating_comment == "修得很快"
    body = client.get(response["Location"]).content.decode()
    assert "感谢您的评价" in body and "已评价" in body and "提交评价" not in body
    # and rating twice is refused in Chinese, the first rating kept
    response = client.post(url, {"satisfaction": "poor_service"})
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.satisfaction == "very_satisfied"


def test_a_dissatisfied_rating_reopens_the_order(client, tree, categories):
    post_report(client, tree.compounds[0], categories["street-lamp"])
    order = resolve(WorkOrder.objects.get())
    client.post(reverse("intake:track", args=[order.tracking_code]), {"satisfaction": "too_slow"})
    order.refresh_from_db()
    assert order.satisfaction == "too_slow" and order.state == State.REOPENED


def test_an_open_order_shows_no_rating_form(client, tree, categories):
    post_report(client, tree.compounds[0], categories["noise"])
    order = WorkOrder.objects.get()
    url = reverse("intake:track", args=[order.tracking_code])
    assert "提交评价" not in client.get(url).content.decode()
    response = client.post(url, {"satisfaction": "satisfied"})
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.state == State.SUBMITTED and order.satisfaction == ""


# ---------------------------------------------------------------------------------------------------- tenants


def test_a_token_of_district_b_shows_and_files_only_into_district_b(client, tree, other_tree, categories):
    ours = categories["noise"]
    theirs = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=other_tree.district)}["noise"]
    b_compound = other_tree.compounds[0]
    # the page of B's token lists B's categories, never A's
    body = client.get(report_url(b_compound)).content.decode()
    assert b_compound.name in body and f'value="{theirs.pk}"' in body
    assert f'value="{ours.pk}"' not in body and tree.compounds[0].name not in body
    # posting A's category with B's token files nothing
    assert post_report(client, b_compound, ours).status_code == 400
    assert WorkOrder.objects.count() == 0
    # a proper B report lands in B, and A has no orders
    assert post_report(client, b_compound, theirs).status_code == 302
    order = WorkOrder.objects.get()
    assert order.district == other_tree.district and order.compound == b_compound
    assert not WorkOrder.objects.filter(district=tree.district).exists()


def test_a_tracking_code_opens_only_its_own_orders_photos(client, tree, other_tree, categories):
    theirs = services.categories_seed(actor=SYSTEM, district=other_tree.district)[0]
    post_report(client, tree.compounds[0], categories["noise"], photos=small_jpeg())
    post_report(client, other_tree.compounds[0], theirs, photos=small_jpeg(), ip="10.0.0.2")
    a_order = WorkOrder.objects.get(district=tree.district)
    b_photo = Photo.objects.get(district=other_tree.district)
    a_photo = a_order.photos.get()
    assert client.get(reverse("intake:track-photo", args=[a_order.tracking_code, a_photo.pk])).status_code == 200
    assert client.get(reverse("intake:track-photo", args=[a_order.tracking_code, b_photo.pk])).status_code == 404
    # a staff member's photo on the order is not shown to residents
    b_photo.order = a_order
    b_photo.uploaded_by = tree.street_staff
    b_photo.save()
    assert client.get(reverse("intake:track-photo", args=[a_order.tracking_code, b_photo.pk])).status_code == 404
