"""The base class of every Celery task (config/celery.py): a task runs as a named system actor, in its district.
(A DjangoTask, so that delay_on_commit stays.)

A task that takes `district_id` (as an argument or keyword) acts inside that district only; any other task
(the beat sweeps across all districts, routing by order id) runs on the platform's explicit path as the
system, and its services narrow to one district with their own SystemActor. Either way every change it
makes carries the pghistory context `task=<name>`, `actor="system:task:<name>"`, and the scope is set for
the task's connection (accounts.tenancy.task_scope) and cleared when it ends.
"""

from __future__ import annotations

import inspect
from typing import Any

import pghistory
from celery import Task
from celery.contrib.django.task import DjangoTask

from accounts.actors import SystemActor
from accounts.tenancy import task_scope


def district_of(task: Task, args: tuple, kwargs: dict) -> int | None:
    try:
        bound = inspect.signature(task.run).bind_partial(*args, **kwargs)
    except TypeError:
        return None
    value = bound.arguments.get("district_id")
    return int(value) if value not in (None, "") else None


class TenantTask(DjangoTask):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        actor = SystemActor(name=f"task:{self.name}", district_id=district_of(self, args, kwargs))
        with task_scope(actor), pghistory.context(task=self.name, actor=f"system:{actor.name}"):
            return super().__call__(*args, **kwargs)
