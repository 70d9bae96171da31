"""One request id, followed across processes (issue 11): the web request that files a complaint, the Celery tasks
it enqueues, and the tasks those enqueue, all log the same `request_id`.

- `RequestIdMiddleware` takes the caller's `X-Request-ID` (a proxy's, when it is a sane token) or makes one, keeps
  it in a context variable for the request, and answers it in the `X-Request-ID` response header.
- Publishing a task (`before_task_publish`) puts the current id in the message header `request_id`; a worker
  running the task (`task_prerun`) takes it back, so that the task's logs, and the tasks it enqueues, carry it.
  The task outbox (workorders.outbox) stores it with the message, so a message the sweep republishes keeps it.
- `RequestIdFilter` puts `request_id` (and the Celery `task_id`/`task_name`, when in a task) on every log record;
  `JsonFormatter` writes one JSON object per line (settings: CAPILLARY_LOG_FORMAT=json, the default in
  production)."""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun

HEADER = "request_id"
NO_ID = "-"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default=NO_ID)
_task: contextvars.ContextVar[tuple[str, str]] = contextvars.ContextVar("celery_task", default=(NO_ID, NO_ID))


def current() -> str:
    return request_id.get()


def new_id() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def bound(rid: str) -> Iterator[None]:
    """The block logs as the request `rid` (a task that does the work of several requests, one after another:
    workorders.tasks.route_batch); an empty or malformed id leaves the current one."""
    token = request_id.set(rid) if rid and _VALID.match(rid) else None
    try:
        yield
    finally:
        if token is not None:
            request_id.reset(token)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        rid = given if _VALID.match(given) else new_id()
        request.request_id = rid
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.task_id, record.task_name = _task.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, task (and the exception, if any)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NO_ID),
        }
        if getattr(record, "task_id", NO_ID) != NO_ID:
            entry |= {"task_id": record.task_id, "task": record.task_name}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


@before_task_publish.connect(dispatch_uid="config.requestid.publish")
def _publish_with_request_id(headers: dict | None = None, **_: Any) -> None:
    if headers is not None and HEADER not in headers and request_id.get() != NO_ID:
        headers[HEADER] = request_id.get()


def _from_task(task: Any) -> str | None:
    value = getattr(task.request, HEADER, None) or (getattr(task.request, "headers", None) or {}).get(HEADER)
    return value if isinstance(value, str) and _VALID.match(value) else None


@task_prerun.connect(dispatch_uid="config.requestid.prerun")
def _task_starts(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    if task is None:
        return
    task.request._request_id_tokens = (
        request_id.set(_from_task(task) or request_id.get()),
        _task.set((task_id or NO_ID, task.name)),
    )


@task_postrun.connect(dispatch_uid="config.requestid.postrun")
def _task_ends(task: Any = None, **_: Any) -> None:
    tokens = getattr(getattr(task, "request", None), "_request_id_tokens", None)
    if tokens:
        request_id.reset(tokens[0])
        _task.reset(tokens[1])
        task.request._request_id_tokens = None
