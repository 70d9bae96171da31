"""What one filing costs (issue 12, benchmarks/RESULTS.md): the resident's QR filing runs a fixed number of
queries, leaves the duplicate check to the routing task, and that one task routes and notifies."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workorders import notifications, tasks
from workorders.models import Notification, OutboxMessage, TimelineKind, WorkOrder

from .test_intake_resident import DESCRIPTION, post_report

pytestmark = pytest.mark.usefixtures("fresh_media_and_cache")


def test_a_qr_filing_runs_a_fixed_number_of_queries(client, tree, categories):
    # given a compound whose page was filed to once (the worker's calendar and the URLconf are warm)
    compound, category = tree.compounds[0], categories["leak"]
    assert post_report(client, compound, category, ip="10.0.0.9").status_code == 302
    # when a resident files one order (the commit's callbacks, the broker's part, are not run here)
    with CaptureQueriesContext(connection) as queries:
        response = post_report(client, compound, category, ip="10.0.0.1")
    # then it is filed with: the tenant scope (the QR door's lookup in the same statement), the compound with its
    # community and street, the categories with their urgency, the order, its timeline row and its outbox row (each
    # with pghistory's context in front) — no reloads, no savepoint of the service's own
    assert response.status_code == 302
    # (less the two statements the tenancy middleware adds only inside a test's own transaction: reading the
    # outer scope and putting it back, accounts.tenancy.TenantMiddleware)
    sql = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith("SELECT coalesce(current_setting(")
        and "set_config('capillary.platform', 'on'" not in q["sql"]
    ]
    # 20 before issue 12; 10 then, 12 once the QR door asked its narrow lookup for the compound's district in a
    # statement of its own (accounts.rls door functions); 8 since the door's lookup and the scope are one statement
    # set once as the request enters, and the filing runs in the request's transaction without a savepoint
    assert len(sql) == 8, "\n".join(s[:160] for s in sql)
    assert sum("capillary_door_compound_token" in s for s in sql) == 1
    assert sum("set_config('capillary.district'" in s for s in sql) == 1
    # one savepoint: the request's transaction itself (a savepoint only inside the test's transaction)
    assert sum(s.startswith("SAVEPOINT") or "; SAVEPOINT" in s for s in sql) == 1
    assert sum('FROM "compounds_compound"' in s for s in sql) == 1
    assert not any('FROM "workorders_urgencyclass"' in s or 'FROM "compounds_propertyfirm"' in s for s in sql)
    # and the duplicate check (a trigram search) is not on the request path
    assert not any("SIMILARITY" in s.upper() for s in sql)


def test_routing_flags_the_duplicate_and_notifies_in_the_same_task(
    client, tree, categories, monkeypatch, django_capture_on_commit_callbacks
):
    compound, category = tree.compounds[0], categories["leak"]
    separate = []
    # a separate notification task goes through the outbox: its publish is where it would leave the process
    monkeypatch.setattr(tasks.notify_handler_task, "apply_async", lambda args, **_: separate.append(tuple(args)))
    with django_capture_on_commit_callbacks(execute=True):
        post_report(client, compound, category, ip="10.0.0.1")
    with django_capture_on_commit_callbacks(execute=True):
        post_report(client, compound, category, ip="10.0.0.2", description=DESCRIPTION + "！")
    first, second = WorkOrder.objects.order_by("pk")
    # both are routed to the firm and its staff told, by the routing task itself (no second task)
    assert first.routed_at and second.routed_at and second.handler_firm == compound.property_firm
    assert Notification.objects.filter(recipient=tree.firm_staff, order__in=[first, second]).count() == 2
    assert separate == []
    # and the second is flagged as a possible duplicate of the first, the flag dated at its filing
    assert second.possible_duplicate_of == first and first.possible_duplicate_of is None
    flagged = second.timeline.get(kind=TimelineKind.DUPLICATE_FLAGGED)
    assert flagged.at == second.created_at and first.tracking_code in flagged.note


def test_a_failing_notification_leaves_the_routing_and_goes_to_its_own_task(
    client, tree, categories, monkeypatch, django_capture_on_commit_callbacks
):
    compound, category = tree.compounds[0], categories["leak"]
    separate = []
    # a separate notification task goes through the outbox: its publish is where it would leave the process
    monkeypatch.setattr(tasks.notify_handler_task, "apply_async", lambda args, **_: separate.append(tuple(args)))

    def broken(**kwargs):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(notifications, "notify", broken)
    with django_capture_on_commit_callbacks(execute=True):
        post_report(client, compound, category, ip="10.0.0.1")
    order = WorkOrder.objects.get()
    assert order.routed_at is not None and order.handler_firm == compound.property_firm
    assert not Notification.objects.exists()
    assert [args[:2] for args in separate] == [(order.pk, "assigned")]
    message = OutboxMessage.objects.get(task=tasks.notify_handler_task.name)
    assert message.order == order and message.args[:2] == [order.pk, "assigned"]


def test_after_the_commit_the_router_is_woken_without_a_statement(
    client, tree, categories, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # given a real broker's mode (not eager), whose sends are recorded here
    from config.celery import app as celery_app
    from workorders.models import OutboxMessage

    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    sent = []
    monkeypatch.setattr(tasks.route_pending_task, "apply_async", lambda **kw: sent.append(kw))
    compound, category = tree.compounds[0], categories["leak"]
    # when a resident files and the request's commit runs its callbacks
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert post_report(client, compound, category, ip="10.0.0.1").status_code == 302
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    # then the district's router was woken (its outbox row is the routing queue: workorders.outbox), and the
    # callbacks read and wrote nothing (the row was written as published, in the filing's transaction)
    message = OutboxMessage.objects.get()
    assert [kw["args"] for kw in sent] == [[tree.district.pk]]
    assert message.task == tasks.route_work_order_task.name and message.order == WorkOrder.objects.get()
    assert len(queries) == 0, [q["sql"][:120] for q in queries.captured_queries]
    assert message.published_at is not None and message.attempts == 1 and message.done_at is None


def test_a_routing_wake_the_broker_refuses_is_left_for_the_sweep_and_the_next_filing_tries_again(
    client, tree, categories, monkeypatch, django_capture_on_commit_callbacks
):
    from config.celery import app as celery_app
    from workorders.models import OutboxMessage

    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    tries = []

    def down(**kwargs):
        tries.append(kwargs)
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.route_pending_task, "apply_async", down)
    for n in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_report(client, tree.compounds[n], categories["leak"], ip=f"10.0.0.{n + 1}")
        # the resident still lands on the tracking page, and the row waits, unpublished, for the sweep
        assert response.status_code == 302
    assert [(m.published_at, m.done_at) for m in OutboxMessage.objects.all()] == [(None, None)] * 2
    # and no wake was left in flight: the second filing tried the broker again
    assert len(tries) == 2


def test_the_routing_task_marks_its_outbox_row_done_in_its_own_transaction(
    client, tree, categories, monkeypatch, django_capture_on_commit_callbacks
):
    from workorders import outbox
    from workorders.models import OutboxMessage

    after = []
    monkeypatch.setattr(outbox, "outbox_mark_done", after.append)
    # when an order is filed and routed (eagerly, through the outbox as the worker would run it)
    with django_capture_on_commit_callbacks(execute=True):
        post_report(client, tree.compounds[0], categories["leak"], ip="10.0.0.1")
    order, message = WorkOrder.objects.get(), OutboxMessage.objects.get()
    # then the order is routed and its row done by the task itself, nothing left for after the task
    assert order.routed_at is not None and message.done_at is not None
    assert after == []
    assert message.args == [order.pk, order.district_id]
