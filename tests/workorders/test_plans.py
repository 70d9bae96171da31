"""Each list over the large tables asks PostgreSQL something an index answers: the plans of the queries a list
endpoint runs, on a seeded table with fresh statistics (ANALYZE, nothing forced), scan no large table whole.

12,000 orders over 5 months in one district (with a timeline entry each): a day, a channel, a grid's
compounds or a week of updates is a sliver of it, which PostgreSQL reads through an index when the query lets
it — and scans the table when a filter wraps the column (`created_at::date`) or an OR misses the partial
indexes, which is what these tests catch.
"""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.history import object_history
from tests.conftest import build_tree
from tests.factories import api_key_for
from workorders import services
from workorders.models import Channel, WorkOrder
from workorders.worktime import BEIJING

from .conftest import MONDAY_9AM, SYSTEM
from .test_open311 import open311_key

ORDERS = 12_000
LARGE = ("workorders_workorder", "workorders_timelineentry")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The tree and its ORDERS orders (`_seed`), built once for the module (the seeding takes ~10 s: every copy
    runs the history and rollup triggers) and rolled back after it. Each test runs in a savepoint inside it (the
    `db` fixture), so what a test writes is undone after it and the next test reads the same tables and
    statistics."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            tree = build_tree("610116", "长安区")
            categories = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}
            template = services.work_order_file(
                actor=SYSTEM, compound=tree.compounds[0], category=categories["corridor-clutter"],
                channel=Channel.RESIDENT_QR, now=MONDAY_9AM, title="3号楼楼道堆满杂物",
                description="3号楼2单元楼道里堆满纸箱和旧家具，影响通行和消防安全",
            )  # fmt: skip
            services.work_order_route(actor=SYSTEM, order_id=template.pk, now=MONDAY_9AM)
            template.refresh_from_db()
            _seed(tree, template)
            yield tree, template
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def tree(world, db):
    return world[0]


@pytest.fixture
def seeded(world, db):
    return world[1]


def _seed(tree, template: WorkOrder) -> None:
    """ORDERS orders copied from one filed order, one every 20 minutes back from MONDAY_9AM, channels and states
    in rotation, each with a timeline entry; then ANALYZE."""
    columns = [f.column for f in WorkOrder._meta.concrete_fields if f.column not in ("id",)]
    varying = {
        "tracking_code": "'P' || lpad(g::text, 11, '0')",
        "created_at": "t.created_at - g * interval '20 minutes'",
        "channel": "(ARRAY['resident_qr', 'grid', 'hotline_12345', 'phone'])[1 + mod(g, 4)]",
        "state": "(ARRAY['closed', 'rated', 'resolved', 'assigned', 'accepted'])[1 + mod(g, 5)]",
        "respond_by": "t.created_at - g * interval '20 minutes' + interval '1 day'",
        "resolve_by": "t.created_at - g * interval '20 minutes' + interval '7 days'",
        "compound_id": f"(ARRAY[{', '.join(str(c.pk) for c in tree.compounds[:4])}])[1 + mod(g, 4)]",
    }
    chosen = ", ".join(varying.get(c, f"t.{c}") for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO workorders_workorder ({', '.join(columns)}) "
            f"SELECT {chosen} FROM workorders_workorder t, generate_series(1, %s) g WHERE t.id = %s",
            [ORDERS, template.pk],
        )
        cursor.execute(
            "INSERT INTO workorders_timelineentry (district_id, order_id, at, kind, from_state, to_state, note, "
            "handler_label) SELECT district_id, id, created_at + interval '1 hour', 'transition', 'assigned', "
            "'accepted', '', '' FROM workorders_workorder WHERE tracking_code LIKE 'P%%'"
        )
        cursor.execute("ANALYZE workorders_workorder")
        cursor.execute("ANALYZE workorders_timelineentry")


def plans(queries) -> list[tuple[str, str]]:
    """(query, plan) for each captured query that reads a large table."""
    found = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or not any(f'"{t}"' in sql for t in LARGE):
                continue
            cursor.execute("EXPLAIN " + sql)
            found.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return found


def assert_indexed(queries, *, counted_whole: bool = False):
    """No large table read whole. `counted_whole`: the paginator's COUNT over a whole district or street is left
    out (it counts every row it is asked to count; see the report of issue 12)."""
    checked = plans(queries)
    assert checked, "no query on the large tables was captured"
    for sql, plan in checked:
        if counted_whole and sql.lstrip().upper().startswith("SELECT COUNT(*)"):
            continue
        for table in LARGE:
            assert f"Seq Scan on {table}" not in plan, f"{sql}\n{plan}"


def api_get(user, url, params):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response, queries


def test_the_order_api_by_channel_and_day_reads_the_created_at_index(tree, seeded):
    day = (MONDAY_9AM - timedelta(days=100)).astimezone(BEIJING).date()
    response, queries = api_get(
        tree.official,
        "/api/v1/work-orders/",
        {"channel": ["hotline_12345", "phone"], "created_after": day, "created_before": day},
    )
    # 72 orders a day, half of them by hotline or phone; the day is whole in Beijing time
    assert response.json()["count"] == 36
    assert_indexed(queries)
    assert "DISTINCT" not in next(sql for sql, _ in plans(queries) if "LIMIT" in sql)


def test_the_order_api_pages_the_district_by_time(tree, seeded):
    _, queries = api_get(tree.official, "/api/v1/work-orders/", {"page_size": 50})
    assert_indexed(queries, counted_whole=True)


def test_the_order_api_by_state_and_resolve_window(tree, seeded):
    day = (MONDAY_9AM - timedelta(days=30)).astimezone(BEIJING).date()
    response, queries = api_get(
        tree.official, "/api/v1/work-orders/", {"state": "assigned", "due_after": day, "due_before": day}
    )
    assert response.json()["count"] > 0
    assert_indexed(queries)


def test_the_grid_workers_list_resolves_the_grids_compounds_first(tree, seeded):
    _, queries = api_get(tree.grid_worker, "/api/v1/work-orders/", {"page_size": 20})
    assert_indexed(queries, counted_whole=True)
    page = next(sql for sql, _ in plans(queries) if "LIMIT" in sql)
    assert '"workorders_workorder"."compound_id" IN (SELECT' in page


def test_the_sla_sweep_reads_the_partial_indexes(tree, seeded):
    # five months ago, a week's orders were overdue: the sweep's OR reads them through wo_due_respond_by/resolve_by
    with CaptureQueriesContext(connection) as swept:
        services.sla_sweep(actor=SYSTEM, now=MONDAY_9AM - timedelta(days=150), limit=5)
    assert_indexed(swept)


def test_the_updates_feed_reads_the_timeline_by_district_and_time(client, tree, seeded):
    key = open311_key(tree.district)
    end = MONDAY_9AM - timedelta(days=60)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            "/open311/v2/servicerequestupdates.json",
            {"api_key": key, "start_date": (end - timedelta(days=2)).isoformat(), "end_date": end.isoformat()},
        )
    assert response.status_code == 200, response.content
    assert len(response.json()) > 100
    assert_indexed(queries)


def test_open311_requests_by_date_read_an_index(client, tree, seeded):
    key = open311_key(tree.district)
    end = MONDAY_9AM - timedelta(days=120)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            "/open311/v2/requests.json",
            {"api_key": key, "start_date": (end - timedelta(days=1)).isoformat(), "end_date": end.isoformat()},
        )
    assert response.status_code == 200, response.content
    assert response.json()
    assert_indexed(queries)


def test_the_history_panel_and_the_retention_sweep_read_an_orders_events_by_its_index(tree, seeded):
    # the seeded orders were saved with their history on: 12,000 snapshots in the event table
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workorders_workorderevent")
        cursor.execute("SELECT count(*) FROM workorders_workorderevent")
        assert cursor.fetchone()[0] > ORDERS
    order = WorkOrder.objects.filter(tracking_code__startswith="P").order_by("pk")[ORDERS // 2]
    with CaptureQueriesContext(connection) as queries:
        assert object_history(actor=tree.official, obj=order)
    events = [q["sql"] for q in queries if '"workorders_workorderevent"' in q["sql"]]
    assert events
    with connection.cursor() as cursor:
        for sql in [
            *events,
            # the retention sweep's masking of an order's snapshots (workorders_anonymise_order_events)
            f"SELECT pgh_id FROM workorders_workorderevent e WHERE e.pgh_obj_id = ANY(ARRAY[{order.pk}]::bigint[])",
        ]:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan on workorders_workorderevent" not in plan, f"{sql}\n{plan}"
            assert "pgh_obj_id" in plan, plan


@pytest.mark.django_db
def test_every_history_table_is_indexed_by_its_object():
    """The history panel of any object and the retention sweep look events up by pgh_obj_id."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.table_name FROM information_schema.columns c WHERE c.table_schema = current_schema() "
            "AND c.column_name = 'pgh_obj_id' AND NOT EXISTS (SELECT 1 FROM pg_indexes i "
            "WHERE i.schemaname = c.table_schema AND i.tablename = c.table_name "
            "AND i.indexdef LIKE '%(pgh_obj_id%')"
        )
        unindexed = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT count(*) FROM information_schema.columns WHERE column_name = 'pgh_obj_id'")
        assert cursor.fetchone()[0] > 40
    assert not unindexed


@pytest.mark.django_db
def test_a_history_table_indexes_its_object_and_context_only():
    """Events are read by their object and nothing else: the copies of the tracked row's foreign keys carry no
    index, each of which every save of the tracked row would write (PGHISTORY_FOREIGN_KEY_FIELD)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename IN (SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'pgh_obj_id')"
        )
        indexes = cursor.fetchall()
    by_table: dict[str, list[str]] = {}
    for table, _name, definition in indexes:
        columns = definition.rsplit("(", 1)[1].rstrip(")")
        by_table.setdefault(table, []).append(columns)
    assert len(by_table) > 40
    extra = {
        table: columns
        for table, columns in by_table.items()
        if set(columns) - {"pgh_id", "pgh_obj_id", "pgh_context_id"}
    }
    assert not extra, extra
    assert sorted(by_table["workorders_workorderevent"]) == ["pgh_context_id", "pgh_id", "pgh_obj_id"]


@pytest.mark.parametrize(
    ("role", "index"), [("street_staff", "wo_open_street_created"), ("cadre", "wo_open_comm_created")]
)
def test_a_units_queue_reads_its_open_orders_by_their_own_index(client, tree, seeded, role, index):
    # given a street's (or a community's) staff member at the queue, which opens on their unit's open orders
    client.force_login(getattr(tree, role))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/workorders/").status_code == 200
    # then the page's keys come from the unit's open orders alone, not from every order it ever had
    page = [plan for sql, plan in plans(queries) if "LIMIT" in sql and "ORDER BY" in sql]
    assert page and index in page[0], page
