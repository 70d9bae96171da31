"""Thin Celery tasks: ids in, a service call, safe to run twice."""

import logging
from datetime import datetime

import pghistory
from celery import shared_task
from django.db import transaction
from django.utils import timezone

from accounts.actors import SystemActor
from compounds.models import District
from config import requestid
from workorders import notifications, outbox, retention, services
from workorders.models import OutboxMessage, WorkOrder

logger = logging.getLogger(__name__)

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "retry_backoff_max": 300, "max_retries": 5}

NOTIFY_TEXT = {
    "assigned": "新工单待受理：{title}（{code}），响应时限 {respond_by}，办结时限 {resolve_by}",
    "pooled": "新工单待认领：{title}（{code}），响应时限 {respond_by}",
    "transferred": "转办工单待受理：{title}（{code}），办结时限 {resolve_by}",
    "escalated": "上报工单待处理：{title}（{code}），响应时限 {respond_by}，办结时限 {resolve_by}",
    "reopened": "工单重办（居民不满意）：{title}（{code}），办结时限 {resolve_by}",
    "overdue_top": "工单超时且已在最高层级，请督办：{title}（{code}）",
}


@shared_task(acks_late=True, ignore_result=True, **RETRY)  # nobody reads its result: the worker stores none
def route_work_order_task(order_id: int, district_id: int | None = None) -> None:
    """Route a filed order (idempotent: a routed order is left alone) and tell its handler, in one task: the
    notification is written in the routing's transaction (a savepoint of its own); should it fail, it is
    enqueued as notify_handler_task (with its own retries) and the routing stands.

    The filing passes its district (the task then runs inside it and does not look the order's up first), and
    the task marks its outbox row done in the routing's own transaction (workorders.outbox.outbox_done_here):
    routed and done commit together, and nothing is left for the row after the task."""
    if district_id is None:
        district_id = WorkOrder.objects.filter(pk=order_id).values_list("district_id", flat=True).first()
    if district_id is None:
        return
    actor = SystemActor(name="task:workorders.route_work_order_task", district_id=district_id)
    pending: list[tuple] = []
    token = services.PENDING_NOTIFICATIONS.set(pending)
    try:
        with transaction.atomic():
            order = services.work_order_route(actor=actor, order_id=order_id)
            for args in pending:
                try:
                    with transaction.atomic():
                        notify_handler(order, *args[1:])  # args[0] is this order's id
                except Exception:
                    logger.exception("notifying the handler of order #%s failed: enqueued on its own", order_id)
                    # Through the outbox: the routing commits with it, and a broker down then loses nothing.
                    outbox.outbox_enqueue(
                        task=notify_handler_task, args=list(args), district_id=order.district_id, order=order
                    )
            outbox.outbox_done_here()
    finally:
        services.PENDING_NOTIFICATIONS.reset(token)


ROUTE_PENDING_TASK = "workorders.tasks.route_pending_task"
ROUTING_BATCH = 50  # orders routed in one transaction
ROUTING_BATCHES_PER_RUN = 20  # then the run hands on to a new message, so that a steady stream never pins a child


@shared_task(name=ROUTE_PENDING_TASK, acks_late=True, ignore_result=True, **RETRY)  # retried: the database down
def route_pending_task(district_id: int) -> int:
    """Route the district's filed orders waiting in the outbox, in batches (issue 12): one message wakes the
    router for every filing that committed meanwhile (workorders.outbox.wake). Returns how many it routed."""
    started = timezone.now()
    # Before the first claim: any filing that commits from here on wakes the router again.
    outbox.wake_clear(district_id, task_name=route_work_order_task.name)
    routed = 0
    for _ in range(ROUTING_BATCHES_PER_RUN):
        claimed, done = route_batch(district_id=district_id, limit=ROUTING_BATCH)
        routed += done
        if done < claimed:  # the batch failed: its orders went to tasks of their own
            return routed
        if claimed < ROUTING_BATCH:
            # What is left was held by another session: a router beside this one, or the open transaction of a
            # worker that died mid-batch (this message is then its own, handed out again). Wait for those rows:
            # routed by the other, or free to route here. Rows filed after this run began have woken their own.
            return routed + route_batch(district_id=district_id, limit=ROUTING_BATCH, waiting_for_older_than=started)[1]
    outbox.wake(district_id, task_name=route_work_order_task.name, delay=0)  # more wait: a new message, at once
    return routed


def route_batch(*, district_id: int, limit: int, waiting_for_older_than: datetime | None = None) -> tuple[int, int]:
    """Claim up to `limit` of the district's routing rows, oldest first, and route their orders in one
    transaction that also marks the rows done. The claim skips rows another session holds (two routers share the
    queue); with `waiting_for_older_than` it waits for the rows filed before that instead. Each order's handler
    is told as route_work_order_task tells it, all of them at once (notify_handlers).

    Should any order of the batch fail, the batch is rolled back and each of its rows goes to
    route_work_order_task on its own (with its retries): one bad order delays its batch by a message, no more.
    Returns (claimed, routed)."""
    actor = SystemActor(name=f"task:{ROUTE_PENDING_TASK}", district_id=district_id)
    waiting = OutboxMessage.objects.filter(task=route_work_order_task.name, district_id=district_id, done_at=None)
    if waiting_for_older_than is None:
        waiting = waiting.select_for_update(skip_locked=True)
    else:
        waiting = waiting.filter(created_at__lt=waiting_for_older_than).select_for_update()
    with transaction.atomic():
        rows = list(waiting.order_by("created_at").values_list("pk", "order_id", "request_id")[:limit])
        if not rows:
            return 0, 0
        request_of = {order_id: request_id for _, order_id, request_id in rows}
        pending: list[tuple] = []
        token = services.PENDING_NOTIFICATIONS.set(pending)
        try:
            with transaction.atomic():
                orders = services.work_orders_route(
                    actor=actor, order_ids=list(request_of), each=lambda pk: requestid.bound(request_of[pk])
                )
                notify_handlers(actor, {order.pk: order for order in orders}, pending)
                OutboxMessage.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(done_at=timezone.now())
            return len(rows), len(rows)
        except Exception:
            logger.exception("routing a batch of %s order(s) failed: each goes to its own task", len(rows))
        finally:
            services.PENDING_NOTIFICATIONS.reset(token)
    for pk, _, _ in rows:
        outbox.publish(pk, district_id=district_id)
    return len(rows), 0


@shared_task(acks_late=True)
def reroute_unrouted_task() -> int:
    """Beat: re-enqueue routing of orders that were saved but never routed."""
    return services.work_orders_reroute_unrouted(actor=SystemActor(name="task:workorders.reroute_unrouted_task"))


@shared_task(acks_late=True)
def outbox_sweep_task() -> int:
    """Beat, every minute: publish the outbox rows never published or never acknowledged (workorders.outbox)."""
    return outbox.outbox_sweep()


@shared_task(acks_late=True)
def sla_sweep_task() -> list[int]:
    """Beat: escalate overdue orders (idempotent per order, level and breached deadline)."""
    return services.sla_sweep(actor=SystemActor(name="task:workorders.sla_sweep_task"))


ANONYMISE_TASK = "workorders.anonymise_expired_task"


@shared_task(acks_late=True)
def anonymise_expired_task() -> dict[str, int]:
    """Beat, nightly: in every district, anonymise the closed requests past the district's retention period
    (workorders.retention), in batches, each district as the system acting inside it. Idempotent."""
    done = {}
    for district in District.objects.order_by("pk"):
        actor = SystemActor(name=f"task:{ANONYMISE_TASK}", district_id=district.pk)
        count = 0
        with pghistory.context(task=ANONYMISE_TASK, actor=actor.display_name):
            while batch := retention.work_orders_anonymise_expired(actor=actor, district=district):
                count += batch
        if count:
            done[district.code] = count
    return done


@shared_task(acks_late=True, **RETRY)
def notify_handler_task(
    order_id: int, kind: str, dedupe_key: str, level: str = "", unit_ids: list | None = None
) -> int:
    """Tell the handler units the order went to (or, at the top of the ladder, the district officials).
    Once per recipient and `dedupe_key`, so a repeated message tells nobody twice."""
    order = WorkOrder.objects.select_related("district").filter(pk=order_id).first()
    if order is None:
        return 0
    return notify_handler(order, kind, dedupe_key, level, unit_ids)


def notify_handler(order: WorkOrder, kind: str, dedupe_key: str, level: str = "", unit_ids: list | None = None) -> int:
    """notify_handler_task's work on a loaded order (the routing task passes the order it has just routed)."""
    if kind == "overdue_top":
        recipients = notifications.district_officials(order)
    else:
        recipients = notifications.recipients_for_handler(
            district_id=order.district_id, level=level, unit_ids=unit_ids or []
        )
    actor = SystemActor(name="task:workorders.notify_handler_task", district_id=order.district_id)
    written = notifications.notify(
        actor=actor, recipients=recipients, order=order, kind=kind, message=_text(order, kind), dedupe_key=dedupe_key
    )
    return len(written)


def notify_handlers(actor: SystemActor, orders: dict[int, WorkOrder], pending: list[tuple]) -> int:
    """notify_handler for the orders a routing batch has routed (`pending`: services.PENDING_NOTIFICATIONS of the
    batch, `(order_id, kind, dedupe_key, level, unit_ids)`): the recipients of every handler read in one
    statement per level, every row inserted in one (issue 12)."""
    handlers = {(level, tuple(unit_ids or ())) for _, _, _, level, unit_ids in pending}
    recipients = notifications.recipients_for_handlers(district_id=actor.district_id, handlers=handlers)
    messages = [
        notifications.Message(
            recipients.get((level, tuple(unit_ids or ())), []),
            orders[order_id],
            kind,
            _text(orders[order_id], kind),
            key,
        )
        for order_id, kind, key, level, unit_ids in pending
    ]
    return len(notifications.notify_many(actor=actor, messages=messages))


def _text(order: WorkOrder, kind: str) -> str:
    return NOTIFY_TEXT.get(kind, "工单动态：{title}（{code}）").format(
        title=order.title,
        code=order.tracking_code,
        respond_by=_local(order.respond_by),
        resolve_by=_local(order.resolve_by),
    )


def _local(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"
