"""The routing queue (issue 12): a filed order's outbox row is the queue, one message wakes the router for every
filing that committed meanwhile, and the router routes the district's waiting orders in batches — each order once,
its handler told, its row done in the same transaction; one bad order sends its batch to tasks of their own.
(A real worker draining it after a kill, and the request ids in its log, are in tests/integration.)"""

import collections
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from config import requestid
from config.celery import app as celery_app
from tests import factories
from workorders import outbox, services, tasks
from workorders.models import Notification, OutboxMessage, State, TimelineKind, WorkOrder

ROUTE = tasks.route_work_order_task.name


def waiting(district) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(task=ROUTE, district=district, done_at=None))


def drain(district) -> int:
    """The router's message for the district, run as the worker runs it."""
    return tasks.route_pending_task.apply(args=[district.pk], throw=True).result


def routed_once(order: WorkOrder) -> None:
    order.refresh_from_db()
    assert order.routed_at is not None and order.state == State.ASSIGNED
    assert order.timeline.filter(kind=TimelineKind.ROUTED).count() == 1


def test_the_router_routes_every_waiting_order_of_its_district_in_batches_and_no_other(
    tree, other_tree, file_order, monkeypatch
):
    # given seven orders waiting in one district (batches of three) and two in another
    monkeypatch.setattr(tasks, "ROUTING_BATCH", 3)
    mine = [file_order(route=False, title=f"{n}号楼楼道堆物") for n in range(7)]
    theirs = [
        services.work_order_file(
            actor=factories.SYSTEM,
            compound=other_tree.compounds[0],
            category=services.categories_seed(actor=factories.SYSTEM, district=other_tree.district)[0],
            channel="resident_qr",
            title=f"{n}号楼漏水",
            description="顶层屋面漏水",
        )
        for n in range(2)
    ]
    assert len(waiting(tree.district)) == 7 and len(waiting(other_tree.district)) == 2

    # when the district's router runs
    assert drain(tree.district) == 7

    # then each of its orders is routed once, its handler told once, and nothing of it waits
    for order in mine:
        routed_once(order)
        assert Notification.objects.filter(order=order, recipient=tree.firm_staff).count() == 1
    assert waiting(tree.district) == []
    # in three batches (3, 3 and 1), each marking its rows done at one moment
    done = OutboxMessage.objects.filter(task=ROUTE, district=tree.district).values_list("done_at", flat=True)
    assert sorted(collections.Counter(done).values()) == [1, 3, 3]
    # and the other district's orders still wait for their own router
    assert all(WorkOrder.objects.get(pk=o.pk).routed_at is None for o in theirs)
    assert len(waiting(other_tree.district)) == 2
    # and a second message finds nothing to do, and doubles nothing
    assert drain(tree.district) == 0
    for order in mine:
        routed_once(order)
        assert Notification.objects.filter(order=order, recipient=tree.firm_staff).count() == 1


COMPLAINTS = [
    ("电梯故障", "电梯停在三楼不动"),
    ("屋顶漏水", "顶层卧室雨天滴水"),
    ("路灯不亮", "东门路灯整夜熄灭"),
    ("噪音扰民", "夜里装修电钻声"),
    ("垃圾满溢", "北侧垃圾桶三天未清运"),
    ("消防通道占用", "私家车堵住消防车道"),
    ("水压不足", "高层早上没有自来水"),
    ("绿化损坏", "草坪被车辆碾压"),
    ("门禁失灵", "单元门刷卡打不开"),
    ("污水外溢", "化粪池盖板冒出污水"),
    ("宠物扰民", "邻居家狗整夜叫"),
    ("外墙脱落", "六号楼外墙瓷砖掉落"),
    ("井盖缺失", "南门人行道窨井盖不见了"),
    ("快递堆放", "大堂快递包裹堆到电梯口"),
]


def test_a_batch_reads_its_orders_and_their_recipients_and_tells_them_in_one_statement_each(tree, file_order):
    # given three more of the firm's staff, and batches of 4 and then 8 orders for the firm
    for _ in range(3):
        factories.user_for(Role.FIRM_STAFF, tree.firm)

    complaints = iter(COMPLAINTS)

    def statements(count: int) -> list[str]:
        for _ in range(count):  # none like another: no duplicate flagged, so every order's routing is alike
            title, description = next(complaints)
            file_order(route=False, title=title, description=description)
        with CaptureQueriesContext(connection) as queries:
            assert drain(tree.district) == count
        return [q["sql"] for q in queries.captured_queries]

    statements(2)  # the district's rules, read once per process
    four, eight = statements(4), statements(8)
    # then the orders are read and locked, the firm's staff read, and the notifications written in one statement
    # each, however many orders the batch holds
    for sql in (four, eight):
        assert sum('FROM "workorders_workorder"' in s and "FOR UPDATE" in s for s in sql) == 1, sql
        assert sum('FROM "accounts_user"' in s for s in sql) == 1, sql
        assert sum('INSERT INTO "workorders_notification"' in s for s in sql) == 1, sql
    # and each order costs two statements more: no per-order task set-up, scope or outbox update
    per_order, rest = divmod(len(eight) - len(four), 4)
    assert rest == 0 and per_order == 2, (len(four), len(eight), per_order)  # its update and its timeline entry
    assert sum('UPDATE "workorders_outboxmessage"' in s for s in eight) == 1
    # and every one of the four staff was told of every order
    assert Notification.objects.filter(recipient__role=Role.FIRM_STAFF).count() == 14 * 4


def test_each_order_of_a_batch_is_told_to_its_own_handlers_staff_only(tree, file_order):
    # given two compounds kept by two firms, each firm with its own staff, and orders of both in one batch
    other_firm = factories.PropertyFirmFactory(district=tree.district, name="另一家物业服务有限公司")
    other_compound = tree.compounds[1]
    other_compound.property_firm = other_firm
    other_compound.save()
    other_staff = [factories.user_for(Role.FIRM_STAFF, other_firm) for _ in range(2)]
    ours = file_order(route=False, title="电梯故障", description="电梯停在三楼不动")
    theirs = file_order(route=False, compound=other_compound, title="屋顶漏水", description="顶层卧室雨天滴水")
    # when the router routes them in one batch
    assert drain(tree.district) == 2
    # then each order went to its compound's firm, and only that firm's staff were told of it
    told = {
        order.pk: set(Notification.objects.filter(order=order).values_list("recipient", flat=True))
        for order in (ours, theirs)
    }
    assert told == {ours.pk: {tree.firm_staff.pk}, theirs.pk: {user.pk for user in other_staff}}
    assert WorkOrder.objects.get(pk=theirs.pk).handler_firm == other_firm


def test_one_bad_order_sends_its_batch_to_tasks_of_their_own_and_the_batch_is_undone(tree, file_order, monkeypatch):
    # given three waiting orders, the second of which cannot be routed now
    orders = [file_order(route=False, title=f"{n}号楼楼道堆物") for n in range(3)]
    real_route = services._route_locked

    def route(actor, order, now):
        if order.pk == orders[1].pk:
            raise RuntimeError("the handler unit is being edited")
        return real_route(actor, order, now)

    monkeypatch.setattr(services, "_route_locked", route)
    published = []
    monkeypatch.setattr(outbox, "publish", lambda pk, district_id=None: published.append(pk) or True)

    # when the router runs
    assert drain(tree.district) == 0

    # then no order of the batch is routed (the first one's routing is undone with the batch), every row still
    # waits, and each was handed to route_work_order_task of its own, with its retries
    for order in orders:
        order.refresh_from_db()
        assert order.routed_at is None and order.state == State.SUBMITTED
    assert sorted(m.pk for m in waiting(tree.district)) == sorted(published) and len(published) == 3


def test_each_order_of_a_batch_logs_with_its_own_filings_request_id(tree, file_order, caplog):
    # given two orders filed by two requests
    first = file_order(route=False, title="1号楼楼道堆物")
    second = file_order(route=False, title="2号楼电梯故障", description="2号楼电梯停在三楼")
    OutboxMessage.objects.filter(order=first).update(request_id="req-first")
    OutboxMessage.objects.filter(order=second).update(request_id="req-second")
    caplog.set_level(logging.INFO, logger="workorders")
    caplog.handler.addFilter(requestid.RequestIdFilter())

    # when one batch routes both
    assert drain(tree.district) == 2

    # then the line saying each was routed carries its own filing's request id
    routed = {
        r.getMessage().split(" ")[3]: r.request_id for r in caplog.records if "work order routed" in r.getMessage()
    }
    assert routed == {first.tracking_code: "req-first", second.tracking_code: "req-second"}


@pytest.fixture
def broker_messages(monkeypatch):
    """The messages the filings hand to the broker, by task name (not eager: as on the site)."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    sent = []
    monkeypatch.setattr(
        tasks.route_pending_task,
        "apply_async",
        lambda args=None, **options: sent.append(("drain", args, options.get("countdown"))),
    )
    monkeypatch.setattr(
        tasks.route_work_order_task, "apply_async", lambda args=None, **options: sent.append(("one", args))
    )
    return sent


def test_filings_wake_the_router_once_until_it_starts_and_again_after(
    tree, file_order, broker_messages, settings, django_capture_on_commit_callbacks
):
    settings.CAPILLARY_ROUTING_WAKE_DELAY = 0.25
    # when three orders are filed before the router starts
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            file_order(route=False, title=f"{n}号楼楼道堆物")
    # then one message was sent, to wake the district's router a quarter of a second later (the filings of that
    # moment go in its batch), and no message per order
    woken = ("drain", [tree.district.pk], 0.25)
    assert broker_messages == [woken]
    # when the router starts (and deletes the wake before it claims), another filing wakes it again
    outbox.wake_clear(tree.district.pk, task_name=ROUTE)
    with django_capture_on_commit_callbacks(execute=True):
        file_order(route=False, title="4号楼楼道堆物")
    assert broker_messages == [woken] * 2


def test_a_router_that_finds_more_than_its_run_routes_hands_on_to_a_new_message_at_once(
    tree, file_order, broker_messages, monkeypatch
):
    # given five waiting orders and a router that routes two batches of two a run
    monkeypatch.setattr(tasks, "ROUTING_BATCH", 2)
    monkeypatch.setattr(tasks, "ROUTING_BATCHES_PER_RUN", 2)
    orders = [file_order(route=False, title=f"{n}号楼楼道堆物") for n in range(5)]
    # when it runs, it routes four and wakes a router for the rest, without waiting
    assert drain(tree.district) == 4
    assert broker_messages == [("drain", [tree.district.pk], None)]
    # and that one routes the fifth
    assert drain(tree.district) == 1
    for order in orders:
        routed_once(order)
