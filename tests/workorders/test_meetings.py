from datetime import date

import pytest
from django.http import Http404

from workorders import services
from workorders.models import DeliberationMeeting, WorkOrder


def test_a_meeting_is_recorded_and_linked_to_its_orders(tree, file_order):
    # given an order about parking in community 1
    order = file_order(category="parking", title="停车位不足", description="晚上车停满消防通道")
    # when the cadre records the deliberation meeting
    meeting = services.deliberation_meeting_record(
        actor=tree.cadre,
        community=tree.communities[0],
        compound=tree.compounds[0],
        topic="新增停车位和电动车充电位",
        held_on=date(2026, 3, 10),
        attendees="张三（居民代表）\n李四（物业经理）\n\n王五（社区书记）",
        decision="划设 40 个车位、60 个电动车充电位",
        follow_up="物业两周内施工",
        orders=[order],
    )
    # then
    order.refresh_from_db()
    assert order.meeting == meeting and meeting.attendee_count == 3
    assert order.timeline.last().note == "提交议事会：新增停车位和电动车充电位"
    # and the order's change history is kept by pghistory
    assert order.events.count() >= 2


def test_another_communitys_cadre_cannot_record_for_it(tree, other_tree):
    with pytest.raises(Http404):
        services.deliberation_meeting_record(
            actor=other_tree.cadre,
            community=tree.communities[0],
            topic="越权",
            held_on=date(2026, 3, 10),
            attendees="某",
        )
    assert DeliberationMeeting.objects.count() == 0
    assert WorkOrder.objects.count() == 0


def test_a_meeting_refuses_a_compound_of_another_community_in_clean(tree):
    from django.core.exceptions import ValidationError

    # given a meeting of community 1 about one of its compounds
    meeting = services.deliberation_meeting_record(
        actor=tree.street_staff,
        community=tree.communities[0],
        compound=tree.compounds[0],
        topic="加装电梯",
        held_on=date(2026, 3, 2),
        attendees="张三",
    )
    assert tree.compounds[2].community_id != meeting.community_id
    # when its compound is changed to one of another community and validated (admin, API, any form)
    meeting.compound = tree.compounds[2]
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    # then the Chinese message names the compound field, and nothing was stored
    assert error.value.message_dict == {"compound": ["所选小区不属于该社区。"]}
    assert DeliberationMeeting.objects.get(pk=meeting.pk).compound_id == tree.compounds[0].pk
