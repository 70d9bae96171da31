"""The KPI rollup's SQL (workorders.models.rollup.KpiCounter): the triggers that keep it exact and the recount
that rebuilds it.

Why triggers, not the services: an order's contribution to the KPIs changes with its state, its times, its
rating, its counters and its departments, and those are written by the state machine, by bulk updates (the SLA
sweep), by imports, by the demo loader, by the tests' factories and by COPY. A row trigger sees every one of
them, in the same transaction as the change, and costs nothing when the contribution did not change (a note, a
new deadline, a handler moving within the same counts). See docs/decisions.md "KPI rollup".

The vector of counts (workorders_kpi_vector) is the definition in workorders.selectors' docstring, written once
in SQL; tests/workorders/test_kpi_rollup.py checks after random sequences of changes that every figure read
from the rollup equals the figure counted from the orders.
"""

from __future__ import annotations

from django.db import connection, transaction

COLUMNS = "district_id, day, street_id, community_id, compound_id, category_id, property_firm_id, department_id"
COUNTS = "orders, responded_on_time, resolved, resolved_on_time, rated, satisfied, returned, ever_resolved, reopened"
_SUMS = ", ".join(f"{name} = k.{name} + excluded.{name}" for name in COUNTS.split(", "))

# The KPIs' day is the Beijing calendar day of filing (workorders.worktime.BEIJING).
DAY = "(({o}.created_at AT TIME ZONE 'Asia/Shanghai')::date)"

# The bump's day row: the same in the day rollup's trigger (INSTALL_SQL) and the month rollup's (MONTHS_INSTALL_SQL).
_DAY_BUMP = f"""    INSERT INTO workorders_kpicounter AS k ({COLUMNS}, {COUNTS})
    VALUES (o.district_id, {DAY.format(o="o")}, o.street_id, o.community_id, o.compound_id, o.category_id,
            o.property_firm_id, dept, v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9])
    ON CONFLICT ON CONSTRAINT kpicounter_unit_day DO UPDATE SET {_SUMS};
"""

INSTALL_SQL = f"""
CREATE OR REPLACE FUNCTION workorders_kpi_vector(o workorders_workorder) RETURNS integer[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN o.state IN ('merged', 'rejected') THEN NULL ELSE ARRAY[
        1,
        coalesce(o.responded_at <= o.committed_respond_by, false)::int,
        (o.state IN ('resolved', 'rated', 'closed'))::int,
        coalesce(o.state IN ('resolved', 'rated', 'closed') AND o.resolved_at <= o.committed_resolve_by, false)::int,
        (o.satisfaction <> '')::int,
        (o.satisfaction IN ('very_satisfied', 'satisfied'))::int,
        (o.returned_count > 0)::int,
        (o.state IN ('resolved', 'rated', 'closed') OR o.reopened_count > 0)::int,
        (o.reopened_count > 0)::int
    ] END
$$;

CREATE OR REPLACE FUNCTION workorders_kpi_bump(o workorders_workorder, dept bigint, v integer[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF v IS NULL OR v = ARRAY[0, 0, 0, 0, 0, 0, 0, 0, 0] THEN
        RETURN;
    END IF;
{_DAY_BUMP}END
$$;

CREATE OR REPLACE FUNCTION workorders_kpi_negate(v integer[]) RETURNS integer[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v IS NULL THEN NULL ELSE ARRAY(SELECT -x FROM unnest(v) WITH ORDINALITY AS t(x, i) ORDER BY i) END
$$;

CREATE OR REPLACE FUNCTION workorders_workorder_kpi() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_v integer[];
    new_v integer[];
    delta integer[];
    dept bigint;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_v := workorders_kpi_vector(OLD);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_v := workorders_kpi_vector(NEW);
    END IF;
    IF TG_OP = 'UPDATE' AND (OLD.district_id, {DAY.format(o="OLD")}, OLD.street_id, OLD.community_id,
            OLD.compound_id, OLD.category_id, OLD.property_firm_id)
        IS NOT DISTINCT FROM (NEW.district_id, {DAY.format(o="NEW")}, NEW.street_id, NEW.community_id,
            NEW.compound_id, NEW.category_id, NEW.property_firm_id) THEN
        -- Same counter rows: add the difference (one upsert per row, none when nothing counted changed).
        IF old_v IS NOT DISTINCT FROM new_v THEN
            RETURN NULL;
        END IF;
        delta := ARRAY(
            SELECT coalesce(n, 0) - coalesce(p, 0)
            FROM unnest(coalesce(new_v, '{{0,0,0,0,0,0,0,0,0}}'), coalesce(old_v, '{{0,0,0,0,0,0,0,0,0}}'))
                WITH ORDINALITY AS t(n, p, i)
            ORDER BY i
        );
        PERFORM workorders_kpi_bump(NEW, NULL, delta);
        FOR dept IN SELECT department_id FROM workorders_workorder_departments WHERE workorder_id = NEW.id LOOP
            PERFORM workorders_kpi_bump(NEW, dept, delta);
        END LOOP;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM workorders_kpi_bump(OLD, NULL, workorders_kpi_negate(old_v));
        FOR dept IN SELECT department_id FROM workorders_workorder_departments WHERE workorder_id = OLD.id LOOP
            PERFORM workorders_kpi_bump(OLD, dept, workorders_kpi_negate(old_v));
        END LOOP;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM workorders_kpi_bump(NEW, NULL, new_v);
        FOR dept IN SELECT department_id FROM workorders_workorder_departments WHERE workorder_id = NEW.id LOOP
            PERFORM workorders_kpi_bump(NEW, dept, new_v);
        END LOOP;
    END IF;
    RETURN NULL;
END
$$;

-- An order joining a department (or leaving one) adds (or takes) its current contribution to that department.
CREATE OR REPLACE FUNCTION workorders_workorder_departments_kpi() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o workorders_workorder;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT * INTO o FROM workorders_workorder WHERE id = OLD.workorder_id;
        IF FOUND THEN
            PERFORM workorders_kpi_bump(o, OLD.department_id, workorders_kpi_negate(workorders_kpi_vector(o)));
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT * INTO o FROM workorders_workorder WHERE id = NEW.workorder_id;
        IF FOUND THEN
            PERFORM workorders_kpi_bump(o, NEW.department_id, workorders_kpi_vector(o));
        END IF;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS workorders_workorder_kpi ON workorders_workorder;
CREATE TRIGGER workorders_workorder_kpi AFTER INSERT OR UPDATE OR DELETE ON workorders_workorder
    FOR EACH ROW EXECUTE FUNCTION workorders_workorder_kpi();
DROP TRIGGER IF EXISTS workorders_workorder_departments_kpi ON workorders_workorder_departments;
CREATE TRIGGER workorders_workorder_departments_kpi AFTER INSERT OR UPDATE OR DELETE
    ON workorders_workorder_departments FOR EACH ROW EXECUTE FUNCTION workorders_workorder_departments_kpi();
"""

UNINSTALL_SQL = """
DROP TRIGGER IF EXISTS workorders_workorder_departments_kpi ON workorders_workorder_departments;
DROP TRIGGER IF EXISTS workorders_workorder_kpi ON workorders_workorder;
DROP FUNCTION IF EXISTS workorders_workorder_departments_kpi();
DROP FUNCTION IF EXISTS workorders_workorder_kpi();
DROP FUNCTION IF EXISTS workorders_kpi_negate(integer[]);
DROP FUNCTION IF EXISTS workorders_kpi_bump(workorders_workorder, bigint, integer[]);
DROP FUNCTION IF EXISTS workorders_kpi_vector(workorders_workorder);
"""

# The month rollup (workorders.models.rollup.KpiMonth): the bump adds each change to the month's row as well.
# Installed after INSTALL_SQL (migration 0020 replaces its workorders_kpi_bump; reverting puts INSTALL_SQL's
# back), so that INSTALL_SQL stays what migration 0013 installed.
MONTH_COLUMNS = "district_id, day, street_id, community_id, compound_id, property_firm_id, department_id"

# The month row of a bump: the same in the month rollup's trigger (MONTHS_INSTALL_SQL) and the community month
# rollup's (COMMUNITY_MONTHS_INSTALL_SQL).
MONTH = f"date_trunc('month', {DAY.format(o='o')})::date"
_MONTH_BUMP = f"""    INSERT INTO workorders_kpimonth AS k ({MONTH_COLUMNS}, {COUNTS})
    VALUES (o.district_id, {MONTH}, o.street_id, o.community_id,
            o.compound_id, o.property_firm_id, dept, v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9])
    ON CONFLICT ON CONSTRAINT kpimonth_unit_month DO UPDATE SET {_SUMS};
"""


def _bump_sql(rows: str) -> str:
    """workorders_kpi_bump adding a non-zero vector `v` to each of `rows` (the upserts, in order)."""
    return f"""
CREATE OR REPLACE FUNCTION workorders_kpi_bump(o workorders_workorder, dept bigint, v integer[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF v IS NULL OR v = ARRAY[0, 0, 0, 0, 0, 0, 0, 0, 0] THEN
        RETURN;
    END IF;
{rows}END
$$;
"""


MONTHS_INSTALL_SQL = _bump_sql(_DAY_BUMP + _MONTH_BUMP)

# The community month rollup (workorders.models.rollup.KpiCommunityMonth): a third row per bump, the month's
# community (and department). Migration 0022 installs it over MONTHS_INSTALL_SQL (which reverting puts back).
COMMUNITY_MONTH_COLUMNS = "district_id, day, street_id, community_id, department_id"

COMMUNITY_MONTHS_INSTALL_SQL = _bump_sql(
    _DAY_BUMP
    + _MONTH_BUMP
    + f"""    INSERT INTO workorders_kpicommunitymonth AS k ({COMMUNITY_MONTH_COLUMNS}, {COUNTS})
    VALUES (o.district_id, {MONTH}, o.street_id, o.community_id,
            dept, v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9])
    ON CONFLICT ON CONSTRAINT kpicommunitymonth_unit_month DO UPDATE SET {_SUMS};
"""
)

_COUNT_SUMS = ", ".join(f"sum({name})" for name in COUNTS.split(", "))
MONTHS_FROM_DAYS_SELECT = f"""
SELECT district_id, date_trunc('month', day)::date, street_id, community_id, compound_id, property_firm_id,
       department_id, {_COUNT_SUMS}
FROM workorders_kpicounter WHERE true {{where}}
GROUP BY 1, 2, 3, 4, 5, 6, 7
"""


def rebuild_months(*, district_id: int | None = None) -> int:
    """The month rollup from the day rollup (one district's rows, or all). Returns the rows written."""
    where, params = ("AND district_id = %s", [district_id]) if district_id is not None else ("", [])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE workorders_workorder, workorders_workorder_departments IN SHARE MODE")
        cursor.execute("DELETE FROM workorders_kpimonth WHERE true " + where, params)
        cursor.execute(
            f"INSERT INTO workorders_kpimonth ({MONTH_COLUMNS}, {COUNTS}) "
            + MONTHS_FROM_DAYS_SELECT.format(where=where),
            params,
        )
        return cursor.rowcount


COMMUNITY_MONTHS_FROM_MONTHS_SELECT = f"""
SELECT {COMMUNITY_MONTH_COLUMNS}, {_COUNT_SUMS}
FROM workorders_kpimonth WHERE true {{where}}
GROUP BY 1, 2, 3, 4, 5
"""


def rebuild_community_months(*, district_id: int | None = None) -> int:
    """The community month rollup from the month rollup (one district's rows, or all). Returns the rows written."""
    where, params = ("AND district_id = %s", [district_id]) if district_id is not None else ("", [])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE workorders_workorder, workorders_workorder_departments IN SHARE MODE")
        cursor.execute("DELETE FROM workorders_kpicommunitymonth WHERE true " + where, params)
        cursor.execute(
            f"INSERT INTO workorders_kpicommunitymonth ({COMMUNITY_MONTH_COLUMNS}, {COUNTS}) "
            + COMMUNITY_MONTHS_FROM_MONTHS_SELECT.format(where=where),
            params,
        )
        return cursor.rowcount


def community_months_stored(*, district_id: int) -> dict[tuple, tuple]:
    """The community month rows the trigger kept for one district, keyed by unit and month (all-zero rows left
    out)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {COMMUNITY_MONTH_COLUMNS}, {COUNTS} FROM workorders_kpicommunitymonth WHERE district_id = %s",
            [district_id],
        )
        return {tuple(row[:5]): tuple(row[5:]) for row in cursor.fetchall() if any(row[5:])}


def community_months_recount(*, district_id: int) -> dict[tuple, tuple]:
    """The community month rows a recount from the orders gives for one district (all-zero rows left out)."""
    summed: dict[tuple, list] = {}
    for key, counts in months_recount(district_id=district_id).items():
        district, month, street, community, _compound, _firm, department = key
        total = summed.setdefault((district, month, street, community, department), [0] * len(counts))
        for i, n in enumerate(counts):
            total[i] += n
    return {key: tuple(value) for key, value in summed.items() if any(value)}


def months_stored(*, district_id: int) -> dict[tuple, tuple]:
    """The month rows the trigger kept for one district, keyed by unit and month (rows all zero left out)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {MONTH_COLUMNS}, {COUNTS} FROM workorders_kpimonth WHERE district_id = %s", [district_id]
        )
        return {tuple(row[:7]): tuple(row[7:]) for row in cursor.fetchall() if any(row[7:])}


def months_recount(*, district_id: int) -> dict[tuple, tuple]:
    """The month rows a recount from the orders gives for one district (rows all zero left out)."""
    summed: dict[tuple, list] = {}
    for key, counts in recount(district_id=district_id).items():
        district, day, street, community, compound, _category, firm, department = key
        month_key = (district, day.replace(day=1), street, community, compound, firm, department)
        total = summed.setdefault(month_key, [0] * len(counts))
        for i, n in enumerate(counts):
            total[i] += n
    return {key: tuple(value) for key, value in summed.items() if any(value)}


# The recount: every counter row from the orders (and their departments), grouped as the triggers key them.
_VECTOR_SUMS = ", ".join(f"sum(v[{i}])" for i in range(1, 10))
RECOUNT_SELECT = f"""
SELECT {COLUMNS}, {_VECTOR_SUMS} FROM (
    SELECT o.district_id, {DAY.format(o="o")} AS day, o.street_id, o.community_id, o.compound_id, o.category_id,
           o.property_firm_id, NULL::bigint AS department_id, workorders_kpi_vector(o) AS v
    FROM workorders_workorder o
    WHERE o.state NOT IN ('merged', 'rejected') {{where}}
    UNION ALL
    SELECT o.district_id, {DAY.format(o="o")}, o.street_id, o.community_id, o.compound_id, o.category_id,
           o.property_firm_id, d.department_id, workorders_kpi_vector(o)
    FROM workorders_workorder o JOIN workorders_workorder_departments d ON d.workorder_id = o.id
    WHERE o.state NOT IN ('merged', 'rejected') {{where}}
) AS counted
GROUP BY {COLUMNS}
"""


def rebuild(*, district_id: int | None = None, months: bool = True) -> int:
    """Recount the rollup from the orders (one district's rows, or all), and the month rollups from it (`months`:
    migration 0013 ran before the month rollups existed). Blocks writes to the orders while it runs (SHARE
    locks: reads go on), so that no trigger adds to a row being recounted. Returns the rows written."""
    where, params = ("AND o.district_id = %s", [district_id]) if district_id is not None else ("", [])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE workorders_workorder, workorders_workorder_departments IN SHARE MODE")
        if district_id is None:
            cursor.execute("DELETE FROM workorders_kpicounter")
        else:
            cursor.execute("DELETE FROM workorders_kpicounter WHERE district_id = %s", [district_id])
        cursor.execute(
            f"INSERT INTO workorders_kpicounter ({COLUMNS}, {COUNTS}) " + RECOUNT_SELECT.format(where=where),
            params * 2,
        )
        rows = cursor.rowcount
        if not months:
            return rows
        return rows + rebuild_months(district_id=district_id) + rebuild_community_months(district_id=district_id)


def recount(*, district_id: int) -> dict[tuple, tuple]:
    """The counter rows a recount would write for one district, keyed by the unit columns (zero rows left out)."""
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT_SELECT.format(where="AND o.district_id = %s"), [district_id, district_id])
        return {tuple(row[:8]): tuple(row[8:]) for row in cursor.fetchall()}


def stored(*, district_id: int) -> dict[tuple, tuple]:
    """The counter rows the triggers kept for one district, keyed like `recount` (rows all zero left out)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {COLUMNS}, {COUNTS} FROM workorders_kpicounter WHERE district_id = %s",
            [district_id],
        )
        return {tuple(row[:8]): tuple(row[8:]) for row in cursor.fetchall() if any(row[8:])}


# ------------------------------------------------------------------------------------------ the state counters

# workorders.models.rollup.StateCounter: the orders in each state per compound and handling firm. One upsert on a
# filing, two on a change of state or unit (out of the old row, into the new), none on any other save.
STATE_KEY = "district_id, street_id, community_id, compound_id, handler_firm_id, state"

STATES_INSTALL_SQL = f"""
CREATE OR REPLACE FUNCTION workorders_state_bump(o workorders_workorder, n integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO workorders_statecounter AS k ({STATE_KEY}, orders)
    VALUES (o.district_id, o.street_id, o.community_id, o.compound_id, o.handler_firm_id, o.state, n)
    ON CONFLICT ON CONSTRAINT statecounter_unit_state DO UPDATE SET orders = k.orders + excluded.orders;
END
$$;

CREATE OR REPLACE FUNCTION workorders_workorder_states() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM workorders_state_bump(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM workorders_state_bump(NEW, 1);
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS workorders_workorder_states ON workorders_workorder;
DROP TRIGGER IF EXISTS workorders_workorder_states_moved ON workorders_workorder;
CREATE TRIGGER workorders_workorder_states AFTER INSERT OR DELETE ON workorders_workorder
    FOR EACH ROW EXECUTE FUNCTION workorders_workorder_states();
CREATE TRIGGER workorders_workorder_states_moved AFTER UPDATE ON workorders_workorder
    FOR EACH ROW WHEN (
        (OLD.state, OLD.district_id, OLD.street_id, OLD.community_id, OLD.compound_id, OLD.handler_firm_id)
        IS DISTINCT FROM
        (NEW.state, NEW.district_id, NEW.street_id, NEW.community_id, NEW.compound_id, NEW.handler_firm_id)
    ) EXECUTE FUNCTION workorders_workorder_states();
"""

STATES_UNINSTALL_SQL = """
DROP TRIGGER IF EXISTS workorders_workorder_states_moved ON workorders_workorder;
DROP TRIGGER IF EXISTS workorders_workorder_states ON workorders_workorder;
DROP FUNCTION IF EXISTS workorders_workorder_states();
DROP FUNCTION IF EXISTS workorders_state_bump(workorders_workorder, integer);
"""

STATES_RECOUNT_SELECT = f"""
SELECT {STATE_KEY}, count(*) FROM workorders_workorder o WHERE true {{where}} GROUP BY {STATE_KEY}
"""


def rebuild_states(*, district_id: int | None = None) -> int:
    """Recount the state counters from the orders (one district's rows, or all), writes to the orders blocked
    meanwhile as in `rebuild`. Returns the rows written."""
    where, params = ("AND o.district_id = %s", [district_id]) if district_id is not None else ("", [])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE workorders_workorder IN SHARE MODE")
        if district_id is None:
            cursor.execute("DELETE FROM workorders_statecounter")
        else:
            cursor.execute("DELETE FROM workorders_statecounter WHERE district_id = %s", [district_id])
        cursor.execute(
            f"INSERT INTO workorders_statecounter ({STATE_KEY}, orders) " + STATES_RECOUNT_SELECT.format(where=where),
            params,
        )
        return cursor.rowcount


def states_recount(*, district_id: int) -> dict[tuple, int]:
    """The state counter rows a recount would write for one district, keyed by unit and state."""
    with connection.cursor() as cursor:
        cursor.execute(STATES_RECOUNT_SELECT.format(where="AND o.district_id = %s"), [district_id])
        return {tuple(row[:6]): row[6] for row in cursor.fetchall()}


def states_stored(*, district_id: int) -> dict[tuple, int]:
    """The state counter rows the trigger kept for one district (rows back at 0 left out)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {STATE_KEY}, orders FROM workorders_statecounter WHERE district_id = %s AND orders <> 0",
            [district_id],
        )
        return {tuple(row[:6]): row[6] for row in cursor.fetchall()}
