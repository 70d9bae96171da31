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
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connections
from django.db.backends.postgresql.base import ServerBindingCursor


@contextmanager
def prepared(using: str = "default") -> Iterator[None]:
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("prepared() needs a transaction (its plan setting is SET LOCAL)")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
    raw = connection.connection
    factory, threshold = raw.cursor_factory, raw.prepare_threshold
    raw.cursor_factory, raw.prepare_threshold = ServerBindingCursor, 0
    try:
        yield
    except DatabaseError:
        raw.cursor_factory, raw.prepare_threshold = factory, threshold
        raise  # the transaction is aborted, and the setting with it
    except BaseException:
        _planned_as_usual(connection, raw, factory, threshold)  # e.g. DoesNotExist: the transaction goes on
        raise
    _planned_as_usual(connection, raw, factory, threshold)


def _planned_as_usual(connection, raw, factory, threshold) -> None:
    raw.cursor_factory, raw.prepare_threshold = factory, threshold
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode TO DEFAULT")
