"""The standard API tests (tests/api_testing.py) for every work-order endpoint, and the domain's rules:
filing through the service, transitions as actions, bulk assignment, masked and logged personal data."""

import logging
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.actors import SystemActor
from accounts.models import PersonalDataReveal
from tests.api_testing import MARKER, TENANCY_QUERIES, APIViewTests
from tests.workorders.conftest import MONDAY_9AM
from workorders import services
from workorders.api.serializers import ORDER_RELATED
from workorders.models import (
    Category,
    Channel,
    DeliberationMeeting,
    HandlerLevel,
    Notification,
    RoutingRule,
    State,
    TimelineEntry,
    UrgencyClass,
    WorkOrder,
)

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

serial = count(1)


def make_order(tree, *, route=True, **fields):
    categories = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}
    fields.setdefault("title", f"楼道堆物 {next(serial)}")
    fields.setdefault("description", "2单元楼道堆满纸箱")
    order = services.work_order_file(
        actor=SYSTEM,
        compound=fields.pop("compound", tree.compounds[0]),
        category=categories[fields.pop("category", "corridor-clutter")],
        channel=fields.pop("channel", Channel.RESIDENT_QR),
        now=MONDAY_9AM,
        **fields,
    )
    if route:
        services.work_order_route(actor=SYSTEM, order_id=order.pk, now=MONDAY_9AM)
    order.refresh_from_db()
    return order


# ---------------------------------------------------------------------------------------------------- standard


class TestUrgencyClassAPI(APIViewTests):
    url_name = "workorders-api:urgency-class"
    model = UrgencyClass
    reader_without_change = "street_staff"
    update_data = {"resolve_hours": 200}
    list_query_limit = 2

    def make_object(self, tree):
        n = next(serial)
        return UrgencyClass.objects.create(
            district=tree.district, code=f"c{n}", name=f"等级{n}", respond_hours=2, resolve_hours=48
        )

    def create_data(self, tree):
        return {"code": "night", "name": "夜间", "respond_hours": 1, "resolve_hours": 8, "calendar_time": True}


class TestCategoryAPI(APIViewTests):
    url_name = "workorders-api:category"
    model = Category
    reader_without_change = "firm_staff"
    update_data = {"name": "楼道杂物", "default_handler_level": "street"}
    list_query_limit = 2

    def make_object(self, tree):
        urgency = services.urgency_classes_seed(actor=SYSTEM, district=tree.district)["general"]
        n = next(serial)
        return Category.objects.create(district=tree.district, code=f"cat-{n}", name=f"类别{n}", urgency=urgency)

    def create_data(self, tree):
        urgency = services.urgency_classes_seed(actor=SYSTEM, district=tree.district)["utility"]
        return {"code": "heating", "name": "供暖", "urgency": urgency.pk, "default_handler_level": "department"}


class TestRoutingRuleAPI(APIViewTests):
    url_name = "workorders-api:routing-rule"
    model = RoutingRule
    reader_without_change = "street_staff"
    update_data = {"mode": "pool", "name": "改名规则"}
    list_query_limit = 2

    def make_object(self, tree):
        return RoutingRule.objects.create(
            district=tree.district, priority=next(serial) + 100, target_level=HandlerLevel.COMMUNITY
        )

    def create_data(self, tree):
        return {"priority": 5, "name": "三无小区归社区", "three_no": True, "target_level": "community", "mode": "pool"}


class TestWorkOrderAPI(APIViewTests):
    """Orders are filed through the service (POST) and never edited or deleted: PUT/PATCH/DELETE are 405."""

    url_name = "workorders-api:work-order"
    model = WorkOrder
    read_only = True
    reader_without_change = None
    # the count, the page's keys, its rows, then each related table by key (accounts.paging.KeysFirstPaginator)
    list_query_limit = 3 + len(ORDER_RELATED)

    def make_object(self, tree):
        return make_order(tree)

    def create_data(self, tree):
        categories = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}
        return {
            "compound": tree.compounds[1].pk,
            "category": categories["noise"].pk,
            "channel": "phone",
            "title": "夜间广场舞噪音",
            "description": "每晚十点后仍有广场舞音响",
        }

    def test_create(self, api_client, tree):
        # given a street staff member taking a phone call
        data = self.create_data(tree)
        self.as_user(api_client, tree, "street_staff")
        # when
        response = api_client.post(self.list_url(), {**data, "reporter_phone": "13812341234"}, format="json")
        # then the order is filed through the service, with its timeline and SLA
        assert response.status_code == 201, response.content
        order = WorkOrder.objects.get(pk=response.data["id"])
        self.assert_stored(order, data)
        assert order.district_id == tree.district.pk
        assert order.reported_by == tree.street_staff and order.first_receiver == tree.street_staff
        assert order.resolve_by is not None and response.data["resolve_by"]
        assert response.data["reporter_phone"] == "138****1234"
        assert order.timeline.order_by("at", "pk").first().kind == "filed"


# ---------------------------------------------------------------------------------------------------- meetings


class TestDeliberationMeetingAPI(APIViewTests):
    url_name = "workorders-api:deliberation-meeting"
    model = DeliberationMeeting
    reader_without_change = "grid_worker"
    update_data = {"decision": "增设电动车充电桩 40 个", "follow_up_done": True}
    list_query_limit = 3

    def make_object(self, tree):
        return DeliberationMeeting.objects.create(
            district=tree.district,
            community=tree.communities[0],
            topic=f"停车位议事 {next(serial)}",
            held_on="2026-03-05",
            attendees="张三（居民）",
            attendee_count=1,
        )

    def create_data(self, tree):
        return {
            "community": tree.communities[0].pk,
            "topic": "电动车停放",
            "held_on": "2026-03-06",
            "attendees": "张三（居民代表）\n李四（业委会）\n\n王五（物业经理）",
        }

    def test_create(self, api_client, tree):
        # given an order that needs residents to decide together
        order = make_order(tree)
        self.as_user(api_client, tree, "cadre")
        # when the cadre records the meeting and links the order
        response = api_client.post(self.list_url(), {**self.create_data(tree), "orders": [order.pk]}, format="json")
        # then
        assert response.status_code == 201, response.content
        meeting = DeliberationMeeting.objects.get(pk=response.data["id"])
        assert meeting.attendee_count == 3 and meeting.recorded_by == tree.cadre
        assert response.data["orders"] == [order.pk]
        order.refresh_from_db()
        assert order.meeting == meeting
        assert order.timeline.filter(kind="meeting").exists()

    def test_create_refuses_a_missing_topic_in_chinese(self, api_client, tree):
        self.as_user(api_client, tree, "cadre")
        response = api_client.post(self.list_url(), {**self.create_data(tree), "topic": ""}, format="json")
        assert response.status_code == 400
        assert "不能为空" in str(response.data["topic"]) or "请填写" in str(response.data["topic"])
        assert not DeliberationMeeting.objects.exists()


# ---------------------------------------------------------------------------------------------------- orders: rules

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def post(api, user, order, name, data=None):
    api.force_authenticate(user)
    return api.post(reverse(f"workorders-api:work-order-{name}", args=[order.pk]), data or {}, format="json")


def test_list_masks_the_phone_and_hides_the_name(api, tree):
    make_order(tree, reporter_phone="13812341234", reporter_name="赵六")
    api.force_authenticate(tree.official)
    response = api.get(reverse("workorders-api:work-order-list"))
    body = response.content.decode()
    assert response.data["results"][0]["reporter_phone"] == "138****1234"
    assert "13812341234" not in body and "赵六" not in body


def test_detail_shows_the_phone_and_writes_the_read_to_the_reveal_log(api, tree, caplog):
    order = make_order(tree, reporter_phone="13812341234", reporter_name="赵六")
    api.force_authenticate(tree.street_staff)
    with caplog.at_level(logging.INFO, logger="capillary.personal_data"):
        response = api.get(reverse("workorders-api:work-order-detail", args=[order.pk]))
    assert response.data["reporter_phone"] == "13812341234" and response.data["reporter_name"] == "赵六"
    reveal = PersonalDataReveal.objects.get()
    assert (reveal.actor, reveal.object_id, reveal.fields) == (
        tree.street_staff,
        str(order.pk),
        ["reporter_name", "reporter_phone"],
    )
    records = [r for r in caplog.records if r.name == "capillary.personal_data"]
    assert len(records) == 1
    assert records[0].actor_id == tree.street_staff.pk and records[0].object_id == order.pk


def test_the_lifecycle_through_the_actions(api, tree):
    # given an order routed to the compound's property firm
    order = make_order(tree)
    assert order.state == State.ASSIGNED and order.handler_firm == tree.firm
    # when the firm accepts, starts and resolves it, and the street closes it
    assert post(api, tree.firm_staff, order, "accept").status_code == 200
    assert post(api, tree.firm_staff, order, "start", {"note": "已联系保洁"}).data["state"] == "in_progress"
    response = post(api, tree.firm_staff, order, "resolve", {"resolution": "杂物已清理"})
    assert response.status_code == 200 and response.data["state"] == "resolved"
    response = post(api, tree.street_staff, order, "close")
    # then
    assert response.data["state"] == "closed"
    order.refresh_from_db()
    assert order.resolution == "杂物已清理" and order.closed_at is not None
    timeline = api.get(reverse("workorders-api:work-order-timeline", args=[order.pk])).data["results"]
    assert [e["to_state"] for e in timeline][-4:] == ["accepted", "in_progress", "resolved", "closed"]


def test_an_illegal_move_is_a_400_in_chinese_and_changes_nothing(api, tree):
    order = make_order(tree)
    before = order.timeline.count()
    response = post(api, tree.street_staff, order, "close")
    assert response.status_code == 400
    assert response.data["non_field_errors"] == ["工单当前状态为“已派单”，不能变为“已归档”。"]
    order.refresh_from_db()
    assert order.state == State.ASSIGNED and order.timeline.count() == before


def test_return_needs_a_reason(api, tree):
    order = make_order(tree)
    response = post(api, tree.firm_staff, order, "return", {"reason": "  "})
    assert response.status_code == 400
    assert response.data["reason"] == ["退回须填写原因。"]
    response = post(api, tree.firm_staff, order, "return", {"reason": "不属于物业服务范围"})
    assert response.status_code == 200 and response.data["state"] == "returned"
    order.refresh_from_db()
    assert order.returned_count == 1 and order.handler_street == tree.streets[0]


def test_a_handler_who_is_not_a_dispatcher_is_refused_with_the_services_message(api, tree):
    order = make_order(tree)
    response = post(api, tree.firm_staff, order, "reject", {"reason": "重复"})
    assert response.status_code == 403
    assert response.data["detail"] == "只有区、街道或社区的工作人员可以执行此操作。"


def test_transfer_escalate_and_merge(api, tree):
    order = make_order(tree)
    response = post(
        api,
        tree.firm_staff,
        order,
        "transfer",
        {"level": "community", "unit": tree.communities[0].pk, "reason": "需社区协调"},
    )
    assert response.status_code == 200 and response.data["handler_name"] == tree.communities[0].name
    response = post(api, tree.cadre, order, "escalate", {"reason": "社区无法解决"})
    assert response.status_code == 200 and response.data["handler_level"] == "street"
    duplicate = make_order(tree, title="楼道又堆满了纸箱")
    response = post(api, tree.street_staff, duplicate, "merge", {"into": order.pk})
    assert response.status_code == 200 and response.data["state"] == "merged"
    assert response.data["duplicate_of"] == order.pk


def test_transfer_to_another_districts_unit_is_refused_like_a_missing_one(api, tree, other_tree):
    order = make_order(tree)
    data = {"level": "community", "unit": other_tree.communities[0].pk, "reason": "转走"}
    response = post(api, tree.firm_staff, order, "transfer", data)
    assert response.status_code == 400
    assert response.data["unit"] == ["承办单位不存在或不在您的管辖范围内。"]
    assert MARKER not in response.content.decode()
    order.refresh_from_db()
    assert order.state == State.ASSIGNED


def test_actions_on_another_districts_order_are_404(api, tree, other_tree):
    theirs = make_order(other_tree)
    for name in ("accept", "assign", "return", "close", "merge", "timeline"):
        api.force_authenticate(tree.official)
        url = reverse(f"workorders-api:work-order-{name}", args=[theirs.pk])
        response = api.get(url) if name == "timeline" else api.post(url, {}, format="json")
        assert response.status_code == 404, name
    theirs.refresh_from_db()
    assert theirs.state == State.ASSIGNED


def test_claim_from_the_pool(api, tree):
    services.categories_seed(actor=SYSTEM, district=tree.district)
    RoutingRule.objects.create(district=tree.district, priority=1, target_level="property_firm", mode="pool")
    order = make_order(tree)
    assert order.is_pooled and order.state == State.SUBMITTED
    response = post(api, tree.firm_staff, order, "claim")
    assert response.status_code == 200 and response.data["state"] == "accepted"
    assert response.data["is_pooled"] is False


def test_bulk_assign_assigns_all_or_none(api, tree, other_tree):
    # given two returned orders and one already accepted
    first, second, accepted = make_order(tree), make_order(tree), make_order(tree)
    for order in (first, second):
        services.work_order_return(actor=tree.firm_staff, order=order, reason="非物业职责")
    services.work_order_accept(actor=tree.firm_staff, order=accepted)
    api.force_authenticate(tree.street_staff)
    url = reverse("workorders-api:work-order-bulk-assign")
    data = {"level": "community", "unit": tree.communities[0].pk, "note": "请社区处理"}
    # when one of them cannot be assigned, nothing is
    response = api.post(url, {**data, "orders": [first.pk, second.pk, accepted.pk]}, format="json")
    assert response.status_code == 400
    assert accepted.tracking_code in response.data["orders"][0] and "不能变为“已派单”" in response.data["orders"][0]
    assert set(WorkOrder.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)) == {"returned"}
    # an order of another district is refused like a missing one
    theirs = make_order(other_tree)
    response = api.post(url, {**data, "orders": [first.pk, theirs.pk]}, format="json")
    assert response.status_code == 400 and MARKER not in response.content.decode()
    # when all can, all are
    response = api.post(url, {**data, "orders": [first.pk, second.pk]}, format="json")
    assert response.status_code == 200 and response.data["assigned"] == [first.pk, second.pk]
    assert set(WorkOrder.objects.filter(pk__in=[first.pk, second.pk]).values_list("handler_community", flat=True)) == {
        tree.communities[0].pk
    }


def test_filters(api, tree):
    a = make_order(tree, compound=tree.compounds[0])
    b = make_order(tree, compound=tree.compounds[4], category="noise", channel=Channel.PHONE)
    api.force_authenticate(tree.official)
    url = reverse("workorders-api:work-order-list")

    def ids(**params):
        response = api.get(url, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.data["results"]}

    assert ids(street_id=tree.streets[1].pk) == {b.pk}
    assert ids(community_id=tree.communities[0].pk) == {a.pk}
    assert ids(compound_id=tree.compounds[4].pk) == {b.pk}
    assert ids(category="noise") == {b.pk}
    assert ids(channel="phone") == {b.pk}
    assert ids(state="assigned") == {a.pk, b.pk}
    assert ids(overdue="true") == {a.pk, b.pk}  # filed on 2026-03-02: long past every due time
    assert ids(created_after="2026-03-02", created_before="2026-03-02") == {a.pk, b.pk}
    assert ids(created_after="2026-03-03") == set()
    assert ids(q=a.tracking_code) == {a.pk}
    response = api.get(url, {"ordering": "resolve_by"})
    assert [row["id"] for row in response.data["results"]] == sorted(
        [a.pk, b.pk], key=lambda pk: WorkOrder.objects.get(pk=pk).resolve_by
    )


def test_list_query_count_at_fifty_rows(api, tree):
    for i in range(50):
        make_order(tree, compound=tree.compounds[i % 8], route=i % 2 == 0)
    api.force_authenticate(tree.official)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(reverse("workorders-api:work-order-list"), {"page_size": 50})
    assert len(response.data["results"]) == 50
    # the count, the page's keys, its rows, each related table by key; the tenancy middleware's statements on top
    limit = 3 + len(ORDER_RELATED) + TENANCY_QUERIES
    assert len(queries.captured_queries) <= limit, [q["sql"][:120] for q in queries.captured_queries]


def test_mine_lists_the_handlers_open_orders(api, tree):
    mine = make_order(tree)
    other = make_order(tree, category="noise")  # routed to the community
    api.force_authenticate(tree.firm_staff)
    response = api.get(reverse("workorders-api:work-order-mine"))
    assert [row["id"] for row in response.data["results"]] == [mine.pk]
    api.force_authenticate(tree.cadre)
    assert [row["id"] for row in api.get(reverse("workorders-api:work-order-mine")).data["results"]] == [other.pk]


def test_create_refuses_bad_input_in_chinese(api, tree, other_tree):
    services.categories_seed(actor=SYSTEM, district=tree.district)
    category = Category.objects.get(district=tree.district, code="noise")
    api.force_authenticate(tree.street_staff)
    url = reverse("workorders-api:work-order-list")
    data = {"compound": tree.compounds[0].pk, "category": category.pk, "channel": "phone", "title": "噪音"}
    response = api.post(url, {**data, "description": "  ", "reporter_phone": "abc"}, format="json")
    assert response.status_code == 400
    assert "description" in response.data
    response = api.post(url, {**data, "description": "吵", "reporter_phone": "abc"}, format="json")
    assert response.data == {
        "reporter_phone": ["“abc”不是有效的手机号或带区号的固定电话（如 13812341234、029-81234567）。"]
    }
    response = api.post(url, {**data, "description": "吵", "compound": other_tree.compounds[0].pk}, format="json")
    assert response.status_code == 400 and "不在您的管辖范围内" in response.data["compound"][0]
    response = api.post(url, {**data, "description": "吵", "channel": "resident_qr"}, format="json")
    assert response.status_code == 400 and "二维码" in response.data["channel"][0]
    assert not WorkOrder.objects.exists()


# ---------------------------------------------------------------------------------------------------- inbox


def test_inbox_shows_only_the_users_own_messages_and_marks_them_read(api, tree):
    order = make_order(tree)
    mine = Notification.objects.create(
        district=tree.district, recipient=tree.firm_staff, order=order, kind="x", message="新工单"
    )
    theirs = Notification.objects.create(district=tree.district, recipient=tree.cadre, kind="x", message="别人的消息")
    api.force_authenticate(tree.firm_staff)
    url = reverse("workorders-api:notification-list")
    response = api.get(url)
    assert [row["id"] for row in response.data["results"]] == [mine.pk]
    assert response.data["results"][0]["order_code"] == order.tracking_code
    # someone else's message is a 404 and stays unread
    assert api.post(reverse("workorders-api:notification-read", args=[theirs.pk])).status_code == 404
    response = api.post(reverse("workorders-api:notification-read", args=[mine.pk]))
    assert response.status_code == 200 and response.data["is_read"] is True
    assert api.get(url, {"unread": "true"}).data["count"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = api.post(reverse("workorders-api:notification-mark-read"), {"all": True}, format="json")
    assert response.status_code == 400 and response.data["ids"]


# ---------------------------------------------------------------------------------------------------- KPIs


def test_kpis_per_street_for_a_month_and_the_ranking(api, tree, other_tree):
    order = make_order(tree)
    services.work_order_accept(actor=tree.firm_staff, order=order, now=MONDAY_9AM)
    services.work_order_resolve(actor=tree.firm_staff, order=order, resolution="已清理", now=MONDAY_9AM)
    make_order(other_tree)
    api.force_authenticate(tree.official)
    response = api.get(reverse("workorders-api:kpis"), {"group_by": "street", "month": "2026-03"})
    assert response.status_code == 200, response.content
    assert response.data["totals"]["orders"] == 1
    [row] = response.data["rows"]
    assert row["name"] == tree.streets[0].name and row["resolution_rate"] == 1.0
    assert MARKER not in response.content.decode()
    response = api.get(reverse("workorders-api:street-ranking"), {"month": "2026-03"})
    assert response.data["streets"][0]["street_name"] == tree.streets[0].name
    assert response.data["streets"][0]["rank"] == 1 and response.data["streets"][1]["rank"] is None
    response = api.get(reverse("workorders-api:kpis"), {"month": "2026-13"})
    assert response.status_code == 400 and response.data["month"] == ["月份格式应为 YYYY-MM，例如 2026-03。"]


@pytest.mark.parametrize("month", ["0000-01", "1999-12", "2101-01", "9999-12"])
def test_kpis_and_ranking_answer_a_month_out_of_range_with_a_chinese_400(api, tree, month):
    # given an official with the API
    api.force_authenticate(tree.official)
    for name in ("workorders-api:kpis", "workorders-api:street-ranking"):
        # when they ask for a month outside 2000–2100
        response = api.get(reverse(name), {"month": month})
        # then the answer says so in Chinese
        assert response.status_code == 400, response.content
        assert response.data["month"] == ["月份应在 2000 年至 2100 年之间。"]


def test_ranking_by_default_is_last_month_written_yyyy_mm(api, tree):
    api.force_authenticate(tree.official)
    response = api.get(reverse("workorders-api:street-ranking"))
    assert response.status_code == 200
    assert len(response.data["month"]) == 7 and response.data["month"][4] == "-"
    assert response.data["month"] < timezone.localtime().strftime("%Y-%m")


def test_kpis_count_only_what_the_user_sees(api, tree):
    make_order(tree, compound=tree.compounds[0])
    make_order(tree, compound=tree.compounds[4])
    api.force_authenticate(tree.street_staff)
    response = api.get(reverse("workorders-api:kpis"), {"group_by": "community", "month": "2026-03"})
    assert response.data["totals"]["orders"] == 1
    assert [row["name"] for row in response.data["rows"]] == [tree.communities[0].name]


def test_timeline_is_visible_to_the_handler(api, tree):
    order = make_order(tree)
    api.force_authenticate(tree.firm_staff)
    response = api.get(reverse("workorders-api:work-order-timeline", args=[order.pk]))
    assert [e["kind"] for e in response.data["results"]] == ["filed", "routed"]
    assert response.data["results"][1]["actor_name"] == "系统"
    assert TimelineEntry.objects.filter(order=order).count() == 2
