"""Enqueue a Celery task after the current transaction commits, through the task outbox when one is installed.

The outbox (workorders.outbox: a row in the caller's transaction, published after the commit, swept by beat)
lives above the ground floor, yet lower apps enqueue too (the organisation import in compounds). So the ground
floor names the door and the outbox registers itself behind it when its app is ready
(workorders.apps.WorkordersConfig.ready):

    enqueue_after_commit(task=run_org_import_task, args=[job.pk, district.pk], district_id=district.pk)

Without a registered outbox (a project that leaves workorders out) the task is sent on commit with
`delay_on_commit`: nothing is written, and a broker down at that moment loses the message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_outbox: Callable[..., Any] | None = None


def register_outbox(enqueue: Callable[..., Any]) -> None:
    """Called once by the app that owns the outbox: `enqueue(task=, args=, district_id=)`."""
    global _outbox
    _outbox = enqueue


def enqueue_after_commit(*, task: Any, args: list[Any], district_id: int) -> Any:
    """Send `task(*args)` once the current transaction commits; through the outbox when there is one."""
    if _outbox is not None:
        return _outbox(task=task, args=args, district_id=district_id)
    task.delay_on_commit(*args)
    return None
