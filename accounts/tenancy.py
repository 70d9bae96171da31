"""The database's half of tenancy: the actor's district as a per-transaction PostgreSQL setting.

Row-level security policies on every tenant-owned table compare each row's `district_id` with the
setting `capillary.district`; the platform's explicit path is `capillary.platform = 'on'`. Nothing set
means no tenant rows at all. The web (middleware), the API (after authentication), Celery tasks and
management commands enter `tenant_context(actor)`, which opens a transaction (or a savepoint), sets both
with `set_config(..., true)` (SET LOCAL) and puts back what was there before when it leaves, so nested
contexts (a service run as the system inside a request) and the test client behave.

    with tenant_context(SystemActor(name="task:...", district_id=order.district_id)):
        ...
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections, transaction

DISTRICT_SETTING = "capillary.district"
PLATFORM_SETTING = "capillary.platform"


def scope_of(actor: Any) -> tuple[str, str]:
    """(district, platform) setting values for an actor: a platform administrator or a system actor
    without a district reaches every district; anyone else their own district; nobody, nothing."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return "", "off"
    if getattr(actor, "is_platform_admin", False):
        return "", "on"
    district_id = getattr(actor, "district_id", None)
    return (str(district_id) if district_id is not None else ""), "off"


def _set(cursor: Any, district: str, platform: str) -> None:
    cursor.execute(
        "SELECT set_config(%s, %s, true), set_config(%s, %s, true)",
        [DISTRICT_SETTING, district, PLATFORM_SETTING, platform],
    )


def current(using: str = "default") -> tuple[str, str]:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(current_setting(%s, true), ''), coalesce(current_setting(%s, true), '')",
            [DISTRICT_SETTING, PLATFORM_SETTING],
        )
        return cursor.fetchone()


def activate(actor: Any, using: str = "default") -> None:
    """Set the actor's scope for the rest of the current transaction (inside an atomic block)."""
    connection = connections[using]
    if connection.get_autocommit():
        raise RuntimeError("tenancy.activate() needs a transaction: use tenant_context(actor)")
    with connection.cursor() as cursor:
        _set(cursor, *scope_of(actor))


@contextmanager
def tenant_context(actor: Any, using: str = "default") -> Iterator[None]:
    """A transaction (or savepoint) in which the database sees the actor's district only."""
    with transaction.atomic(using=using):
        previous = current(using)
        with connections[using].cursor() as cursor:
            _set(cursor, *scope_of(actor))
        yield
        # Leaving normally: put back the outer scope (on an exception the savepoint rollback does it).
        with connections[using].cursor() as cursor:
            _set(cursor, *previous)
