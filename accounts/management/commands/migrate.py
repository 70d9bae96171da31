"""`manage.py migrate` as the owner of the tables, then the application role's rights (accounts.rls).

The site, the workers and the commands connect as the application role (DATABASE_URL), which may not change
the schema. When DATABASE_OWNER_URL is set (only the `migrate` service has it: the owner's password is given
to no process that serves requests), this command switches the default connection to the owner for the
whole run, so that migrations, their data steps and the post-migrate signals act as the owner; it creates
the application role of DATABASE_URL if it is missing (with DATABASE_URL's password: nothing else to
prepare on a new or an existing database), and grants it its table rights, events append-only.
"""

from __future__ import annotations

import os

import dj_database_url
from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from accounts.rls import create_app_role, grant_app_role, harden_trigger_ignore


def use_owner(owner_url: str, alias: str = "default") -> None:
    """Point the connection `alias` at the owner for the rest of the process."""
    owner = dj_database_url.parse(owner_url)
    connection = connections[alias]
    connection.close()
    # The database stays the connection's own (under tests, the test database): only who connects changes.
    for key in ("USER", "PASSWORD", "HOST", "PORT"):
        if owner.get(key):
            connection.settings_dict[key] = owner[key]


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " As the owner (DATABASE_OWNER_URL) when set; then grants the application role."

    def execute(self, *args, **options):
        # Before the system checks, which already connect.
        database = options.get("database") or "default"
        owner_url = os.environ.get("DATABASE_OWNER_URL", "")
        app = dict(connections[database].settings_dict)
        self.app_role = settings.DATABASE_APP_ROLE
        if owner_url:
            use_owner(owner_url, database)
            if app["USER"] and app["USER"] != connections[database].settings_dict["USER"]:
                self.app_role = app["USER"]
                create_app_role(connections[database], self.app_role, password=app.get("PASSWORD") or None, login=True)
        return super().execute(*args, **options)

    def handle(self, *args, **options):
        super().handle(*args, **options)
        harden_trigger_ignore(connections[options["database"]])
        if grant_app_role(connections[options["database"]], self.app_role) and options["verbosity"] >= 1:
            self.stdout.write(f"Granted the application role {self.app_role} its rights (accounts.rls).")
