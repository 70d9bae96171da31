"""What routing one order costs the worker (issue 12): the routing task runs the same statements however many rules,
recipients and earlier orders the district has; the district's rules are kept per process and read again as soon as
any of them changes (by any path: the admin, the API, SQL), so an admin's edit applies to the very next order."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from accounts.actors import SystemActor
from accounts.roles import Role
from compounds.models import Tier
from tests import factories
from tests.conftest import build_tree
from workorders import notifications, routing, services, tasks
from workorders.models import HandlerLevel, Notification, RoutingMode, RoutingRule, State, TimelineKind, WorkOrder

from .conftest import MONDAY_9AM

L = HandlerLevel


def rule(tree, priority, **fields) -> RoutingRule:
    return RoutingRule.objects.create(district=tree.district, priority=priority, **fields)


def route(order):
    """Route an order as the worker does (the task, with the order's district)."""
    tasks.route_work_order_task.apply(args=[order.pk, order.district_id], throw=True)
    order.refresh_from_db()
    return order


def routing_statements(file_order, **fields) -> list[str]:
    """The statements of the routing task for one new order (filed first, outside the count)."""
    order = file_order(route=False, **fields)
    with CaptureQueriesContext(connection) as queries:
        tasks.route_work_order_task.apply(args=[order.pk, order.district_id], throw=True)
    order.refresh_from_db()
    assert order.state == State.ASSIGNED
    return [q["sql"] for q in queries.captured_queries]


def test_the_routing_task_runs_the_same_statements_however_many_rules_recipients_and_orders(tree, file_order):
    # given a district with one rule, one firm staff member and no earlier order (the process's rules read once)
    rule(tree, 10, tier=Tier.D, target_level=L.STREET)  # matches nothing
    file_order()
    # when one order is routed
    few = routing_statements(file_order, title="1号楼漏水", description="1号楼顶层屋面漏水，雨天滴到卧室")
    # then the rules are not read again, and the order is read, scoped and locked with its duplicate search in one
    assert not any('SELECT "workorders_routingrule"."id"' in sql for sql in few), few
    assert sum('FROM "workorders_workorder"' in sql for sql in few) == 1
    assert sum('INSERT INTO "workorders_notification"' in sql for sql in few) == 1
    # given twenty more rules, five more firm staff and thirty earlier orders of the same compound and category
    for priority in range(20, 40):
        rule(tree, priority, tier=Tier.D, target_level=L.COMMUNITY)
    staff = [factories.user_for(Role.FIRM_STAFF, tree.firm) for _ in range(5)]
    for n in range(30):
        file_order(title=f"{n}号楼道堆物", description=f"{n}号楼楼道堆满纸箱，影响通行")
    # when another order is routed (like the first, no duplicate of an earlier one; the rules' change was read by
    # the routings of those thirty)
    many = routing_statements(file_order, title="电梯故障", description="5号楼电梯停在三楼不动，按钮没有反应")
    # then it runs as many statements as before, and every firm staff member was told in the one insert
    assert len(many) == len(few), "\n".join(sql[:160] for sql in many)
    order = Notification.objects.order_by("-pk").first().order
    assert set(Notification.objects.filter(order=order).values_list("recipient", flat=True)) == {
        tree.firm_staff.pk,
        *(user.pk for user in staff),
    }


def test_the_locked_read_is_planned_in_its_written_join_order_and_nothing_else_is(tree, file_order):
    # given a new order
    order = file_order(route=False)
    seen = []

    def watch(execute, sql, params, many, context):
        if (sql.startswith("SELECT") and "FOR UPDATE" in sql) or 'INSERT INTO "workorders_timelineentry"' in sql:
            with context["connection"].cursor() as cursor:
                cursor.execute("SELECT current_setting('join_collapse_limit')")
                seen.append(("locked read" if "FOR UPDATE" in sql else "timeline", cursor.fetchone()[0]))
        return execute(sql, params, many, context)

    # when the worker routes it
    with connection.execute_wrapper(watch):
        route(order)
    # then PostgreSQL did not search join orders for the nine-table locked read (its planning was ~80 % of its
    # time), and the statements after it are planned as usual
    assert ("locked read", "1") in seen and ("timeline", "8") in seen, seen


def test_every_change_locks_the_order_in_its_written_join_order(tree, file_order):
    # given a routed order in the firm's hands
    order = file_order()
    assert order.handler_level == L.PROPERTY_FIRM
    seen = []

    def watch(execute, sql, params, many, context):
        if sql.startswith("SELECT") and "FOR UPDATE" in sql:
            with context["connection"].cursor() as cursor:
                cursor.execute("SELECT current_setting('join_collapse_limit')")
                seen.append(cursor.fetchone()[0])
        return execute(sql, params, many, context)

    # when the firm's staff accept it
    with connection.execute_wrapper(watch):
        services.work_order_accept(actor=tree.firm_staff, order=order, now=MONDAY_9AM)
    # then the lock with its six joins was planned as written, and the setting is its default again after
    assert seen == ["1"]
    assert join_collapse_limit() == "8"
    # and when the order was gone by the time of the lock (deleted after the scope check), the rest of the
    # transaction is planned as usual
    with pytest.raises(WorkOrder.DoesNotExist), services._joins_as_written():
        WorkOrder.objects.select_for_update().get(pk=order.pk + 1000)
    assert join_collapse_limit() == "8"


def join_collapse_limit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('join_collapse_limit')")
        return cursor.fetchone()[0]


def test_an_edited_rule_applies_to_the_next_order(tree, file_order):
    # given a rule that sends everything to the street, used by a routing (the process keeps the rules)
    street_rule = rule(tree, 10, target_level=L.STREET)
    assert route(file_order(route=False)).handler_level == L.STREET
    # when it is changed by an update that bypasses save() (as SQL or a bulk admin action would)
    RoutingRule.objects.filter(pk=street_rule.pk).update(target_level=L.COMMUNITY)
    # then the next order follows the rule as it is now
    order = route(file_order(route=False))
    assert (order.handler_level, order.handler_community) == (L.COMMUNITY, tree.communities[0])
    # and when it is switched off, the category's default applies again (the firm, for corridor clutter)
    RoutingRule.objects.filter(pk=street_rule.pk).update(is_active=False)
    assert route(file_order(route=False)).handler_level == L.PROPERTY_FIRM
    # and when a rule is added ahead of it and the old one deleted, the new one wins
    RoutingRule.objects.filter(pk=street_rule.pk).update(is_active=True)
    rule(tree, 5, target_level=L.COMMUNITY, mode=RoutingMode.POOL)
    street_rule.delete()
    pooled = route(file_order(route=False))
    assert pooled.is_pooled and pooled.handler_level == L.COMMUNITY


def test_a_renamed_department_is_named_by_the_next_routing(tree, file_order):
    # given a rule to a department, used once
    rule(tree, 10, target_level=L.DEPARTMENT, target_department=tree.department)
    assert route(file_order(route=False)).handler_department == tree.department
    # when the department is renamed
    tree.department.name = "区城市管理执法局（新）"
    tree.department.save()
    # then the next order's routing note names it as it is now
    order = route(file_order(route=False))
    assert "区城市管理执法局（新）" in order.timeline.get(kind=TimelineKind.ROUTED).note


def test_a_category_moved_under_a_ruled_parent_follows_the_parents_rule(tree, categories, file_order):
    # given a rule on safety hazards, and corridor clutter routed once (not under it: to the firm)
    rule(tree, 10, category=categories["safety-hazard"], target_level=L.STREET)
    assert route(file_order(route=False)).handler_level == L.PROPERTY_FIRM
    # when corridor clutter is moved under safety hazards
    child = categories["corridor-clutter"]
    child.parent = categories["safety-hazard"]
    child.save()
    # then the next corridor-clutter order follows the parent's rule
    assert route(file_order(route=False)).handler_level == L.STREET


def test_the_rules_of_one_district_never_route_anothers_orders(tree, file_order):
    # given another district whose rule sends everything to the street, and routings in both districts
    other = build_tree("610113", "雁塔区")
    RoutingRule.objects.create(district=other.district, priority=10, target_level=L.STREET)
    routing.district_rules(other.district.pk)
    # when an order of this district (without rules) is routed, then the category's default applies
    assert route(file_order(route=False)).handler_level == L.PROPERTY_FIRM


def test_routing_as_another_districts_system_is_a_404_and_changes_nothing(tree, file_order):
    order = file_order(route=False)
    stranger = SystemActor(name="tests", district_id=order.district_id + 1000)
    with pytest.raises(Http404):
        services.work_order_route(actor=stranger, order_id=order.pk, now=MONDAY_9AM)
    order.refresh_from_db()
    assert order.routed_at is None and order.state == State.SUBMITTED


def test_a_possible_duplicate_is_flagged_with_the_earlier_orders_code(tree, file_order):
    first = file_order(title="3号楼楼道堆满杂物")
    other_category = file_order(category="noise", title="3号楼楼道堆满杂物")
    second = route(file_order(route=False, title="3号楼楼道堆满杂物！"))
    # the earlier order of the same compound and category, not the one of another category
    assert second.possible_duplicate_of == first and other_category.possible_duplicate_of is None
    flagged = second.timeline.get(kind=TimelineKind.DUPLICATE_FLAGGED)
    assert first.tracking_code in flagged.note and flagged.at == second.created_at
    # and a different text of the same compound and category is no duplicate
    lift = route(file_order(route=False, title="电梯故障", description="5号楼电梯停在三楼不动"))
    assert lift.possible_duplicate_of is None


class Recording:
    sent: list = []

    def send(self, *, recipient, subject, message, order):
        Recording.sent.append(recipient.pk)


def test_notify_writes_each_recipient_once_and_sends_only_the_new_ones(tree, file_order, settings):
    settings.NOTIFIER_BACKENDS = [f"{__name__}.Recording"]
    Recording.sent = []
    order = file_order(route=False)
    others = [factories.user_for(Role.FIRM_STAFF, tree.firm) for _ in range(3)]
    actor = SystemActor(name="tests", district_id=order.district_id)
    # given one of them told already under this key
    first = notifications.notify(
        actor=actor, recipients=[others[0]], order=order, kind="x", message="m", dedupe_key="k"
    )
    assert [row.recipient for row in first] == [others[0]] and first[0].pk
    # when all of them are told under the same key
    written = notifications.notify(
        actor=actor, recipients=[tree.firm_staff, *others], order=order, kind="x", message="m", dedupe_key="k"
    )
    # then the others got one row each, and only they were sent the message now
    assert {row.recipient_id for row in written} == {tree.firm_staff.pk, others[1].pk, others[2].pk}
    assert Notification.objects.filter(dedupe_key="k").count() == 4
    assert sorted(Recording.sent) == sorted([others[0].pk, tree.firm_staff.pk, others[1].pk, others[2].pk])
    # and without a key, every call writes
    assert len(notifications.notify(actor=actor, recipients=others, order=order, kind="x", message="m")) == 3


def test_the_locked_read_is_prepared_once_per_connection_and_run_for_every_order(tree, file_order):
    # given a worker's connection that has routed no order yet
    def kept() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT custom_plans + generic_plans, generic_plans FROM pg_prepared_statements "
                "WHERE statement LIKE %s",
                ['%FOR UPDATE OF "workorders_workorder"%'],
            )
            return cursor.fetchall()

    assert kept() == []
    orders = [file_order(route=False, title=f"{n}号楼漏水", description=f"{n}号楼顶层屋面漏水") for n in range(8)]
    # when the worker routes eight orders on it
    for order in orders:
        assert route(order).state == State.ASSIGNED
    # then the nine-table read was prepared once and run eight times, each from its one kept generic plan (planning
    # it was ~6× running it; left to choose, PostgreSQL planned it afresh for every order of `make bench`)
    assert kept() == [(8, 8)]
