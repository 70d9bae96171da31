"""The database's wall between districts: PostgreSQL row-level security on every tenant-owned table.

A row is visible (and writable) only when its district is the transaction's `capillary.district`, or on the
platform's explicit path `capillary.platform = 'on'` (see accounts.tenancy, which sets both with SET LOCAL).
Nothing set means no rows. The application connects as a role that is neither superuser, nor owner of the
tables, nor BYPASSRLS (`capillary_app`); migrations run as the owner (accounts/management/commands/migrate.py).

Each app applies the policies in a migration of its own with `EnableRLS`, one operation per table:

    EnableRLS("workorders_workorder")                               # the table has its own district_id
    EnableRLS("workorders_workorderevent", events=True)             # pghistory events: read and insert only
    EnableRLS("compounds_grid_buildings", parent=("compounds_grid", "grid_id"))  # through its parent row
    EnableRLS("compounds_district", column="id")                    # the tenant itself

`grant_app_role` (run after every `migrate`, accounts.apps) gives the application role its table privileges,
and takes UPDATE, DELETE and TRUNCATE on event tables away again (the policies refuse them too).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import migrations

DISTRICT_MATCHES = (
    "{column} = nullif(current_setting('capillary.district', true), '')::bigint "
    "OR coalesce(current_setting('capillary.platform', true), '') = 'on'"
)
# Users are also read, for one credential check, by the login door and API authentication (accounts.middleware).
USER_EXTRA = " OR coalesce(current_setting('capillary.auth', true), '') = 'on'"

POLICY = "capillary_tenant"
EVENT_READ = "capillary_event_read"
EVENT_INSERT = "capillary_event_insert"


def app_role() -> str:
    return getattr(settings, "DATABASE_APP_ROLE", "capillary_app")


def condition(column: str = "district_id", parent: tuple[str, str] | None = None, extra: str = "") -> str:
    if parent is not None:
        parent_table, fk = parent
        # The parent's own policy decides: the subquery sees only the parent rows the caller may see.
        return f'(EXISTS (SELECT 1 FROM "{parent_table}" AS p WHERE p.id = "{fk}"))'
    return "(" + DISTRICT_MATCHES.format(column=f'"{column}"') + extra + ")"


def enable_sql(
    table: str,
    *,
    column: str = "district_id",
    events: bool = False,
    parent: tuple[str, str] | None = None,
    extra: str = "",
) -> list[str]:
    test = condition(column, parent, extra)
    statements = [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
    ]
    if events:
        # History is append-only for the application: it may read its district's events and the triggers may
        # add them; with no UPDATE or DELETE policy, neither touches a row even where a privilege remains.
        statements += [
            f'DROP POLICY IF EXISTS {EVENT_READ} ON "{table}"',
            f'DROP POLICY IF EXISTS {EVENT_INSERT} ON "{table}"',
            f'CREATE POLICY {EVENT_READ} ON "{table}" FOR SELECT USING {test}',
            f'CREATE POLICY {EVENT_INSERT} ON "{table}" FOR INSERT WITH CHECK {test}',
        ]
    else:
        statements += [
            f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
            f'CREATE POLICY {POLICY} ON "{table}" USING {test} WITH CHECK {test}',
        ]
    return statements


def disable_sql(table: str) -> list[str]:
    return [
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
        f'DROP POLICY IF EXISTS {EVENT_READ} ON "{table}"',
        f'DROP POLICY IF EXISTS {EVENT_INSERT} ON "{table}"',
        f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY',
    ]


class EnableRLS(migrations.operations.base.Operation):
    """Row-level security on one table, keyed by the transaction's district. Reversible; no model state."""

    reduces_to_sql = True
    reversible = True

    def __init__(
        self,
        table: str,
        column: str = "district_id",
        events: bool = False,
        parent: tuple[str, str] | None = None,
        extra: str = "",
    ) -> None:
        self.table, self.column, self.events, self.parent, self.extra = table, column, events, parent, extra

    def deconstruct(self) -> tuple[str, list, dict]:
        kwargs: dict[str, Any] = {}
        if self.column != "district_id":
            kwargs["column"] = self.column
        if self.events:
            kwargs["events"] = True
        if self.parent:
            kwargs["parent"] = self.parent
        if self.extra:
            kwargs["extra"] = self.extra
        return self.__class__.__qualname__, [self.table], kwargs

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in enable_sql(
            self.table, column=self.column, events=self.events, parent=self.parent, extra=self.extra
        ):
            schema_editor.execute(statement)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in disable_sql(self.table):
            schema_editor.execute(statement)

    def describe(self) -> str:
        return f"Row-level security on {self.table}"

    @property
    def migration_name_fragment(self) -> str:
        return f"rls_{self.table}"


def tenant_tables(*models_and_options: Any) -> list[EnableRLS]:
    """EnableRLS for a list of tables, a convenience for an app's RLS migration."""
    return [EnableRLS(*item) if isinstance(item, tuple) else EnableRLS(item) for item in models_and_options]


def append_only_tables_sql() -> str:
    """The append-only tables: pghistory's events and the other logs under the read-and-insert policies."""
    return (
        "SELECT table_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND column_name = 'pgh_obj_id' "
        f"UNION SELECT tablename FROM pg_policies WHERE schemaname = current_schema() AND policyname = '{EVENT_INSERT}'"
    )


def grant_app_role(connection: Any, role: str | None = None) -> bool:
    """Give the application role what it needs on every table and sequence, and keep events append-only.

    Runs after every migrate as the owner. Returns False (and does nothing) when the role does not exist,
    e.g. on a development database where the application connects as the owner.
    """
    role = role or app_role()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            return False
        quoted = connection.ops.quote_name(role)
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {quoted}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
        cursor.execute(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {quoted}")
        cursor.execute(append_only_tables_sql())
        for (table,) in cursor.fetchall():
            cursor.execute(f'REVOKE UPDATE, DELETE, TRUNCATE ON "{table}" FROM {quoted}, PUBLIC')
        # The migration ledger is the owner's: the application never rewrites it.
        cursor.execute(f"REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {quoted}")
    return True


def create_app_role(connection: Any, role: str | None = None, password: str | None = None, login: bool = False) -> None:
    """Create the application role if it is missing: LOGIN (with `password`, if any) for a site that connects
    as it, NOLOGIN for the tests, which only SET ROLE to it.

    Never a superuser, never BYPASSRLS, never the owner of a table.
    """
    role = role or app_role()
    quoted = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        # Roles are the server's, not a database's: two processes setting up databases side by side (the test
        # suite's parallel workers, two deployments on one server) must not both find the role missing.
        cursor.execute("SELECT pg_advisory_lock(hashtext('capillary.create_app_role'))")
        try:
            _create_app_role(cursor, connection, role, quoted, password, login)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(hashtext('capillary.create_app_role'))")


def _create_app_role(cursor, connection, role: str, quoted: str, password: str | None, login: bool) -> None:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    if cursor.fetchone() is None:
        options = "LOGIN" if login or password else "NOLOGIN"
        if password:
            options += " PASSWORD '" + password.replace("'", "''") + "'"
        cursor.execute(f"CREATE ROLE {quoted} {options} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE")
    elif login or password:
        # The role exists (e.g. made NOLOGIN by an earlier test run): whoever connects as it needs LOGIN.
        cursor.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", [role])
        if not cursor.fetchone()[0]:
            cursor.execute(f"ALTER ROLE {quoted} LOGIN")
    # Whoever runs the tests or the migrations may act as the role (SET ROLE) to check it.
    cursor.execute("SELECT current_user")
    (me,) = cursor.fetchone()
    if me != role:
        cursor.execute(f"GRANT {quoted} TO {connection.ops.quote_name(me)}")


# Triggers the application role may still skip with pgtrigger.ignore: guards whose one sanctioned exception
# runs as the application (retention masks the append-only timeline's text). Never a history trigger.
APP_MAY_IGNORE = ("workorders.TimelineEntry:timeline_append_only",)

IGNORE_FUNCTION = """
CREATE OR REPLACE FUNCTION {name}(trigger_name NAME) RETURNS BOOLEAN AS $$
    DECLARE
        _pgtrigger_ignore TEXT[];
    BEGIN
        -- missing_ok rather than catching the error: a catching block opens a subtransaction on every call, and
        -- every history trigger calls this once a row (pgtrigger's version cost ~0.1 ms a row; accounts.rls).
        _pgtrigger_ignore := NULLIF(CURRENT_SETTING('pgtrigger.ignore', true), '');
        IF _pgtrigger_ignore IS NULL OR NOT (trigger_name = ANY(_pgtrigger_ignore)) THEN
            RETURN FALSE;
        END IF;
        -- Capillary (accounts.rls.harden_trigger_ignore): only the owner skips any trigger; anyone else only these.
        RETURN pg_has_role(current_user, {owner}, 'MEMBER') OR trigger_name = ANY({allowed}::name[]);
    END;
$$ LANGUAGE plpgsql
"""


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# pghistory's `_pgh_attach_context()` (pghistory.models.Context.install_pgh_attach_context_func) as it is, but
# for how it reads the two settings: with missing_ok (NULL when never set, '' once a transaction that set them
# has ended) instead of an EXCEPTION block, which opened a subtransaction on every history row written.
CONTEXT_FUNCTION = """
CREATE OR REPLACE FUNCTION _pgh_attach_context() RETURNS pghistory_context.id%TYPE AS $$
    DECLARE
        _pgh_context_id UUID;
        _pgh_context_metadata JSONB;
    BEGIN
        _pgh_context_id := NULLIF(CURRENT_SETTING('pghistory.context_id', true), '');
        _pgh_context_metadata := NULLIF(CURRENT_SETTING('pghistory.context_metadata', true), '');
        IF _pgh_context_id IS NOT NULL AND _pgh_context_metadata IS NOT NULL THEN
            INSERT INTO pghistory_context (id, metadata, created_at, updated_at)
                VALUES (_pgh_context_id, _pgh_context_metadata, NOW(), NOW())
                ON CONFLICT (id) DO UPDATE
                    SET metadata = EXCLUDED.metadata,
                        updated_at = EXCLUDED.updated_at
                    WHERE pghistory_context.metadata != EXCLUDED.metadata;
            RETURN _pgh_context_id;
        ELSE
            RETURN NULL;
        END IF;
    END;
$$ LANGUAGE plpgsql
"""


def harden_trigger_ignore(connection: Any, allowed: tuple[str, ...] = APP_MAY_IGNORE) -> None:
    """History cannot be skipped: pgtrigger's triggers (pghistory's included) ask `_pgtrigger_should_ignore`
    whether the session's `pgtrigger.ignore` names them, and any role may SET that. Redefined here, as the
    owner, after every migrate (every trigger installation re-creates pgtrigger's own version), so that the
    setting is honoured only for the owner's role, and for the application only for the triggers in `allowed`
    (`"app.Model:trigger"`). The application role cannot replace the function (it owns nothing).

    Both functions every history row calls (this one and pghistory's `_pgh_attach_context`) are defined here
    without an EXCEPTION block: in a writing transaction each such block is a subtransaction, and the two cost
    ~0.2 ms of the server's CPU per history row, about three times the row's own insert (docs/decisions.md)."""
    import pgtrigger

    pgids = sorted(trigger.get_pgid(model) for uri in allowed for model, trigger in pgtrigger.registered(uri))
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
        cursor.execute(
            IGNORE_FUNCTION.format(
                name='"public"._pgtrigger_should_ignore',
                owner=_literal(owner),
                allowed="ARRAY[" + ",".join(_literal(pgid) for pgid in pgids) + "]",
            )
        )
        cursor.execute(CONTEXT_FUNCTION)


# The public doors' narrow lookups (accounts.tenancy.TenantMiddleware, settings.TENANCY_PUBLIC_DOORS): a
# SECURITY DEFINER function, owned by the owner, resolves one code to its district's id and nothing else; the
# request then runs in that district like any other. Defined by each app's migration with `door_function`.


def door_function_sql(name: str, argument: str, query: str) -> str:
    """`name(argument text) RETURNS bigint` running `query` as the owner on the platform path (the query's
    `$1` is the argument). Returns the district id, or NULL."""
    return f"""
CREATE OR REPLACE FUNCTION {name}({argument} text) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path FROM CURRENT SET capillary.platform = 'on' SET capillary.district = ''
AS $$ {query} $$;
REVOKE ALL ON FUNCTION {name}(text) FROM PUBLIC;
"""


def door_function(name: str, argument: str, query: str) -> migrations.RunSQL:
    """A migration operation creating one door lookup (reversible); grant_app_role lets the application run it."""
    return migrations.RunSQL(door_function_sql(name, argument, query), f"DROP FUNCTION IF EXISTS {name}(text)")


def door_district(function: str, value: str, using: str = "default") -> int | None:
    """Ask one door lookup for the district of `value` (None when there is none)."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [value])
        row = cursor.fetchone()
    return row[0] if row else None
