"""格格发现 and the staff entry form (scoped compounds, filing as the actor), the staff photo view and the QR
poster: another district's compound or photo is a 404, a compound outside the actor's scope is refused."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.actors import SystemActor
from workorders.intake.photos import photo_prepare, photo_store
from workorders.models import Channel, Photo, WorkOrder

from .test_photos import has_gps, jpeg_with_gps, small_jpeg

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

DESCRIPTION = "2号楼北侧井盖松动，车辆经过时有响声"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def grid_post(client, compound, category, **extra):
    data = {"compound": compound.pk, "category": category.pk, "description": DESCRIPTION, **extra}
    return client.post(reverse("intake:grid"), data)


def staff_post(client, compound, category, **extra):
    data = {
        "channel": Channel.PHONE,
        "compound": compound.pk,
        "category": category.pk,
        "description": DESCRIPTION,
        **extra,
    }
    return client.post(reverse("intake:staff"), data)


# ---------------------------------------------------------------------------------------------------- 格格发现


def test_the_grid_form_lists_only_the_compounds_of_the_workers_grids(client, tree, other_tree, categories):
    client.force_login(tree.grid_worker)
    body = client.get(reverse("intake:grid")).content.decode()
    # grid 0 covers the buildings of community 0: compounds 0 and 1
    assert tree.compounds[0].name in body and tree.compounds[1].name in body
    assert tree.compounds[2].name not in body and "乙区" not in body
    assert 'name="latitude"' in body and "data-locate" in body and 'class="action-bar"' in body


def test_a_grid_worker_files_with_photo_and_position(client, tree, categories):
    # given a grid worker on their round
    client.force_login(tree.grid_worker)
    # when they report a loose manhole cover with a photo and the phone's position
    response = grid_post(
        client,
        tree.compounds[1],
        categories["manhole-cover"],
        latitude="34.158312",
        longitude="108.936701",
        photos=jpeg_with_gps(),
    )
    # then the order is filed on the grid channel, as them, with the position; the photo has no EXIF
    assert response.status_code == 302 and response["Location"] == reverse("intake:grid")
    order = WorkOrder.objects.get()
    assert order.channel == Channel.GRID and order.reported_by == tree.grid_worker
    assert order.compound == tree.compounds[1] and order.category == categories["manhole-cover"]
    assert str(order.latitude) == "34.158312" and str(order.longitude) == "108.936701"
    photo = order.photos.get()
    assert photo.uploaded_by == tree.grid_worker
    with photo.image.open("rb") as handle:
        assert not has_gps(handle.read())
    # and the form says so, with the tracking code
    body = client.get(response["Location"]).content.decode()
    assert f"查询码 {order.tracking_code}" in body


@pytest.mark.parametrize(
    ("latitude", "longitude"), [("北纬34度", "108.936701"), ("91", "108.9"), ("34.1", "1e400"), ("34.158312", "")]
)
def test_a_position_the_phone_garbled_is_dropped_and_the_report_files(client, tree, categories, latitude, longitude):
    client.force_login(tree.grid_worker)
    response = grid_post(client, tree.compounds[1], categories["manhole-cover"], latitude=latitude, longitude=longitude)
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert (order.latitude, order.longitude, order.description) == (None, None, DESCRIPTION)


def test_a_hidden_fields_error_is_said_on_the_form(client, tree, categories):
    """The form's one-time token is hidden: a token the page never gave is refused where the page shows errors,
    and the form comes back with a fresh one (accounts.text.CleanInputFormMixin, accounts.onetime)."""
    client.force_login(tree.grid_worker)
    response = grid_post(client, tree.compounds[1], categories["manhole-cover"], form_token="x" * 65)
    body = response.content.decode()
    assert response.status_code == 400 and "表单已失效，已为您换成新的，请再提交一次。" in body and DESCRIPTION in body
    assert "x" * 65 not in body and WorkOrder.objects.count() == 0


@pytest.mark.parametrize("which", ["same district, another grid", "another district"])
def test_a_compound_outside_the_workers_grids_is_refused(client, tree, other_tree, categories, which):
    client.force_login(tree.grid_worker)
    compound = tree.compounds[2] if which == "same district, another grid" else other_tree.compounds[0]
    response = grid_post(client, compound, categories["manhole-cover"])
    body = response.content.decode()
    assert response.status_code == 400
    assert "所选小区不在您的工作范围内，请重新选择。" in body and DESCRIPTION in body
    assert WorkOrder.objects.count() == 0


def test_other_roles_cannot_use_the_grid_form(client, tree, categories):
    client.force_login(tree.street_staff)
    response = grid_post(client, tree.compounds[0], categories["noise"])
    assert response.status_code == 403 and "格格发现仅供网格员和驻点社区干部使用" in response.content.decode()
    assert WorkOrder.objects.count() == 0


def test_the_grid_form_keeps_the_input_on_errors(client, tree, categories):
    client.force_login(tree.grid_worker)
    response = grid_post(client, tree.compounds[0], categories["noise"], description="", photos=small_jpeg())
    body = response.content.decode()
    assert response.status_code == 400 and "请描述您遇到的问题。" in body
    assert f'<option value="{tree.compounds[0].pk}" selected>' in body
    assert "请重新选择照片" in body
    assert WorkOrder.objects.count() == 0


# ---------------------------------------------------------------------------------------------------- staff entry


def test_street_staff_enter_a_phone_call_for_a_compound_of_their_street(client, tree, categories):
    client.force_login(tree.street_staff)
    page = client.get(reverse("intake:staff")).content.decode()
    assert all(c.name in page for c in tree.compounds[:4])
    assert not any(c.name in page for c in tree.compounds[4:])
    response = staff_post(client, tree.compounds[3], categories["noise"], reporter_phone="13900001111")
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.channel == Channel.PHONE and order.reported_by == tree.street_staff
    assert order.first_receiver == tree.street_staff and order.reporter_phone == "13900001111"


def test_an_order_from_above_keeps_its_number(client, tree, categories):
    client.force_login(tree.cadre)
    response = staff_post(
        client,
        tree.compounds[0],
        categories["safety-hazard"],
        channel=Channel.ASSIGNED_FROM_ABOVE,
        external_number="QX-2026-0042",
    )
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.channel == Channel.ASSIGNED_FROM_ABOVE and order.external_number == "QX-2026-0042"
    # a number on a walk-in is refused in Chinese
    response = staff_post(client, tree.compounds[0], categories["noise"], channel=Channel.WALK_IN, external_number="X1")
    assert response.status_code == 400 and "只有上级下派的工单才填写交办编号。" in response.content.decode()
    assert WorkOrder.objects.count() == 1


@pytest.mark.parametrize("which", ["another street", "another district"])
def test_a_compound_outside_the_staff_members_scope_is_refused(client, tree, other_tree, categories, which):
    client.force_login(tree.street_staff)
    compound = tree.compounds[4] if which == "another street" else other_tree.compounds[0]
    response = staff_post(client, compound, categories["noise"])
    assert response.status_code == 400
    assert "所选小区不在您的工作范围内" in response.content.decode()
    assert WorkOrder.objects.count() == 0


def test_a_community_cadre_sees_only_their_communitys_compounds(client, tree, categories):
    client.force_login(tree.cadre)
    page = client.get(reverse("intake:staff")).content.decode()
    assert tree.compounds[0].name in page and tree.compounds[1].name in page
    assert tree.compounds[2].name not in page
    assert staff_post(client, tree.compounds[2], categories["noise"]).status_code == 400
    assert WorkOrder.objects.count() == 0


def test_firm_and_department_staff_cannot_use_the_staff_form(client, tree, categories):
    for user in (tree.firm_staff, tree.department_staff, tree.grid_worker):
        client.force_login(user)
        assert client.get(reverse("intake:staff")).status_code == 403
        assert staff_post(client, tree.compounds[0], categories["noise"]).status_code == 403
    assert WorkOrder.objects.count() == 0


def test_a_bad_phone_is_refused_and_the_input_kept(client, tree, categories):
    client.force_login(tree.street_staff)
    response = staff_post(client, tree.compounds[0], categories["noise"], reporter_phone="call me")
    body = response.content.decode()
    assert response.status_code == 400 and "不是有效的手机号或带区号的固定电话" in body
    assert 'value="call me"' in body and DESCRIPTION in body
    assert WorkOrder.objects.count() == 0


# ---------------------------------------------------------------------------------------------------- photo view


@pytest.fixture
def photos(tree, other_tree, file_order, categories):
    """One photo on an order of street 1 and one on an order of street 2 of district A, one in district B."""
    from workorders import services

    b_category = services.categories_seed(actor=SYSTEM, district=other_tree.district)[0]
    a1 = file_order(compound=tree.compounds[0])
    a2 = file_order(compound=tree.compounds[4])
    b = services.work_order_file(
        actor=SYSTEM,
        compound=other_tree.compounds[0],
        category=b_category,
        channel=Channel.RESIDENT_QR,
        title="乙区楼道",
        description="乙区楼道堆物",
    )
    return {
        key: photo_store(order=order, prepared=photo_prepare(upload=small_jpeg()))
        for key, order in (("a1", a1), ("a2", a2), ("b", b))
    }


def test_staff_see_the_photos_of_orders_in_their_scope_only(client, tree, photos):
    url = lambda p: reverse("intake:photo", args=[p.pk])  # noqa: E731
    client.force_login(tree.street_staff)
    response = client.get(url(photos["a1"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert client.get(url(photos["a2"])).status_code == 404  # another street
    assert client.get(url(photos["b"])).status_code == 404  # another district
    client.force_login(tree.official)
    assert client.get(url(photos["a2"])).status_code == 200
    assert client.get(url(photos["b"])).status_code == 404
    client.logout()
    response = client.get(url(photos["a1"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_photos_are_not_served_from_a_public_media_url(client, tree, photos):
    photo = Photo.objects.get(pk=photos["a1"].pk)
    assert client.get(f"/{settings.MEDIA_URL}{photo.image.name}").status_code == 404


# ---------------------------------------------------------------------------------------------------- poster


def test_the_poster_is_an_a4_pdf_with_the_compound_name_and_url(client, tree):
    compound = tree.compounds[0]
    client.force_login(tree.street_staff)
    response = client.get(reverse("intake:poster", args=[compound.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    out = Path(settings.BASE_DIR) / "var" / "posters"
    out.mkdir(parents=True, exist_ok=True)
    pdf = out / "poster-test.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert compound.name in text and "扫码反映问题" in text
    assert "反映问题 · 满意度调查" in text  # the one QR code serves both
    assert f"http://testserver/q/{compound.public_token}/" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M) and "(A4)" in info  # one A4 page
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(pdf), str(out / "poster-test")], check=True)


def test_the_poster_of_another_districts_or_streets_compound_is_a_404(client, tree, other_tree):
    client.force_login(tree.street_staff)
    assert client.get(reverse("intake:poster", args=[tree.compounds[4].pk])).status_code == 404
    assert client.get(reverse("intake:poster", args=[other_tree.compounds[0].pk])).status_code == 404
    client.force_login(tree.official)
    assert client.get(reverse("intake:poster", args=[other_tree.compounds[0].pk])).status_code == 404
    assert client.post(reverse("intake:poster", args=[tree.compounds[0].pk])).status_code == 405
