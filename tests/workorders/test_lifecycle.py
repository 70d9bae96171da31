from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, ProgrammingError, transaction
from django.http import Http404

from accounts.actors import SystemActor
from workorders import selectors, services
from workorders.models import Channel, HandlerLevel, Notification, State, TimelineEntry, WorkOrder
from workorders.statemachine import TransitionNotAllowed

from .conftest import MONDAY_9AM

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

H = timedelta(hours=1)


def test_the_happy_path_writes_one_timeline_entry_per_change(tree, file_order):
    # given an order routed to the compound's firm
    order = file_order()
    # when the firm works it through and the resident rates it
    services.work_order_accept(actor=tree.firm_staff, order=order, now=MONDAY_9AM + H)
    services.work_order_start(actor=tree.firm_staff, order=order, now=MONDAY_9AM + 2 * H)
    services.work_order_resolve(actor=tree.firm_staff, order=order, resolution="已清理杂物", now=MONDAY_9AM + 3 * H)
    services.work_order_rate(
        actor=SYSTEM,
        order=order,
        satisfaction="very_satisfied",
        tracking_code=order.tracking_code,
        now=MONDAY_9AM + 4 * H,
    )
    services.work_order_close(actor=tree.street_staff, order=order, now=MONDAY_9AM + 5 * H)
    # then
    order.refresh_from_db()
    assert order.state == State.CLOSED
    assert order.responded_at == MONDAY_9AM + H and order.resolved_at == MONDAY_9AM + 3 * H
    states = list(order.timeline.values_list("to_state", flat=True))
    assert states == ["submitted", "assigned", "accepted", "in_progress", "resolved", "rated", "closed"]
    assert order.timeline.last().actor == tree.street_staff
    assert selectors.public_status(order=order)["resolution"] == "已清理杂物"


def test_an_illegal_transition_is_refused_in_chinese_and_changes_nothing(tree, file_order):
    order = file_order()
    with pytest.raises(TransitionNotAllowed) as refused:
        services.work_order_resolve(actor=tree.firm_staff, order=order, resolution="好了")
    assert "不能变为“已办结”" in refused.value.messages[0]
    order.refresh_from_db()
    assert order.state == State.ASSIGNED and order.timeline.count() == 2


def test_return_transfer_and_reject_need_a_reason(tree, file_order):
    order = file_order()
    for call in (
        lambda: services.work_order_return(actor=tree.firm_staff, order=order, reason=" "),
        lambda: services.work_order_transfer(
            actor=tree.firm_staff, order=order, level=HandlerLevel.COMMUNITY, unit=tree.communities[0], reason=""
        ),
        lambda: services.work_order_reject(actor=tree.street_staff, order=order, reason=""),
    ):
        with pytest.raises(ValidationError) as refused:
            call()
        assert "须填写原因" in str(refused.value)
    order.refresh_from_db()
    assert order.state == State.ASSIGNED and order.returned_count == 0


def test_a_returned_order_goes_to_the_street_desk_and_counts(tree, file_order):
    order = file_order()
    services.work_order_return(actor=tree.firm_staff, order=order, reason="不属于物业职责", now=MONDAY_9AM + H)
    order.refresh_from_db()
    assert (order.state, order.handler_street, order.returned_count) == (State.RETURNED, tree.streets[0], 1)
    assert "不属于物业职责" in order.timeline.last().note
    # the firm no longer sees it; the street reassigns to the community
    assert not WorkOrder.objects.visible_to(tree.firm_staff).filter(pk=order.pk).exists()
    services.work_order_assign(
        actor=tree.street_staff,
        order=order,
        level=HandlerLevel.COMMUNITY,
        unit=tree.communities[0],
        now=MONDAY_9AM + 2 * H,
    )
    order.refresh_from_db()
    assert order.handler_community == tree.communities[0] and order.state == State.ASSIGNED


def test_only_the_current_handler_or_a_dispatcher_may_act(tree, file_order):
    order = file_order(category="neighbour-dispute")  # with the community
    with pytest.raises(Http404):  # firm staff do not even see it
        services.work_order_accept(actor=tree.firm_staff, order=order)
    with pytest.raises(PermissionDenied):  # the grid worker sees it but does not handle it
        services.work_order_accept(actor=tree.grid_worker, order=order)
    services.work_order_accept(actor=tree.cadre, order=order)


def test_another_districts_order_is_never_visible_or_changeable(tree, other_tree, file_order):
    order = file_order()
    for user in other_tree.users:
        assert not WorkOrder.objects.visible_to(user).filter(pk=order.pk).exists()
        assert not TimelineEntry.objects.visible_to(user).filter(order=order).exists()
        with pytest.raises(Http404):
            services.work_order_accept(actor=user, order=order)
        with pytest.raises(Http404):
            services.work_order_reject(actor=user, order=order, reason="乙区越权")
    order.refresh_from_db()
    assert order.state == State.ASSIGNED


def test_scope_per_role(tree, file_order):
    order = file_order()  # compound 0: street 0, community 0, grid 0, the firm
    far = file_order(compound=tree.compounds[-1], category="neighbour-dispute")  # street 1, community handler
    for user, sees_far in [
        (tree.official, True),
        (tree.street_staff, False),
        (tree.cadre, False),
        (tree.grid_worker, False),
        (tree.firm_staff, False),
        (tree.department_staff, False),
    ]:
        visible = set(WorkOrder.objects.visible_to(user).values_list("pk", flat=True))
        assert (far.pk in visible) is sees_far, user
        assert (order.pk in visible) is (user != tree.department_staff), user


def test_filing_someone_elses_compound_is_a_404_and_saves_nothing(tree, other_tree, categories):
    with pytest.raises(Http404):
        services.work_order_file(
            actor=tree.grid_worker,
            compound=other_tree.compounds[0],
            category=categories["noise"],
            channel=Channel.GRID,
            title="越权",
            description="越权",
        )
    assert WorkOrder.objects.count() == 0


def test_bad_input_gets_chinese_errors_and_saves_nothing(tree, categories, other_tree):
    other_category = services.categories_seed(actor=SYSTEM, district=other_tree.district)[0]
    with pytest.raises(ValidationError) as refused:
        services.work_order_file(
            actor=SYSTEM,
            compound=tree.compounds[0],
            category=other_category,
            channel=Channel.RESIDENT_QR,
            title="",
            description="有问题",
            reporter_phone="abc",
        )
    errors = refused.value.message_dict
    assert errors["category"] == ["所选诉求类别不存在或已停用。"]
    assert errors["title"] == ["请填写标题。"]
    assert errors["reporter_phone"] == ["“abc”不是有效的手机号或带区号的固定电话（如 13812341234、029-81234567）。"]
    assert WorkOrder.objects.count() == 0


def test_the_same_hotline_number_makes_one_order(tree, categories):
    kwargs = {
        "actor": SystemActor(name="tests", district_id=tree.district.pk),
        "compound": tree.compounds[0],
        "category": categories["noise"],
        "channel": Channel.HOTLINE_12345,
        "title": "夜间施工噪音",
        "description": "夜里十二点还在施工",
        "external_number": "12345-2026-0001",
    }
    first = services.work_order_file(**kwargs)
    second = services.work_order_file(**kwargs)
    assert first.pk == second.pk and WorkOrder.objects.count() == 1
    # the constraint holds in the database too
    with pytest.raises(IntegrityError), transaction.atomic():
        clone = WorkOrder.objects.get(pk=first.pk)
        clone.pk, clone.tracking_code = None, "X"
        clone.save()


def test_phone_is_masked_for_lists(tree, file_order):
    order = file_order(reporter_phone="13812341234")
    assert order.masked_phone == "138****1234"


def test_timeline_is_append_only_in_the_database(tree, file_order):
    entry = file_order().timeline.first()
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        TimelineEntry.objects.filter(pk=entry.pk).update(note="改写历史")
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        TimelineEntry.objects.filter(pk=entry.pk).delete()
    assert TimelineEntry.objects.get(pk=entry.pk).note == entry.note


def test_assignment_notifies_the_handler_in_the_inbox_and_by_email(
    tree, categories, django_capture_on_commit_callbacks
):
    tree.firm_staff.email = "firm@example.com"
    tree.firm_staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        order = services.work_order_file(
            actor=SYSTEM,
            compound=tree.compounds[0],
            category=categories["leak"],
            channel=Channel.RESIDENT_QR,
            title="屋面渗漏",
            description="顶楼卧室漏水",
        )
    [note] = selectors.inbox(actor=tree.firm_staff)
    assert note.order == order and "新工单待受理：屋面渗漏" in note.message and "办结时限" in note.message
    assert [m.to for m in mail.outbox] == [["firm@example.com"]]
    assert not Notification.objects.filter(recipient=tree.cadre).exists()
    assert services.notification_mark_read(actor=tree.firm_staff, notification_ids=[note.pk]) == 1
    assert not selectors.inbox(actor=tree.firm_staff, unread_only=True).exists()


def test_merge_follows_the_main_order(tree, file_order):
    main = file_order()
    dup = file_order(title="楼道杂物", description="3号楼2单元楼道堆满纸箱旧家具", now=MONDAY_9AM + H)
    assert dup.possible_duplicate_of == main
    services.work_order_merge(actor=tree.street_staff, order=dup, into=main, now=MONDAY_9AM + 2 * H)
    services.work_order_accept(actor=tree.firm_staff, order=main, now=MONDAY_9AM + 3 * H)
    services.work_order_resolve(actor=tree.firm_staff, order=main, resolution="已清理", now=MONDAY_9AM + 4 * H)
    dup.refresh_from_db()
    status = selectors.public_status(order=dup)
    assert dup.state == State.MERGED and dup.duplicate_of == main
    assert (status["merged_into"], status["state"], status["resolution"]) == (main.tracking_code, "resolved", "已清理")
    assert "reporter_phone" not in status
    with pytest.raises(TransitionNotAllowed):
        services.work_order_accept(actor=tree.firm_staff, order=dup)


def test_duplicates_need_same_compound_category_similar_text_and_recent(tree, file_order):
    main = file_order()
    assert file_order(title="路灯坏了", description="东门路灯不亮").possible_duplicate_of is None
    assert file_order(compound=tree.compounds[1]).possible_duplicate_of is None
    assert file_order(category="sanitation").possible_duplicate_of is None
    assert file_order(now=MONDAY_9AM + timedelta(hours=80)).possible_duplicate_of is None
    assert file_order(now=MONDAY_9AM + timedelta(hours=70)).possible_duplicate_of == main


def test_a_rating_must_carry_the_tracking_code(tree, file_order):
    order = file_order()
    services.work_order_accept(actor=tree.firm_staff, order=order)
    services.work_order_resolve(actor=tree.firm_staff, order=order, resolution="已处理")
    with pytest.raises(PermissionDenied):
        services.work_order_rate(actor=SYSTEM, order=order, satisfaction="satisfied", tracking_code="WRONG")
    with pytest.raises(ValidationError):
        services.work_order_rate(actor=SYSTEM, order=order, satisfaction="great", tracking_code=order.tracking_code)
    order.refresh_from_db()
    assert order.state == State.RESOLVED and order.satisfaction == ""


def _resolved(tree, file_order, at):
    order = file_order(now=at)
    services.work_order_accept(actor=tree.firm_staff, order=order, now=at + H)
    return services.work_order_resolve(actor=tree.firm_staff, order=order, resolution="已处理", now=at + 2 * H)


def test_a_dissatisfied_rating_within_7_days_reopens_once(tree, file_order):
    order = _resolved(tree, file_order, MONDAY_9AM)
    # when the resident is dissatisfied three days later
    services.work_order_rate(
        actor=SYSTEM,
        order=order,
        satisfaction="too_slow",
        tracking_code=order.tracking_code,
        now=MONDAY_9AM + 72 * H,
    )
    order.refresh_from_db()
    # then it is re-opened to the same handler with fresh deadlines
    assert (order.state, order.reopened_count, order.handler_firm) == (State.REOPENED, 1, tree.firm)
    assert order.resolved_at is None and order.resolve_by > MONDAY_9AM + 72 * H
    # and when it is resolved and rated dissatisfied again, it stays rated (once only)
    services.work_order_accept(actor=tree.firm_staff, order=order, now=MONDAY_9AM + 73 * H)
    services.work_order_resolve(actor=tree.firm_staff, order=order, resolution="再次处理", now=MONDAY_9AM + 74 * H)
    services.work_order_rate(
        actor=SYSTEM,
        order=order,
        satisfaction="bad_attitude",
        tracking_code=order.tracking_code,
        now=MONDAY_9AM + 75 * H,
    )
    order.refresh_from_db()
    assert (order.state, order.reopened_count, order.satisfaction) == (State.RATED, 1, "bad_attitude")


def test_a_late_dissatisfied_rating_does_not_reopen(tree, file_order):
    order = _resolved(tree, file_order, MONDAY_9AM)
    services.work_order_rate(
        actor=SYSTEM,
        order=order,
        satisfaction="neutral",
        tracking_code=order.tracking_code,
        now=MONDAY_9AM + 8 * 24 * H,
    )
    order.refresh_from_db()
    assert (order.state, order.reopened_count) == (State.RATED, 0)


def test_hand_escalation_from_the_street_calls_several_departments(tree, file_order):
    from tests import factories

    urban = factories.DepartmentFactory(district=tree.district, name="城管执法局")
    order = file_order(category="illegal-construction")  # community level
    services.work_order_escalate(actor=tree.cadre, order=order, reason="需街道协调", now=MONDAY_9AM + H)
    order.refresh_from_db()
    assert (order.state, order.handler_street) == (State.ESCALATED, tree.streets[0])
    services.work_order_escalate(
        actor=tree.street_staff,
        order=order,
        reason="联合整治",
        departments=[urban, tree.department],
        now=MONDAY_9AM + 2 * H,
    )
    order.refresh_from_db()
    assert order.handler_department == urban
    assert set(order.departments.all()) == {urban, tree.department}
    assert WorkOrder.objects.visible_to(tree.department_staff).filter(pk=order.pk).exists()
    assert "协同：" in order.timeline.last().note
    with pytest.raises(ValidationError):
        services.work_order_escalate(actor=tree.official, order=order, reason="再上报")
