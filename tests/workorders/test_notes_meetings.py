"""添加备注 (work_order_note) and 议事会 on the order page."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from accounts.actors import SystemActor
from tests.workorders.test_api import make_order
from workorders import services
from workorders.models import DeliberationMeeting, State, TimelineEntry, TimelineKind, WorkOrder

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------------------------------- service


def test_a_note_is_a_timeline_entry_without_a_state_change(tree):
    # given an order assigned to the firm
    order = make_order(tree)
    # when the firm adds a note
    entry = services.work_order_note(actor=tree.firm_staff, order=order, note="  已联系业主，周三上门  ")
    # then the timeline has it, with its author, and the state is unchanged
    order.refresh_from_db()
    assert order.state == State.ASSIGNED
    assert (entry.kind, entry.note, entry.actor, entry.from_state, entry.to_state) == (
        TimelineKind.NOTE,
        "已联系业主，周三上门",
        tree.firm_staff,
        "",
        "",
    )


def test_a_note_on_another_districts_order_is_a_404_and_writes_nothing(tree, other_tree):
    order = make_order(other_tree)
    before = TimelineEntry.objects.count()
    with pytest.raises(Http404):
        services.work_order_note(actor=tree.official, order=order, note="越权备注")
    assert TimelineEntry.objects.count() == before


def test_an_empty_note_or_a_state_kind_is_refused(tree):
    order = make_order(tree)
    before = order.timeline.count()
    with pytest.raises(ValidationError) as error:
        services.work_order_note(actor=tree.street_staff, order=order, note="   ")
    assert error.value.message_dict["note"] == ["请填写备注内容。"]
    with pytest.raises(ValidationError) as error:
        services.work_order_note(actor=tree.street_staff, order=order, note="改状态", kind=TimelineKind.TRANSITION)
    assert "状态变更请使用相应的办理操作" in error.value.message_dict["kind"][0]
    assert order.timeline.count() == before


def test_a_keyed_note_is_written_once(tree):
    order = make_order(tree)
    first, created = services.work_order_note_once(actor=SYSTEM, order=order, note="外部更新", key="〔外部更新号 7〕")
    again, created_again = services.work_order_note_once(
        actor=SYSTEM, order=order, note="外部更新", key="〔外部更新号 7〕"
    )
    assert (created, created_again) == (True, False) and again.pk == first.pk
    assert first.note == "外部更新〔外部更新号 7〕"
    assert order.timeline.filter(kind=TimelineKind.NOTE).count() == 1


# ---------------------------------------------------------------------------------------------------- order page


def test_the_handler_adds_a_note_on_the_order_page(client, tree):
    # given
    order = make_order(tree)
    client.force_login(tree.firm_staff)
    url = reverse("workorders:detail", args=[order.pk])
    assert "添加备注" in text(client.get(url))
    # when
    response = client.post(url, {"action": "note", "note-note": "已派维修工查看"})
    # then the page shows the note in the timeline, and the state did not move
    assert response.status_code == 302
    body = text(client.get(url))
    assert "已派维修工查看" in body and "已添加备注" in body
    order.refresh_from_db()
    assert order.state == State.ASSIGNED


def test_a_note_posted_twice_is_added_once(client, tree):
    from tests.onetime import post_twice, shows_replayed

    order = make_order(tree)
    client.force_login(tree.firm_staff)
    url = reverse("workorders:detail", args=[order.pk])

    _, second = post_twice(
        client, url, {"action": "note", "note-note": "已派维修工查看"}, after='name="action" value="note"'
    )

    assert order.timeline.filter(kind=TimelineKind.NOTE, note__contains="已派维修工查看").count() == 1
    shows_replayed(client, second)


def test_an_empty_note_on_the_page_is_a_chinese_error(client, tree):
    order = make_order(tree)
    client.force_login(tree.street_staff)
    response = client.post(reverse("workorders:detail", args=[order.pk]), {"action": "note", "note-note": ""})
    assert response.status_code == 400
    assert "请填写备注内容。" in text(response)
    assert not order.timeline.filter(kind=TimelineKind.NOTE).exists()


def test_a_note_on_another_districts_order_page_is_a_404(client, tree, other_tree):
    order = make_order(other_tree)
    client.force_login(tree.official)
    response = client.post(reverse("workorders:detail", args=[order.pk]), {"action": "note", "note-note": "越权"})
    assert response.status_code == 404
    assert not TimelineEntry.objects.filter(note="越权").exists()


# ---------------------------------------------------------------------------------------------------- meetings


def meeting_data(**overrides):
    data = {
        "action": "meeting",
        "meeting-topic": "东门停车位划设",
        "meeting-held_on": "2026-03-10",
        "meeting-attendees": "张三（居民代表）\n李四（物业经理）\n王五（社区书记）",
        "meeting-decision": "划设 40 个车位",
        "meeting-follow_up": "物业两周内施工",
    }
    data.update(overrides)
    return data


def test_a_cadre_records_a_meeting_on_the_order_page_and_the_page_shows_it(client, tree):
    # given an order of the cadre's community
    order = make_order(tree, category="parking")
    client.force_login(tree.cadre)
    url = reverse("workorders:detail", args=[order.pk])
    assert "记录议事会" in text(client.get(url))
    # when the cadre records the meeting
    response = client.post(url, meeting_data())
    # then it is stored, linked to this order and its compound, and shown with its facts
    assert response.status_code == 302
    meeting = DeliberationMeeting.objects.get()
    assert (meeting.community, meeting.compound, meeting.attendee_count) == (tree.communities[0], order.compound, 3)
    order.refresh_from_db()
    assert order.meeting == meeting
    body = text(client.get(url))
    for shown in ("东门停车位划设", "2026-03-10", "划设 40 个车位", "物业两周内施工"):
        assert shown in body
    assert order.timeline.filter(kind=TimelineKind.MEETING, note="提交议事会：东门停车位划设").exists()


def test_a_meeting_without_topic_or_date_is_refused_and_keeps_what_was_typed(client, tree):
    order = make_order(tree)
    client.force_login(tree.street_staff)
    response = client.post(
        reverse("workorders:detail", args=[order.pk]),
        meeting_data(**{"meeting-topic": "", "meeting-held_on": "三月十日"}),
    )
    assert response.status_code == 400
    body = text(response)
    assert "请填写议题。" in body and "召开日期格式不正确" in body
    assert "物业两周内施工" in body  # what was typed comes back
    assert not DeliberationMeeting.objects.exists()


def test_handlers_who_are_not_dispatchers_cannot_record_a_meeting(client, tree):
    # given the firm handling the order
    order = make_order(tree)
    client.force_login(tree.firm_staff)
    url = reverse("workorders:detail", args=[order.pk])
    # then the page offers no meeting form, and a post is refused
    assert "记录议事会" not in text(client.get(url))
    response = client.post(url, meeting_data())
    assert response.status_code == 403
    assert "只有区、街道或社区的工作人员可以记录议事会。" in text(response)
    assert not DeliberationMeeting.objects.exists()


def test_meetings_of_merged_orders_show_on_the_main_order(client, tree):
    main, duplicate = make_order(tree), make_order(tree)
    services.deliberation_meeting_record(
        actor=tree.cadre,
        community=tree.communities[0],
        topic="楼道清理议事",
        held_on=date(2026, 3, 9),
        attendees="张三",
        orders=[duplicate],
    )
    services.work_order_merge(actor=tree.street_staff, order=duplicate, into=main)
    client.force_login(tree.street_staff)
    assert "楼道清理议事" in text(client.get(reverse("workorders:detail", args=[main.pk])))
    assert WorkOrder.objects.get(pk=main.pk).meeting is None


def test_a_meeting_posted_twice_is_recorded_once_and_the_second_answer_shows_the_first(client, tree):
    from tests.onetime import token_of

    # given the order page with its meeting form (a one-time token in it)
    order = make_order(tree, category="parking")
    client.force_login(tree.cadre)
    url = reverse("workorders:detail", args=[order.pk])
    body = meeting_data(**token_of(client.get(url), after='name="action" value="meeting"'))

    # when the cadre taps "submit" twice
    first = client.post(url, body)
    second = client.post(url, body)

    # then one meeting, one timeline entry, and the second answer names the first meeting
    assert first.status_code == second.status_code == 302
    assert DeliberationMeeting.objects.count() == 1
    assert order.timeline.filter(kind=TimelineKind.MEETING).count() == 1
    shown = text(client.get(second["Location"]))
    assert "已经提交过，没有重复登记" in shown and "东门停车位划设" in shown
