from datetime import datetime, timedelta

from accounts.actors import SystemActor
from workorders import services
from workorders.models import Escalation, HandlerLevel, Notification, State, WorkOrder
from workorders.worktime import BEIJING

from .conftest import MONDAY_9AM

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

H = timedelta(hours=1)


def test_an_order_not_accepted_in_time_climbs_one_rung_and_the_community_is_told(
    tree, file_order, django_capture_on_commit_callbacks
):
    # given a general order (respond within 24 working hours) routed to the firm on Monday 09:00
    order = file_order()
    assert order.respond_by == MONDAY_9AM + 24 * H
    # when the sweep runs before the deadline nothing happens
    assert services.sla_sweep(actor=SYSTEM, now=MONDAY_9AM + 23 * H) == []
    # and when it runs after the deadline
    with django_capture_on_commit_callbacks(execute=True):
        escalated = services.sla_sweep(actor=SYSTEM, now=MONDAY_9AM + 25 * H)
    # then the order went to the community, with fresh deadlines, and its cadre was notified
    order.refresh_from_db()
    assert escalated == [order.pk]
    assert (order.state, order.handler_level, order.handler_community) == (
        State.ESCALATED,
        HandlerLevel.COMMUNITY,
        tree.communities[0],
    )
    assert order.respond_by == MONDAY_9AM + 49 * H
    assert order.committed_respond_by == MONDAY_9AM + 24 * H
    assert Notification.objects.filter(recipient=tree.cadre, order=order, kind="escalated").count() == 1
    [escalation] = Escalation.objects.filter(order=order)
    assert (escalation.reason, escalation.deadline) == ("respond_overdue", MONDAY_9AM + 24 * H)
    assert order.timeline.last().kind == "sla_escalation"


def test_running_the_sweep_twice_escalates_nothing_twice(tree, file_order, django_capture_on_commit_callbacks):
    order = file_order()
    later = MONDAY_9AM + 25 * H
    with django_capture_on_commit_callbacks(execute=True):
        first = services.sla_sweep(actor=SYSTEM, now=later)
        second = services.sla_sweep(actor=SYSTEM, now=later)
        third = services.sla_sweep(actor=SYSTEM, now=later + timedelta(minutes=5))
    assert (first, second, third) == ([order.pk], [], [])
    assert Escalation.objects.filter(order=order).count() == 1
    assert Notification.objects.filter(order=order, kind="escalated").count() == 1


def test_the_same_breach_is_not_escalated_again_even_if_the_deadline_is_unchanged(tree, file_order):
    # given an escalation already recorded for this breach (e.g. a concurrent sweep), deadlines untouched
    order = file_order()
    Escalation.objects.create(
        district=tree.district,
        order=order,
        from_level="property_firm",
        to_level="community",
        reason="respond_overdue",
        deadline=order.respond_by,
        at=MONDAY_9AM + 25 * H,
    )
    # when the sweep runs
    assert services.sla_sweep(actor=SYSTEM, now=MONDAY_9AM + 26 * H) == []
    order.refresh_from_db()
    assert order.state == State.ASSIGNED


def test_the_ladder_up_to_the_department_then_the_district_is_told_once(
    tree, categories, file_order, django_capture_on_commit_callbacks
):
    # given an emergency (1 h to respond, wall clock) whose category names the police department
    category = categories["thrown-from-height"]
    category.department = tree.department
    category.save()
    order = file_order(category="thrown-from-height")  # community level
    levels = []
    now = MONDAY_9AM
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            now += 90 * timedelta(minutes=1)
            services.sla_sweep(actor=SYSTEM, now=now)
            order.refresh_from_db()
            levels.append(order.handler_level)
        services.sla_sweep(actor=SYSTEM, now=now + 3 * H)
    assert levels == ["street", "department", "department", "department"]
    assert order.handler_department == tree.department
    assert Notification.objects.filter(recipient=tree.department_staff, kind="escalated").count() == 1
    # at the top the district officials are told once per breach
    top = Notification.objects.filter(recipient=tree.official, kind="overdue_top")
    assert top.count() == 2  # the respond breach, then (3 h later) the resolve breach
    assert Escalation.objects.filter(order=order, to_level="district").count() == 2


def test_accepted_orders_escalate_only_when_the_resolve_deadline_passes(tree, file_order):
    order = file_order()
    services.work_order_accept(actor=tree.firm_staff, order=order, now=MONDAY_9AM + H)
    assert services.sla_sweep(actor=SYSTEM, now=MONDAY_9AM + 30 * H) == []
    # general: 7 working days → the next Wednesday 09:00 (Mon 2 Mar + 7 working days = Wed 11 Mar)
    assert order.resolve_by == datetime(2026, 3, 11, 9, tzinfo=BEIJING)
    assert services.sla_sweep(actor=SYSTEM, now=order.resolve_by + H) == [order.pk]
    assert WorkOrder.objects.get(pk=order.pk).handler_level == HandlerLevel.COMMUNITY


def test_resolved_and_other_districts_orders_are_left_alone(tree, other_tree, file_order):
    order = file_order()
    services.work_order_accept(actor=tree.firm_staff, order=order, now=MONDAY_9AM + H)
    services.work_order_resolve(actor=tree.firm_staff, order=order, resolution="好了", now=MONDAY_9AM + 2 * H)
    assert services.sla_sweep(actor=SYSTEM, now=MONDAY_9AM + 30 * 24 * H) == []
