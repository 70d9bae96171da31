"""Which role a test's `default` connection logs in as (tests/conftest.py): the application role, except for
what only the owner may do (create, flush and drop the test database; a demo reset)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections

AMBIENT = "-c capillary.platform=on"
CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


def _switch(alias: str, source: dict, options: dict) -> None:
    connection = connections[alias]
    connection.close()
    for key in CREDENTIALS:
        connection.settings_dict[key] = source.get(key, "")
    connection.settings_dict["OPTIONS"] = options


@contextmanager
def as_owner(alias: str = "default") -> Iterator[None]:
    """The `default` connection as the owner for a moment (creating or flushing the test database)."""
    connection = connections[alias]
    app = {key: connection.settings_dict.get(key, "") for key in CREDENTIALS}
    app_options = connection.settings_dict.get("OPTIONS", {})
    owner_options = {k: v for k, v in app_options.items() if k != "options"}
    _switch(alias, connections["owner"].settings_dict, owner_options)
    try:
        yield
    finally:
        _switch(alias, app, app_options)
