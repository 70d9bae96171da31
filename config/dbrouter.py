"""Reads that may go to a read replica (docs/scaling.md): the KPI figures and the report builds, which read
much and tolerate a replica's lag of a second or so. Everything else (every write, and every read in a
request or task that may read its own writes) stays on the primary.

With DATABASE_REPLICA_URL set, settings add the alias "replica" and turn CAPILLARY_REPLICA_READS on; then
inside `replica_reads(actor)` the router sends reads to the replica, in a read-only transaction of its own
with the actor's tenant scope (row-level security: accounts.tenancy, on that connection). Without a replica,
`replica_reads` does nothing and every read stays on "default".

    with replica_reads(request.user):
        rows = selectors.work_order_kpis(...)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings

REPLICA = "replica"
_reading: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_enabled() -> bool:
    return bool(getattr(settings, "CAPILLARY_REPLICA_READS", False)) and REPLICA in settings.DATABASES


@contextmanager
def replica_reads(actor: Any) -> Iterator[None]:
    """Reads inside go to the replica (when there is one), scoped to the actor's district."""
    if not replica_enabled():
        yield
        return
    from accounts.tenancy import tenant_context

    with tenant_context(actor, using=REPLICA):
        token = _reading.set(True)
        try:
            yield
        finally:
            _reading.reset(token)


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: reads inside `replica_reads` go to the replica; writes, migrations and all
    other reads to "default" (the replica is the same schema, streamed from the primary)."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return REPLICA if _reading.get() and replica_enabled() else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # one database, two doors

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db == "default"
