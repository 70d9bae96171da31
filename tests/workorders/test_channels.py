"""Hole 2 of issue 7: which role files on which channel (workorders.rules.FILING_CHANNELS), for the API, the
pages and the services alike; 12345 numbers belong to the 12345 integration; a clash of one number is a 409
with both orders kept."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import Integration, Role
from tests import factories
from workorders.models import Channel, WorkOrder

ORDERS_URL = "/api/v1/hotline/orders/"


def hotline_push(tree, **overrides):
    data = {
        "external_number": "GD20261123000777",
        "category": "楼道堆物",
        "compound": tree.compounds[0].name,
        "description": "3号楼2单元楼道堆满纸箱，影响消防通道",
    }
    return {**data, **overrides}


def staff_filing(tree, categories, **overrides):
    data = {
        "compound": tree.compounds[0].pk,
        "category": categories["noise"].pk,
        "channel": Channel.HOTLINE_12345,
        "title": "占号",
        "description": "占位",
        "external_number": "GD20261123000777",
    }
    return {**data, **overrides}


@pytest.mark.parametrize("role", ["firm_staff", "street_staff", "cadre", "official", "grid_worker"])
def test_no_staff_member_can_squat_a_12345_number_and_the_real_push_lands(tree, categories, role):
    # given: a staff member tries to file a hotline order under the number the hotline will push
    staff = APIClient()
    staff.force_authenticate(getattr(tree, role))

    # when
    squat = staff.post(reverse("workorders-api:work-order-list"), staff_filing(tree, categories), format="json")

    # then: refused with the registry's 403, nothing stored
    assert squat.status_code == 403, squat.content
    assert "接口账号" in squat.json()["detail"]
    assert not WorkOrder.objects.exists()

    # and the real push files the resident's complaint
    hotline = APIClient()
    hotline.force_authenticate(
        factories.UserFactory(role=Role.INTEGRATION, integration=Integration.HOTLINE_12345, district=tree.district)
    )
    real = hotline.post(ORDERS_URL, hotline_push(tree), format="json")
    assert real.status_code == 201
    assert WorkOrder.objects.get().description.startswith("3号楼2单元楼道堆满纸箱")


def test_a_squatted_number_from_before_the_rule_is_a_409_and_the_real_complaint_is_kept(tree, categories):
    # given: a placeholder filed under the number before the rule existed (straight into the table)
    from tests.workorders.test_api import make_order

    placeholder = make_order(tree, route=False, channel=Channel.PHONE, title="占号", description="占位")
    WorkOrder.objects.filter(pk=placeholder.pk).update(channel=Channel.HOTLINE_12345, external_number="GD-SQUAT")
    hotline = APIClient()
    hotline.force_authenticate(
        factories.UserFactory(role=Role.INTEGRATION, integration=Integration.HOTLINE_12345, district=tree.district)
    )

    # when the real push arrives
    real = hotline.post(ORDERS_URL, hotline_push(tree, external_number="GD-SQUAT"), format="json")

    # then: 409 naming both; the resident's complaint is stored, the placeholder too
    assert real.status_code == 409, real.content
    body = real.json()
    assert body["existing_order"] == placeholder.pk
    kept = WorkOrder.objects.get(pk=body["new_order"])
    assert kept.description.startswith("3号楼2单元楼道堆满纸箱") and kept.external_number == "GD-SQUAT"
    assert WorkOrder.objects.filter(external_number="GD-SQUAT").count() == 2


@pytest.mark.parametrize(
    ("role", "channel", "allowed"),
    [
        ("street_staff", Channel.PHONE, True),
        ("street_staff", Channel.GRID, False),
        ("grid_worker", Channel.GRID, True),
        ("grid_worker", Channel.PHONE, False),
        ("firm_staff", Channel.PHONE, False),
        ("department_staff", Channel.WALK_IN, False),
        ("cadre", Channel.OPEN311, False),
    ],
)
def test_the_api_asks_the_channel_table(tree, categories, role, channel, allowed):
    client = APIClient()
    client.force_authenticate(getattr(tree, role))
    data = staff_filing(tree, categories, channel=channel, external_number="", title="噪音", description="夜间施工")

    response = client.post(reverse("workorders-api:work-order-list"), data, format="json")

    assert response.status_code == (201 if allowed else 403), response.content
    assert WorkOrder.objects.exists() == allowed


def test_two_staff_filings_of_one_assigned_number_are_a_409_page_with_both_kept(client, tree, categories):
    def post(description):
        data = {
            "channel": Channel.ASSIGNED_FROM_ABOVE,
            "compound": tree.compounds[0].pk,
            "category": categories["noise"].pk,
            "description": description,
            "external_number": "QX-2026-0042",
        }
        return client.post(reverse("intake:staff"), data)

    client.force_login(tree.street_staff)
    first = post("区里交办：夜间施工扰民")
    second = post("区里交办：广场舞音响过大")

    assert first.status_code == 302
    assert second.status_code == 409 and "两张工单均已保留" in second.content.decode()
    assert WorkOrder.objects.filter(external_number="QX-2026-0042").count() == 2
