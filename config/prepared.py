"""Server-side prepared statements for the few hot statements that take longer to plan than to run (issue 12).

Django's psycopg connections bind parameters on the client and prepare nothing (`prepare_threshold` None),
so PostgreSQL plans every statement afresh. That is right for nearly all of them, and it is what pghistory's
context needs: it sends `SELECT set_config(…); <statement>` as one query, which a prepared statement refuses.
Inside `prepared()` the statements of the block are bound on the server and prepared on their first run on
the connection; a later run on the same connection executes the kept statement, and PostgreSQL, after five
runs, its kept generic plan. Use it around one read whose statement text does not change from call to call
(the routing's locked read joins nine tables under row-level security: planned each time, it cost ~4× its
run), never around a write: the block must not run pghistory's context injection.

    with prepared():
        order = queryset.get(pk=order_id)
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from django.db.backends.postgresql.base import ServerBindingCursor


@contextmanager
def prepared(using: str = "default") -> Iterator[None]:
    connection = connections[using]
    connection.ensure_connection()
    raw = connection.connection
    factory, threshold = raw.cursor_factory, raw.prepare_threshold
    raw.cursor_factory, raw.prepare_threshold = ServerBindingCursor, 0
    try:
        yield
    finally:
        raw.cursor_factory, raw.prepare_threshold = factory, threshold
