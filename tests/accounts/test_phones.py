"""One phone rule (accounts.phones, phonenumbers with region CN) for every form, serializer and service."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from accounts.phones import normalise_phone
from tests.factories import SYSTEM, api_key_for


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812341234", "13812341234"),
        ("138 1234 1234", "13812341234"),
        ("+86 138-1234-1234", "13812341234"),
        ("029-81234567", "029-81234567"),
        ("(029) 8123 4567", "029-81234567"),
        ("02981234567", "029-81234567"),
        ("010-65123456", "010-65123456"),
        ("+86 10 6512 3456", "010-65123456"),
        ("0755-86013388", "0755-86013388"),
        ("", ""),
    ],
)
def test_mobiles_and_landlines_with_area_codes_are_stored_in_one_spelling(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["12345", "81234567", "138****1234", "1381234123", "+1 415 555 0100", "abc", "1" * 50, "13812341234\x00"],
)
def test_what_is_not_a_chinese_number_is_refused_in_chinese(typed):
    with pytest.raises(ValidationError) as refused:
        normalise_phone(typed, field="phone")
    assert "不是有效的手机号或带区号的固定电话" in refused.value.message_dict["phone"][0]


@pytest.mark.django_db
def test_the_qr_form_normalises_and_refuses(client, tree):
    from django.urls import reverse

    from workorders import services
    from workorders.models import WorkOrder

    category = services.categories_seed(actor=SYSTEM, district=tree.district)[0]
    url = reverse("intake:report", args=[tree.compounds[0].public_token])
    data = {"category": category.pk, "description": "3号楼楼道堆满纸箱"}
    bad = client.post(url, {**data, "reporter_phone": "12345"})
    assert bad.status_code == 400 and "不是有效的手机号" in bad.content.decode()
    assert not WorkOrder.objects.exists()
    assert client.post(url, {**data, "reporter_phone": "(029) 8123 4567"}).status_code == 302
    assert WorkOrder.objects.get().reporter_phone == "029-81234567"


@pytest.mark.django_db
def test_the_api_and_the_service_use_the_same_rule(tree):
    from workorders import services
    from workorders.models import WorkOrder

    category = services.categories_seed(actor=SYSTEM, district=tree.district)[0]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(tree.official)}")
    body = {
        "compound": tree.compounds[0].pk,
        "category": category.pk,
        "channel": "phone",
        "title": "楼道堆物",
        "description": "3号楼楼道堆满纸箱",
    }
    bad = client.post("/api/v1/work-orders/", {**body, "reporter_phone": "138****1234"}, format="json")
    assert bad.status_code == 400 and "不是有效的手机号" in bad.json()["reporter_phone"][0]
    good = client.post("/api/v1/work-orders/", {**body, "reporter_phone": "+86 138 1234 1234"}, format="json")
    assert good.status_code == 201, good.content
    assert WorkOrder.objects.get().reporter_phone == "13812341234"
    firm = client.patch(f"/api/v1/property-firms/{tree.firm.pk}/", {"contact_phone": "12345"}, format="json")
    assert firm.status_code == 400 and "不是有效的手机号" in firm.json()["contact_phone"][0]
    firm = client.patch(f"/api/v1/property-firms/{tree.firm.pk}/", {"contact_phone": "02981234567"}, format="json")
    assert firm.status_code == 200 and firm.json()["contact_phone"] == "029-81234567"
