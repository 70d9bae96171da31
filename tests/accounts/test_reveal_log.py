"""The district's reveal log: a page and an API endpoint for its officials, filterable, never another district's."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.actors import SystemActor
from accounts.models import PersonalDataReveal
from accounts.privacy import record_reveal

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)


@pytest.fixture
def reveals(tree, other_tree, file_order_factory):
    """Three reveals in district A (two people, two fields), one in district B."""
    a = file_order_factory(reporter_name="张三", reporter_phone="13812345678")
    record_reveal(actor=tree.street_staff, obj=a, fields=["reporter_name", "reporter_phone"], via="/workorders/1/")
    record_reveal(actor=tree.firm_staff, obj=a, fields=["reporter_phone"], via="/api/v1/work-orders/1/")
    record_reveal(actor=tree.official, obj=tree.street_staff, fields=["username"], via="/people/")
    from workorders import services

    category = services.categories_seed(actor=SYSTEM, district=other_tree.district)[0]
    b = services.work_order_file(
        actor=SYSTEM,
        compound=other_tree.compounds[0],
        category=category,
        channel="resident_qr",
        title="乙区",
        description="乙区",
        reporter_phone="13900001111",
    )
    record_reveal(actor=other_tree.official, obj=b, fields=["reporter_phone"], via="/乙区/")
    return {"a": a, "b": b}


def test_the_page_lists_the_districts_reveals_newest_first(client, tree, reveals):
    client.force_login(tree.official)

    response = client.get(reverse("reveal-log"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "个人信息查看记录" in body and "共 3 条" in body
    assert f"工单 {reveals['a'].tracking_code}" in body and "联系电话" in body and "反映人" in body
    assert "/workorders/1/" in body and tree.street_staff.display_name in body
    assert "乙区" not in body and "13812345678" not in body and "张三" not in body


def test_the_page_filters(client, tree, reveals):
    client.force_login(tree.official)
    url = reverse("reveal-log")

    by_person = client.get(url, {"actor": tree.firm_staff.pk}).content.decode()
    by_field = client.get(url, {"field": "reporter_name"}).content.decode()
    by_type = client.get(url, {"record_type": "accounts.user"}).content.decode()
    by_code = client.get(url, {"q": reveals["a"].tracking_code}).content.decode()

    assert "共 1 条" in by_person and "/api/v1/work-orders/1/" in by_person
    assert "共 1 条" in by_field and "/workorders/1/" in by_field
    assert "共 1 条" in by_type and "/people/" in by_type
    assert "共 2 条" in by_code


def test_a_person_of_another_district_is_refused_like_a_missing_one(client, tree, other_tree, reveals):
    client.force_login(tree.official)
    foreign = client.get(reverse("reveal-log"), {"actor": other_tree.official.pk})
    missing = client.get(reverse("reveal-log"), {"actor": 99999999})
    assert foreign.status_code == missing.status_code == 400
    assert "乙区" not in foreign.content.decode()


@pytest.mark.parametrize("role", ["street_staff", "cadre", "grid_worker", "firm_staff", "department_staff"])
def test_only_the_districts_officials_read_the_log(client, tree, reveals, role):
    user = getattr(tree, role)
    client.force_login(user)
    assert client.get(reverse("reveal-log")).status_code == 403
    api = APIClient()
    api.force_authenticate(user)
    assert api.get(reverse("personal-data-reveal-list")).status_code == 403


def test_the_api_lists_and_filters_the_districts_reveals(tree, other_tree, reveals):
    api = APIClient()
    api.force_authenticate(tree.official)
    url = reverse("personal-data-reveal-list")

    everything = api.get(url).json()
    phone = api.get(url, {"field": "reporter_phone", "record_type": "workorders.workorder"}).json()
    dated = api.get(url, {"date_from": "2000-01-01", "date_to": "2000-01-02"}).json()
    bad_date = api.get(url, {"date_from": "2026-02-30"})

    assert everything["count"] == 3
    first = everything["results"][0]
    assert set(first) >= {"at", "actor", "actor_label", "record_type", "object_id", "object_label", "fields", "via"}
    assert {r["object_label"] for r in everything["results"]} >= {f"工单 {reveals['a'].tracking_code}"}
    assert phone["count"] == 2 and all("reporter_phone" in r["fields"] for r in phone["results"])
    assert dated["count"] == 0
    assert bad_date.status_code == 400
    assert "乙区" not in str(everything)


def test_another_districts_reveal_is_a_404(tree, other_tree, reveals):
    api = APIClient()
    api.force_authenticate(tree.official)
    theirs = PersonalDataReveal.objects.get(district=other_tree.district)
    assert api.get(reverse("personal-data-reveal-detail", args=[theirs.pk])).status_code == 404
    mine = PersonalDataReveal.objects.filter(district=tree.district).first()
    assert api.get(reverse("personal-data-reveal-detail", args=[mine.pk])).status_code == 200
