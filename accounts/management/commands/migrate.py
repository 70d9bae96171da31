"""`manage.py migrate` as the owner of the tables, then the application role's rights (accounts.rls).

The application connects as `capillary_app` (DATABASE_URL), which may not change the schema; when
DATABASE_OWNER_URL is set, this command switches the default connection to it for the whole run, so
that migrations, their data steps and the post-migrate signals all act as the owner. After migrating it
grants the application role its table rights and keeps event tables append-only (accounts.rls).
"""

from __future__ import annotations

import dj_database_url
from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from accounts.rls import grant_app_role


def use_owner(alias: str = "default") -> bool:
    """Point the connection `alias` at the owner (DATABASE_OWNER_URL) for the rest of the process."""
    owner_url = getattr(settings, "DATABASE_OWNER_URL", "")
    if not owner_url:
        return False
    owner = dj_database_url.parse(owner_url)
    connection = connections[alias]
    connection.close()
    for key in ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS"):
        if key in owner:
            connection.settings_dict[key] = owner[key]
    connection.settings_dict["NAME"] = owner["NAME"] or connection.settings_dict["NAME"]
    return True


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " As the owner (DATABASE_OWNER_URL) when set; then grants the application role."

    def handle(self, *args, **options):
        database = options["database"]
        use_owner(database)
        super().handle(*args, **options)
        if grant_app_role(connections[database]) and options["verbosity"] >= 1:
            self.stdout.write(f"Granted the application role {settings.DATABASE_APP_ROLE} its rights.")
