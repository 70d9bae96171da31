"""The task outbox (issue 11): a task that must not be lost is a row first, a message second.

    outbox_enqueue(task=route_work_order_task, args=[order.pk], district_id=..., order=order)

writes an `OutboxMessage` in the caller's transaction (the order and its routing task commit together or not at
all) and publishes it after the commit. A broker that is down at that moment costs nothing but time: the page
still answers, the row stays unpublished, and `outbox_sweep` (beat, every minute) publishes it again — and keeps
publishing what was published but never acknowledged (a message the broker lost on a restart). A task run from
the outbox carries the row's id in the message header `outbox_id`; when it succeeds the row is marked done
(`task_postrun` below) — or, for the routing task, by the task itself in its own transaction (`outbox_done_here`).
The tasks are idempotent, so a message published twice has its effect once.

The request path stays lean (issue 12): the row is written already marked published, and the commit's callback
only hands the message to the broker; it touches the row again only when the broker refuses it.

A filed order's routing is not a message of its own (issue 12: the worker spent 4–5 ms of CPU on each message).
Its row is the queue: the commit's callback only wakes the router, `route_pending_task(district_id)`, unless a
wake of that district is already on its way (a key in the cache that the web and the worker share,
settings.CAPILLARY_WAKE_CACHE), and the router claims the district's waiting rows in batches
(workorders.tasks.route_batch). The router deletes the key before its first claim, so a filing that commits
after the claim sends a new wake. The sweep still publishes a row left behind as route_work_order_task of its own.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from celery import Task, current_app
from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.actors import SystemActor
from accounts.tenancy import tenant_context
from config import requestid
from workorders.models import OutboxMessage, WorkOrder

logger = logging.getLogger(__name__)

HEADER = "outbox_id"
STALE_AFTER = timedelta(minutes=2)  # published this long ago and not done: publish again
KEEP_DONE = timedelta(days=7)
# Tasks whose rows are claimed in batches by a draining task, woken once for many rows (see above).
DRAINED_BY = {"workorders.tasks.route_work_order_task": "workorders.tasks.route_pending_task"}
WAKE_TTL = 60  # seconds: a wake whose message was lost is sent again by the first filing after this


def outbox_enqueue(
    *, task: Task, args: list[Any], district_id: int, order: WorkOrder | None = None, order_id: int | None = None
) -> OutboxMessage:
    """Write the task's row in the current transaction and publish it once that commits.

    The row is written as published (`published_at`, one attempt): the message it holds is known here, so the
    commit's callback sends it without reading or updating the row (issue 12: seven statements and a tenant
    scope less per filing). Should the broker refuse it, the callback marks the row unpublished for the sweep;
    should the process die between the commit and the send, the sweep sends it once it is `STALE_AFTER` old."""
    eager = task.app.conf.task_always_eager
    message = OutboxMessage.objects.create(
        task=task.name,
        args=args,
        district_id=district_id,
        order_id=order.pk if order is not None else order_id,
        request_id=requestid.current(),
        published_at=None if eager else timezone.now(),
        attempts=0 if eager else 1,
    )
    if eager:  # tests and one-process runs: the task runs in the callback, through the sweep's path
        transaction.on_commit(partial(publish, message.pk, district_id=district_id))
    elif task.name in DRAINED_BY:
        transaction.on_commit(partial(_wake_for, message))
    else:
        transaction.on_commit(partial(_send, message, task))
    return message


def _wake_key(district_id: int, task_name: str) -> str:
    return f"outbox:wake:{task_name}:{district_id}"


def wake(district_id: int, *, task_name: str, delay: float | None = None) -> bool:
    """Make sure a draining task for the district's `task_name` rows is on its way: send one unless a wake is
    already in flight, to run `delay` seconds from now (settings.CAPILLARY_ROUTING_WAKE_DELAY unless given: the
    rows of that moment go in one batch). False (and a warning) when the cache or the broker refuses."""
    key = _wake_key(district_id, task_name)
    cache = caches[settings.CAPILLARY_WAKE_CACHE]
    delay = settings.CAPILLARY_ROUTING_WAKE_DELAY if delay is None else delay
    try:
        if not cache.add(key, 1, timeout=WAKE_TTL):
            return True  # one is on its way, and it claims after this row committed
        drain = current_app.tasks[DRAINED_BY[task_name]]
        drain.apply_async(
            args=[district_id],
            countdown=delay or None,
            ignore_result=True,
            argsrepr=f"[{district_id}]",
            kwargsrepr="{}",
        )
    except Exception as error:  # whatever the cache or broker raises, the page must still answer
        with contextlib.suppress(Exception):
            cache.delete(key)  # no wake is in flight after all: the next filing tries again
        logger.warning("outbox: could not wake %s for district %s (%s)", DRAINED_BY[task_name], district_id, error)
        return False
    return True


def wake_clear(district_id: int, *, task_name: str) -> None:
    """The draining task starts: a row committed from now on must send a new wake."""
    caches[settings.CAPILLARY_WAKE_CACHE].delete(_wake_key(district_id, task_name))


def _wake_for(message: OutboxMessage) -> bool:
    """The commit's callback for a drained task's row: wake its drain; should that fail, the row is marked
    unpublished, and the sweep publishes it as a task of its own."""
    if wake(message.district_id, task_name=message.task):
        return True
    _unpublished(message)
    return False


def _send(message: OutboxMessage, task: Task) -> bool:
    """The commit's callback: the message to the broker, no statement when it takes it.

    With the least work Celery does per message (issue 12): no result (nobody waits for one: no result-backend
    bookkeeping), and the arguments' log form given (a list of ids: its repr), so that Celery does not build it
    with its truncating `saferepr` (0.31 → 0.29–0.30 ms of CPU a message, measured in process against Redis)."""
    try:
        task.apply_async(
            args=message.args,
            headers=_headers(message),
            ignore_result=True,
            argsrepr=repr(message.args),
            kwargsrepr="{}",
        )
    except Exception as error:  # whatever the broker raises, the page must still answer
        _unpublished(message)
        logger.warning("outbox: broker unreachable, %s #%s waits for the sweep (%s)", message.task, message.pk, error)
        return False
    return True


def _unpublished(message: OutboxMessage) -> None:
    with tenant_context(SystemActor(name="outbox.publish", district_id=message.district_id)):
        OutboxMessage.objects.filter(pk=message.pk).update(published_at=None)


def _headers(message: OutboxMessage) -> dict[str, Any]:
    headers: dict[str, Any] = {HEADER: message.pk}
    if message.request_id and message.request_id != requestid.NO_ID:
        headers[requestid.HEADER] = message.request_id  # a republished message keeps its request's id
    return headers


def publish(message_id: int, district_id: int | None = None) -> bool:
    """Send one outbox row to the broker; False (and a warning) when the broker cannot be reached — the row
    waits for the sweep. Errors of the task itself (eager mode in tests) are not swallowed.

    After a request's commit nothing is in scope any more (row-level security, accounts.tenancy): the row is
    read and marked as the system of its district (the sweep, a task, runs on the platform path: None)."""
    with tenant_context(SystemActor(name="outbox.publish", district_id=district_id)):
        return _publish(message_id)


def _publish(message_id: int) -> bool:
    message = OutboxMessage.objects.filter(pk=message_id, done_at__isnull=True).first()
    if message is None:
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(published_at=timezone.now(), attempts=F("attempts") + 1)
    task = current_app.tasks[message.task]
    headers = _headers(message)
    if task.app.conf.task_always_eager:  # tests and one-process runs: the task runs here, its errors are its own
        task.apply_async(args=message.args, headers=headers)
        return True
    try:
        # No result: the caller never waits for one, and subscribing to results needs the (same) Redis — when it
        # is down, Celery's result consumer gives up for good ("the Celery application must be restarted").
        task.apply_async(args=message.args, headers=headers, ignore_result=True)
    except Exception as error:  # whatever the broker raises, the page must still answer
        OutboxMessage.objects.filter(pk=message.pk).update(published_at=None)
        logger.warning("outbox: broker unreachable, %s #%s waits for the sweep (%s)", message.task, message.pk, error)
        return False
    return True


def outbox_sweep(
    *, stale_after: timedelta = STALE_AFTER, min_age: timedelta = timedelta(seconds=5), limit: int = 500
) -> int:
    """Publish again what was never published, or published `stale_after` ago and never done; rows younger than
    `min_age` are left to their own commit's publish. Rows taken with SKIP LOCKED, so two sweeps at once share
    the work. Returns how many were published."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.filter(done_at__isnull=True)
            .filter(Q(published_at__isnull=True) | Q(published_at__lte=now - stale_after))
            .filter(created_at__lte=now - min_age)
            .order_by("created_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
    published = sum(1 for pk in ids if publish(pk))
    if ids:
        logger.info("outbox sweep: %s of %s pending message(s) published", published, len(ids))
    OutboxMessage.objects.filter(done_at__lt=now - KEEP_DONE).delete()
    return published


def outbox_mark_done(message_id: int) -> None:
    # After the task (task_postrun), outside its scope: the system marks the row by its id.
    with tenant_context(SystemActor(name="outbox.done")):
        OutboxMessage.objects.filter(pk=message_id, done_at__isnull=True).update(done_at=timezone.now())


def _outbox_id(task: Task) -> int | None:
    request = task.request
    value = getattr(request, HEADER, None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get(HEADER)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


@dataclass
class _Run:
    """The outbox row of the task running in this context (read at task_prerun, where the request still carries
    the message's headers: our tasks' __call__ pushes a request of bare arguments) and whether the task marked it."""

    message_id: int | None
    done: bool = False


_run: contextvars.ContextVar[_Run | None] = contextvars.ContextVar("capillary_outbox_run", default=None)
_tokens: dict[str, contextvars.Token] = {}


@task_prerun.connect(dispatch_uid="workorders.outbox.run")
def _before_run(sender: Task | None = None, task_id: str | None = None, **_: Any) -> None:
    if sender is not None and task_id is not None:
        _tokens[task_id] = _run.set(_Run(_outbox_id(sender)))


def outbox_done_here() -> None:
    """Mark the running task's outbox row done inside the task's own transaction (in its scope: the row is of the
    task's district), so that its effect and the mark commit together and `task_postrun` has nothing left to do
    for it. A task run without an outbox row (a direct call, a re-routing sweep) marks nothing."""
    run = _run.get()
    if run is None or run.message_id is None or run.done:
        return
    OutboxMessage.objects.filter(pk=run.message_id, done_at__isnull=True).update(done_at=timezone.now())
    run.done = True


@task_postrun.connect(dispatch_uid="workorders.outbox.done")
def _done_after_success(
    sender: Task | None = None, task_id: str | None = None, state: str | None = None, **_: Any
) -> None:
    run = _run.get()
    token = _tokens.pop(task_id, None) if task_id is not None else None
    if token is not None:
        with contextlib.suppress(ValueError):  # set in another context: nothing to put back here
            _run.reset(token)
    if sender is None or state != "SUCCESS" or (run is not None and run.done):
        return
    message_id = _outbox_id(sender)
    if message_id is not None:
        outbox_mark_done(message_id)
