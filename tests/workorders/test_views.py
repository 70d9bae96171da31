"""Staff pages: the queue (filters, bulk assignment), the order page (facts, due times, timeline, moves with
their reasons, errors in Chinese, nothing typed lost), my orders on the phone, KPIs and the inbox; another
district's order is a 404 everywhere."""

import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import PersonalDataReveal
from tests.api_testing import MARKER
from tests.workorders.test_api import make_order
from workorders import services
from workorders.models import Notification, State, WorkOrder

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------------------------------- queue


def test_queue_lists_the_streets_orders_with_masked_phones(client, tree, other_tree):
    mine = make_order(tree, reporter_phone="13812341234", reporter_name="赵六")
    elsewhere = make_order(tree, compound=tree.compounds[4])  # the second street
    make_order(other_tree)
    client.force_login(tree.street_staff)
    response = client.get(reverse("workorders:queue"))
    body = text(response)
    assert response.status_code == 200
    assert mine.tracking_code in body and elsewhere.tracking_code not in body
    assert "138****1234" in body and "13812341234" not in body and "赵六" not in body
    assert MARKER not in body
    assert "派给所选工单" in body  # the street desk assigns


def test_queue_filters(client, tree):
    a = make_order(tree, compound=tree.compounds[0])
    b = make_order(tree, compound=tree.compounds[1], category="noise")
    client.force_login(tree.official)
    url = reverse("workorders:queue")
    body = text(client.get(url, {"category_id": b.category_id}))
    assert b.tracking_code in body and a.tracking_code not in body
    body = text(client.get(url, {"compound_id": tree.compounds[0].pk}))
    assert a.tracking_code in body and b.tracking_code not in body
    body = text(client.get(url, {"state": "assigned", "overdue": "true", "channel": "resident_qr"}))
    assert a.tracking_code in body and b.tracking_code in body
    body = text(client.get(url, {"state": "closed"}))
    assert "没有符合条件的工单" in body


def test_bulk_assign_from_the_queue(client, tree):
    first, second = make_order(tree), make_order(tree)
    for order in (first, second):
        services.work_order_return(actor=tree.firm_staff, order=order, reason="非物业职责")
    client.force_login(tree.street_staff)
    unit = f"community:{tree.communities[0].pk}"
    response = client.post(
        reverse("workorders:queue"), {"orders": [first.pk, second.pk], "unit": unit, "note": "请社区处理"}
    )
    assert response.status_code == 302
    assert set(WorkOrder.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)) == {"assigned"}
    assert "已将 2 张工单派至" in text(client.get(response["Location"]))


def test_bulk_assign_refused_keeps_the_selection_and_assigns_nothing(client, tree):
    returned, accepted = make_order(tree), make_order(tree)
    services.work_order_return(actor=tree.firm_staff, order=returned, reason="非物业职责")
    services.work_order_accept(actor=tree.firm_staff, order=accepted)
    client.force_login(tree.street_staff)
    unit = f"community:{tree.communities[0].pk}"
    response = client.post(
        reverse("workorders:queue"), {"orders": [returned.pk, accepted.pk], "unit": unit, "note": "我写的说明"}
    )
    body = text(response)
    assert response.status_code == 400
    assert f"工单 {accepted.tracking_code}" in body and "本次未派出任何工单" in body
    assert f'value="{returned.pk}" aria-label="选择 {returned.tracking_code}" checked' in body
    assert "我写的说明" in body
    returned.refresh_from_db()
    assert returned.state == State.RETURNED


def test_bulk_assign_without_rows_or_unit_says_so(client, tree):
    client.force_login(tree.street_staff)
    response = client.post(reverse("workorders:queue"), {"unit": ""})
    body = text(response)
    assert response.status_code == 400
    assert "请先勾选要派单的工单。" in body and "请选择承办单位。" in body


# ---------------------------------------------------------------------------------------------------- order page


def test_order_page_shows_facts_due_times_timeline_and_the_reporter_masked(client, tree):
    order = make_order(tree, reporter_phone="13812341234", reporter_name="赵六")
    client.force_login(tree.firm_staff)
    response = client.get(reverse("workorders:detail", args=[order.pk]))
    body = text(response)
    assert response.status_code == 200
    assert order.title in body
    assert "138****1234" in body and "赵*" in body and "13812341234" not in body and "赵六" not in body
    assert "查看完整联系方式" in body
    due = timezone.localtime(order.resolve_by).strftime("%Y-%m-%d %H:%M")
    assert "办结时限" in body and due in body
    assert "派单至物业企业" in body  # the routing entry of the timeline
    assert "受理" in body and "退回" in body and "转办" in body  # the handler's moves
    assert "归档" not in body  # not allowed in this state
    assert not PersonalDataReveal.objects.exists()  # nothing was revealed


def test_a_rejected_orders_staff_page_shows_no_deadlines(client, tree):
    # given an order the street rejects with a reason
    order = make_order(tree)
    client.force_login(tree.street_staff)
    url = reverse("workorders:detail", args=[order.pk])
    assert "办结时限" in text(client.get(url))  # while it is open its deadlines show
    services.work_order_reject(actor=tree.street_staff, order=order, reason="重复反映，已在处理")
    # when the street staff open it again
    body = text(client.get(url))
    # then it says when it was filed and rejected, and no time anyone is still held to
    assert "不予受理" in body and "重复反映，已在处理" in body
    assert "响应时限" not in body and "办结时限" not in body and "承诺办结时限" not in body
    assert timezone.localtime(order.resolve_by).strftime("%Y-%m-%d %H:%M") not in body
    assert "提交时间" in body


def test_the_handler_reveals_the_reporter_and_the_reveal_is_logged(client, tree, caplog):
    order = make_order(tree, reporter_phone="13812341234", reporter_name="赵六")
    client.force_login(tree.firm_staff)
    url = reverse("workorders:detail", args=[order.pk])
    with caplog.at_level(logging.INFO, logger="capillary.personal_data"):
        response = client.get(url, {"reveal": "reporter"})
    body = text(response)
    assert "13812341234" in body and "赵六" in body and 'href="tel:13812341234"' in response.content.decode()
    reveal = PersonalDataReveal.objects.get()
    assert (reveal.actor, reveal.object_id, reveal.fields) == (
        tree.firm_staff,
        str(order.pk),
        ["reporter_name", "reporter_phone"],
    )
    assert reveal.via == f"{url}?reveal=reporter" and reveal.district == tree.district
    assert [r.object_id for r in caplog.records if r.name == "capillary.personal_data"] == [order.pk]


def test_a_move_with_its_reason_goes_through_and_shows_in_the_timeline(client, tree):
    order = make_order(tree)
    client.force_login(tree.firm_staff)
    url = reverse("workorders:detail", args=[order.pk])
    response = client.post(url, {"action": "return", "return-reason": "不属于物业服务范围"})
    # then the firm no longer holds it: back to its own list, with the confirmation
    assert response.status_code == 302 and response["Location"] == reverse("workorders:mine")
    assert "已退回" in text(client.get(response["Location"]))
    order.refresh_from_db()
    assert order.state == State.RETURNED and order.returned_count == 1
    client.force_login(tree.street_staff)
    body = text(client.get(url))
    assert "已退回" in body and "不属于物业服务范围" in body


def test_a_move_without_its_reason_is_refused_in_chinese_and_keeps_what_was_typed(client, tree):
    order = make_order(tree)
    client.force_login(tree.firm_staff)
    url = reverse("workorders:detail", args=[order.pk])
    response = client.post(url, {"action": "transfer", "transfer-unit": f"community:{tree.communities[0].pk}"})
    body = text(response)
    assert response.status_code == 400
    assert "请填写转办原因。" in body
    assert f'value="community:{tree.communities[0].pk}" selected' in body
    assert '<details class="action" open id="action-transfer">' in body
    order.refresh_from_db()
    assert order.state == State.ASSIGNED


def test_an_illegal_move_shows_the_state_machines_message(client, tree):
    order = make_order(tree)
    client.force_login(tree.street_staff)
    response = client.post(reverse("workorders:detail", args=[order.pk]), {"action": "close", "close-note": "完成"})
    assert response.status_code == 400
    assert "工单当前状态为“已派单”，不能变为“已归档”。" in text(response)
    order.refresh_from_db()
    assert order.state == State.ASSIGNED


def test_resolve_then_close(client, tree):
    order = make_order(tree)
    services.work_order_accept(actor=tree.firm_staff, order=order)
    client.force_login(tree.firm_staff)
    url = reverse("workorders:detail", args=[order.pk])
    response = client.post(url, {"action": "resolve", "resolve-resolution": ""})
    assert response.status_code == 400 and "请填写办理结果。" in text(response)
    assert client.post(url, {"action": "resolve", "resolve-resolution": "已清理干净"}).status_code == 302
    client.force_login(tree.street_staff)
    assert client.post(url, {"action": "close", "close-note": ""}).status_code == 302
    order.refresh_from_db()
    assert order.state == State.CLOSED and order.resolution == "已清理干净"


def test_another_districts_order_is_a_404_for_every_method(client, tree, other_tree):
    theirs = make_order(other_tree)
    client.force_login(tree.official)
    url = reverse("workorders:detail", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "accept"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == State.ASSIGNED


def test_an_order_outside_the_users_scope_is_a_404(client, tree):
    order = make_order(tree, compound=tree.compounds[4])  # the second street
    client.force_login(tree.street_staff)
    assert client.get(reverse("workorders:detail", args=[order.pk])).status_code == 404


# ---------------------------------------------------------------------------------------------------- my orders


def test_my_orders_on_the_phone_have_cards_and_big_buttons(client, tree):
    order = make_order(tree)
    make_order(tree, category="noise")  # the community's
    client.force_login(tree.firm_staff)
    url = reverse("workorders:mine")
    response = client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)")
    body = text(response)
    assert body.count('<li class="card') == 1 and order.title in body
    assert 'name="viewport" content="width=device-width' in body
    assert "button-big" in body and ">受理</button>" in body
    # when the handler taps 受理, the order is accepted and they are back on their list
    response = client.post(reverse("workorders:detail", args=[order.pk]), {"action": "accept", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    order.refresh_from_db()
    assert order.state == State.ACCEPTED
    assert ">开始处理</button>" in text(client.get(url))


def test_my_orders_refuses_an_offsite_next(client, tree):
    order = make_order(tree)
    client.force_login(tree.firm_staff)
    response = client.post(
        reverse("workorders:detail", args=[order.pk]), {"action": "accept", "next": "https://evil.example/"}
    )
    # back to the order page, at its next-action bar (not the top)
    assert response["Location"] == reverse("workorders:detail", args=[order.pk]) + "#next"


# ---------------------------------------------------------------------------------------------------- KPIs, inbox


def test_kpi_page_shows_the_three_rates_and_the_ranking(client, tree, other_tree):
    order = make_order(tree)
    services.work_order_accept(actor=tree.firm_staff, order=order)
    make_order(other_tree)
    client.force_login(tree.official)
    month = timezone.localtime(order.created_at).strftime("%Y-%m")
    response = client.get(reverse("workorders:kpis"), {"month": month, "group_by": "property_firm"})
    body = text(response)
    assert response.status_code == 200
    assert tree.firm.name in body and "响应率" in body and "满意率" in body
    assert "街道月度排名" in body and tree.streets[0].name in body
    # a street with orders but no rate yet scores 0.00 (ranked), not "—" (idle streets)
    assert ">0.00</td>" in body
    assert MARKER not in body


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "2026-13", "abc"])
def test_kpi_page_shows_this_month_for_a_month_out_of_range_or_malformed(client, tree, month):
    # given an official on the KPI page
    client.force_login(tree.official)
    # when the address names a month the page cannot count
    response = client.get(reverse("workorders:kpis"), {"month": month})
    # then the page shows this month instead of failing
    assert response.status_code == 200
    assert response.context["month_value"] == timezone.localtime().strftime("%Y-%m")


def test_inbox_shows_own_messages_and_marks_them_read(client, tree):
    order = make_order(tree)
    mine = Notification.objects.create(
        district=tree.district, recipient=tree.firm_staff, order=order, kind="assigned", message="新工单待受理"
    )
    Notification.objects.create(district=tree.district, recipient=tree.cadre, kind="x", message="别人的消息")
    client.force_login(tree.firm_staff)
    url = reverse("workorders:inbox")
    body = text(client.get(url))
    assert "新工单待受理" in body and "别人的消息" not in body and "1 条未读" in body
    response = client.post(url, {"ids": [mine.pk]})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "0 条未读" in text(client.get(url))
