"""Server-side prepared statements for the few hot statements that take longer to plan than to run (issue 12).

Django's psycopg connections bind parameters on the client and prepare nothing (`prepare_threshold` None),
so PostgreSQL plans every statement afresh. That is right for nearly all of them, and it is what pghistory's
context needs: it sends `SELECT set_config(…); <statement>` as one query, which a prepared statement refuses.
Inside `prepared()` the statements of the block are bound on the server, prepared on their first run on the
connection, and run from the generic plan PostgreSQL keeps for them (`plan_cache_mode` for the block: left to
itself, PostgreSQL kept planning the routing's read afresh, its generic plan costed above the custom ones).
Use it around one read whose statement text does not change from call to call and whose plan does not depend
on its values (the routing's locked read: one order by its key, nine tables under row-level security; planned
each time, it cost ~6× its run), inside a transaction, never around a write: the block must not run
pghistory's context injection.

    with transaction.atomic(), prepared():
        order = queryset.get(pk=order_id)

`set_local(**settings)` is the shared half: planner settings for a block (the routing's read also wants its
joins as written, `join_collapse_limit` 1), set in one round trip and put back in one more.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DatabaseError, connections
from django.db.backends.postgresql.base import ServerBindingCursor


@contextmanager
def set_local(using: str = "default", **settings: Any) -> Iterator[None]:
    """PostgreSQL settings for the block (SET LOCAL, one round trip), their defaults again after it (one more).
    On a database error the transaction is aborted, and the settings with it; on any other exception (an order
    gone: DoesNotExist) the transaction goes on, so they are put back. Names and values come from the code."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("set_local() needs a transaction (SET LOCAL lasts until its end)")
    with connection.cursor() as cursor:
        cursor.execute("; ".join(f"SET LOCAL {name} = {value}" for name, value in settings.items()))
    try:
        yield
    except DatabaseError:
        raise
    except BaseException:
        _defaults(connection, settings)
        raise
    _defaults(connection, settings)


def _defaults(connection: Any, settings: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute("; ".join(f"SET LOCAL {name} TO DEFAULT" for name in settings))


@contextmanager
def prepared(using: str = "default", **settings: Any) -> Iterator[None]:
    """The block's statements bound on the server, prepared once per connection and run from their generic plan;
    `settings`: more planner settings for the block, set with it (set_local)."""
    with set_local(using, plan_cache_mode="force_generic_plan", **settings):
        raw = connections[using].connection
        factory, threshold = raw.cursor_factory, raw.prepare_threshold
        raw.cursor_factory, raw.prepare_threshold = ServerBindingCursor, 0
        try:
            yield
        finally:  # before the settings' reset, which must not be a prepared statement (pghistory's context)
            raw.cursor_factory, raw.prepare_threshold = factory, threshold
