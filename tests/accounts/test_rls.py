"""The database's wall (accounts.rls): as the application role, a district sees and writes only its own rows.

The whole suite connects as the application role (tests/conftest.py), and the tests' own code builds its data
on the platform's explicit path (the connection's default). Every test here first builds its data, then
leaves that path for the rest of its transaction (`as_app_role`: nothing in scope, as at a door before it
sets its district): raw SQL, pages, API calls and Celery tasks all run as the site does.
"""

import re

import pytest
from celery import shared_task
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts import rls, tenancy
from accounts.actors import SystemActor
from accounts.rls import door_district
from compounds.models import Compound
from tests.factories import SYSTEM


def policy_tables() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, policyname FROM pg_policies WHERE schemaname = current_schema()")
        tables: dict[str, set[str]] = {}
        for table, policy in cursor.fetchall():
            tables.setdefault(table, set()).add(policy)
    return tables


def district_tables() -> list[str]:
    """Every table under a policy that has its own district_id column."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'district_id'"
        )
        with_column = {row[0] for row in cursor.fetchall()}
    return sorted(with_column & set(policy_tables()))


@pytest.fixture
def as_app_role(db):
    """Become the application role for the rest of the test's transaction (after building the data)."""

    def become() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            assert cursor.fetchone() == (rls.app_role(), False, False)
        set_scope("", "off")

    return become


def count(table: str, where: str = "TRUE", params: list | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}" WHERE {where}', params or [])
        return cursor.fetchone()[0]


def set_scope(district: str, platform: str = "off") -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('capillary.district', %s, true), set_config('capillary.platform', %s, true)",
            [district, platform],
        )


def test_the_whole_suite_connects_as_a_role_that_is_neither_superuser_nor_owner_nor_bypassrls(db):
    """What CI proves: the `default` connection every test, page, API call, task and command uses is the
    application role itself (the session's login, not a SET ROLE), and it can become no role that could."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT session_user = current_user, r.rolname, r.rolsuper, r.rolbypassrls, r.rolcreaterole "
            "FROM pg_roles r WHERE r.rolname = session_user"
        )
        assert cursor.fetchone() == (True, rls.app_role(), False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
            "AND pg_has_role(session_user, tableowner, 'MEMBER')"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM pg_roles "
            "WHERE (rolsuper OR rolbypassrls) AND pg_has_role(session_user, oid, 'MEMBER')"
        )
        assert cursor.fetchone()[0] == 0


def test_the_application_role_is_neither_superuser_nor_owner_nor_bypassrls(as_app_role):
    as_app_role()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tableowner = current_user"
        )
        assert cursor.fetchone()[0] == 0


def test_raw_sql_as_district_a_returns_no_row_of_b_in_any_table(tree, other_tree, as_app_role):
    a, b = tree.district.pk, other_tree.district.pk
    tables = district_tables()
    assert {"compounds_compound", "accounts_user", "compounds_compoundevent"} <= set(tables)
    with_b_rows = [t for t in tables if count(t, "district_id = %s", [b])]  # as the owner: B's rows exist
    assert "compounds_compound" in with_b_rows and "compounds_streetevent" in with_b_rows
    as_app_role()
    set_scope(str(a))
    for table in tables:
        assert count(table, "district_id = %s", [b]) == 0, table
        assert count(table, "district_id IS DISTINCT FROM %s", [a]) == 0, table
    assert count("compounds_compound") == len(tree.compounds)
    assert count("compounds_district") == 1
    # The link tables follow their parent row: B's grids' buildings are not there either.
    assert count("compounds_grid_buildings") == sum(g.buildings.count() for g in tree.grids)
    # The platform's explicit path is the positive control: B's rows are there.
    set_scope("", "on")
    for table in with_b_rows:
        assert count(table, "district_id = %s", [b]) > 0, table


def test_with_no_district_set_no_tenant_row_at_all(tree, other_tree, as_app_role):
    as_app_role()
    for table in policy_tables():
        assert count(table) == 0, table


def test_a_row_of_another_district_cannot_be_written(tree, other_tree, as_app_role):
    street_b = other_tree.streets[0]
    as_app_role()
    set_scope(str(tree.district.pk))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE compounds_street SET name = 'x' WHERE id = %s", [street_b.pk])
        assert cursor.rowcount == 0
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            cursor.execute(
                "INSERT INTO compounds_street (district_id, code, name, kind) "
                "VALUES (%s, '610113999', '乙区x', 'street')",
                [other_tree.district.pk],
            )
        # Moving one's own row into B is refused too.
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            cursor.execute(
                "UPDATE compounds_street SET district_id = %s WHERE id = %s",
                [other_tree.district.pk, tree.streets[0].pk],
            )


def test_events_are_append_only_for_the_application(tree, as_app_role):
    compound = tree.compounds[0]
    as_app_role()
    set_scope(str(tree.district.pk))
    with connection.cursor() as cursor:
        assert count("compounds_compoundevent", "pgh_obj_id = %s", [compound.pk]) >= 1
        for statement in (
            "UPDATE compounds_compoundevent SET name = 'rewritten' WHERE pgh_obj_id = %s",
            "DELETE FROM compounds_compoundevent WHERE pgh_obj_id = %s",
            "UPDATE accounts_personaldatareveal SET via = '/x/' WHERE district_id = %s",
        ):
            with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                cursor.execute(statement, [compound.pk])
        # The history still grows: a change made as the application role leaves its event.
        Compound.objects.filter(pk=compound.pk).update(name="改名后的小区")
        assert count("compounds_compoundevent", "pgh_obj_id = %s AND name = '改名后的小区'", [compound.pk]) == 1


def test_a_page_and_an_api_call_as_district_a_work_and_b_is_not_there(client, tree, other_tree, as_app_role):
    client.force_login(tree.official)  # the test client's shortcut, outside any request: before the role
    as_app_role()
    page = client.get(reverse("compound-detail", args=[tree.compounds[0].pk]))
    assert page.status_code == 200
    assert tree.compounds[0].name in page.content.decode()
    assert client.get(reverse("compound-detail", args=[other_tree.compounds[0].pk])).status_code == 404

    listing = client.get("/api/v1/compounds/", {"page_size": 100})
    assert listing.status_code == 200
    names = {row["name"] for row in listing.json()["results"]}
    assert names == {c.name for c in tree.compounds}
    assert client.get(f"/api/v1/compounds/{other_tree.compounds[0].pk}/").status_code == 404


def test_signing_in_works_through_the_credential_door(client, tree, as_app_role):
    tree.official.set_password("a-long-password-1")
    tree.official.save()
    as_app_role()
    answer = client.post(reverse("login"), {"username": tree.official.username, "password": "a-long-password-1"})
    assert answer.status_code == 302
    assert client.get(reverse("compound-detail", args=[tree.compounds[0].pk])).status_code == 200


def test_the_public_qr_page_answers_an_anonymous_resident(client, tree, as_app_role):
    compound = tree.compounds[0]
    as_app_role()
    page = client.get(reverse("intake:report", args=[compound.public_token]))
    assert page.status_code == 200
    assert compound.name in page.content.decode()


def test_an_anonymous_staff_page_sees_nothing_and_is_not_an_error(client, tree, as_app_role):
    as_app_role()
    assert client.get(reverse("compound-detail", args=[tree.compounds[0].pk])).status_code in (302, 404)


@shared_task(name="tests.rls.scope_probe")
def scope_probe(district_id=None, rename=None):
    if rename:
        Compound.objects.filter(pk=rename).update(name="任务改名的小区")
    return [*tenancy.current(), sorted(set(Compound.objects.values_list("district_id", flat=True)))]


def test_a_celery_task_runs_in_its_district_and_its_changes_carry_the_task(tree, other_tree, as_app_role):
    as_app_role()
    district, platform, seen = scope_probe.delay(district_id=tree.district.pk, rename=tree.compounds[0].pk).get()
    assert (district, platform) == (str(tree.district.pk), "off")
    assert seen == [tree.district.pk]
    # Renaming B's compound from A's task changes nothing.
    scope_probe.delay(district_id=tree.district.pk, rename=other_tree.compounds[0].pk).get()
    set_scope("", "on")
    other_tree.compounds[0].refresh_from_db()
    assert other_tree.compounds[0].name != "任务改名的小区"
    event = Compound.pgh_event_model.objects.filter(pgh_obj=tree.compounds[0], pgh_label="update").last()
    assert event.name == "任务改名的小区"
    assert event.pgh_context.metadata["task"] == "tests.rls.scope_probe"
    assert event.pgh_context.metadata["actor"] == "system:task:tests.rls.scope_probe"
    # A task that names no district runs on the platform's path, as the system.
    district, platform, seen = scope_probe.delay().get()
    assert (district, platform) == ("", "on")
    assert set(seen) == {tree.district.pk, other_tree.district.pk}


def test_a_real_task_under_its_district_works_as_the_application_role(tree, as_app_role):
    from staffing.tasks import daily_upkeep_task

    as_app_role()
    assert set(daily_upkeep_task.delay(district_id=tree.district.pk).get()) == {tree.district.pk}


def test_a_system_command_acts_inside_the_district_it_names(tree, other_tree, as_app_role):
    from accounts.management.base import SystemCommand

    class Probe(SystemCommand):
        def add_arguments(self, parser):
            parser.add_argument("--district")

        def handle(self, *args, **options):
            self.seen = sorted(set(Compound.objects.values_list("district_id", flat=True)))
            Compound.objects.filter(pk__in=[tree.compounds[0].pk, other_tree.compounds[0].pk]).update(name="命令改名")

    as_app_role()
    probe = Probe()
    call_command(probe, "--district", tree.district.code)
    assert probe.seen == [tree.district.pk]
    set_scope("", "on")
    assert Compound.objects.filter(name="命令改名").get() == tree.compounds[0]  # B's was out of reach
    event = Compound.pgh_event_model.objects.filter(pgh_obj=tree.compounds[0], name="命令改名").get()
    assert event.pgh_context.metadata["command"] == probe.command_name()
    assert event.pgh_context.metadata["actor"] == f"system:command:{probe.command_name()}"


def test_tenant_context_of_a_system_actor_is_its_district(tree, other_tree, as_app_role):
    as_app_role()
    with tenancy.tenant_context(SystemActor(name="test", district_id=other_tree.district.pk)):
        assert set(Compound.objects.values_list("district_id", flat=True)) == {other_tree.district.pk}
    assert Compound.objects.count() == 0  # back to the test's own (empty) scope


def test_an_api_key_call_runs_in_the_keys_district(tree, other_tree, as_app_role):
    from rest_framework.test import APIClient

    tree.official.set_password("a-long-password-1")
    tree.official.save()
    as_app_role()
    api = APIClient()
    answer = api.post("/api/v1/auth/token/", {"username": tree.official.username, "password": "a-long-password-1"})
    assert answer.status_code in (200, 201), answer.content
    api.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    listing = api.get("/api/v1/compounds/")
    assert listing.status_code == 200
    assert {row["name"] for row in listing.json()["results"]} == {c.name for c in tree.compounds}
    assert api.get(f"/api/v1/compounds/{other_tree.compounds[0].pk}/").status_code == 404
    # a wrong key is the API's 401, not an error of the middleware
    api.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    assert api.get("/api/v1/compounds/").status_code == 401


def test_with_the_database_down_the_health_check_still_answers_503(client, monkeypatch):
    from django.db import OperationalError, connections

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "ensure_connection", down)
    answer = client.get("/healthz")
    assert answer.status_code == 503


def test_the_outbox_publishes_and_marks_done_as_the_application_role(
    tree, as_app_role, django_capture_on_commit_callbacks
):
    from workorders.models import OutboxMessage
    from workorders.outbox import outbox_enqueue
    from workorders.tasks import reroute_unrouted_task

    as_app_role()
    with django_capture_on_commit_callbacks(execute=True):
        with tenancy.tenant_context(SystemActor(name="test", district_id=tree.district.pk)):
            message = outbox_enqueue(task=reroute_unrouted_task, args=[], district_id=tree.district.pk)
        # the request's scope is gone when the commit's callbacks run
        set_scope("", "off")
    set_scope("", "on")
    message = OutboxMessage.objects.get(pk=message.pk)
    assert message.published_at is not None and message.done_at is not None


def test_one_time_tokens_work_as_the_application_role_signed_in_and_public(client, tree, as_app_role):
    # accounts.onetime writes its token rows as the system of the form's district: under row-level security, for a
    # signed-in grid worker and for an anonymous resident alike
    from ratings.models import SurveyResponse
    from staffing.models import Visit
    from tests.onetime import token_of
    from tests.ratings import helpers as h
    from tests.staffing import walk

    household = walk.household(tree, address="9单元901")
    h.period(tree)
    compound = tree.compounds[0]
    client.force_login(tree.grid_worker)
    as_app_role()
    url = reverse("staffing:visit", args=[household.pk])
    body = {**token_of(client.get(url)), "outcome": "well"}
    assert [client.post(url, body).status_code for _ in range(2)] == [302, 302]
    client.logout()
    survey = reverse("ratings:survey", kwargs={"public_token": compound.public_token})
    body = {**token_of(client.get(survey)), "building": "1号楼", "room": "101", "level": "satisfied"}
    assert [client.post(survey, body).status_code for _ in range(2)] == [200, 200]
    set_scope(str(tree.district.pk))
    assert Visit.objects.filter(household=household).count() == 1
    assert SurveyResponse.objects.filter(compound=compound).count() == 1
    assert count("accounts_formsubmission") == 2


def test_the_application_role_cannot_skip_history_with_pgtrigger_ignore(tree):
    """pgtrigger's (and so pghistory's) triggers honour the session setting `pgtrigger.ignore`, which any role
    may SET; for the application role it names no history trigger (accounts.rls.harden_trigger_ignore)."""
    from accounts.history import event_models_of

    compound = tree.compounds[0]
    events = event_models_of(Compound)[0].objects.filter(pgh_obj_id=compound.pk)
    before = events.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_agg(tgname) FROM pg_trigger WHERE tgrelid = 'compounds_compound'::regclass")
        (every_trigger,) = cursor.fetchone()
        assert every_trigger, "the compound has its history triggers"
        cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(every_trigger) + "}"])
        cursor.execute("UPDATE compounds_compound SET name = name || '（改）' WHERE id = %s", [compound.pk])
        assert cursor.rowcount == 1
    assert events.count() == before + 1
    assert events.latest("pgh_id").name.endswith("（改）")


def test_history_rows_carry_their_context_without_a_subtransaction_per_row(tree):
    """Every history row asks `_pgtrigger_should_ignore` and `_pgh_attach_context`; both are defined without an
    EXCEPTION block (a subtransaction a row, ~0.2 ms of the server's CPU, about three times the row's own insert), and
    still read the settings as pghistory and pgtrigger write them: set, never set (NULL) or reset ('')."""
    import pghistory

    from accounts.history import event_models_of

    compound = tree.compounds[0]
    events = event_models_of(Compound)[0].objects.filter(pgh_obj_id=compound.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, prosrc FROM pg_proc WHERE proname IN ('_pgtrigger_should_ignore', '_pgh_attach_context')"
        )
        sources = dict(cursor.fetchall())
    assert set(sources) == {"_pgtrigger_should_ignore", "_pgh_attach_context"}
    assert not [name for name, source in sources.items() if "EXCEPTION" in source.upper()]

    with pghistory.context(note="检查"):
        Compound.objects.filter(pk=compound.pk).update(name="甲小区")
    with_context = events.latest("pgh_id")
    assert with_context.pgh_context_id is not None
    assert with_context.pgh_context.metadata["note"] == "检查"
    with connection.cursor() as cursor:
        # As a later transaction of the same session finds them: defined, but empty.
        cursor.execute(
            "SELECT set_config('pghistory.context_id', '', true), set_config('pghistory.context_metadata', '', true),"
            " set_config('pgtrigger.ignore', '', true)"
        )
        cursor.execute("UPDATE compounds_compound SET name = '乙小区' WHERE id = %s", [compound.pk])
    bare = events.latest("pgh_id")
    assert (bare.name, bare.pgh_context_id) == ("乙小区", None)


def test_the_application_role_may_still_skip_the_guards_it_is_allowed_to(db):
    """The control: the mechanism works for what the application is allowed (retention masks the append-only
    timeline through pgtrigger.ignore), so the test above fails for the right reason."""
    import pgtrigger

    model, trigger = pgtrigger.registered(*rls.APP_MAY_IGNORE)[0]
    pgid = trigger.get_pgid(model)

    def ignored() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT _pgtrigger_should_ignore(%s)", [pgid])
            return cursor.fetchone()[0]

    assert ignored() is False
    with transaction.atomic(), pgtrigger.ignore(*rls.APP_MAY_IGNORE):
        assert ignored() is True


def door(function: str, value: str):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [value])
        return cursor.fetchone()[0]


def test_a_door_lookup_tells_only_the_district_and_opens_nothing(tree, other_tree, as_app_role):
    """The public doors' SECURITY DEFINER lookups (accounts.rls.door_function) answer one district id for one
    code; the caller's own scope stays empty: raw SQL with no district set still returns no row."""
    as_app_role()
    assert door("capillary_door_compound_token", tree.compounds[0].public_token) == tree.district.pk
    assert door("capillary_door_compound_token", other_tree.compounds[0].public_token) == other_tree.district.pk
    assert door("capillary_door_compound_token", "no-such-token") is None
    assert door("capillary_door_district_code", "610113") == other_tree.district.pk
    assert door("capillary_door_only_district", "-") is None  # two districts: Open311 must be told which
    for table in ("compounds_compound", "compounds_district", "workorders_workorder", "accounts_user"):
        assert count(table) == 0, table
    assert tenancy.current() == ("", "off")


def scopes_set(queries) -> list[str]:
    """The district each SET LOCAL of the request's scope named ('platform' for the platform path)."""
    found = []
    for query in queries:
        sql = query["sql"]
        if "set_config('capillary.platform', 'on'" in sql:
            found.append("platform")
        elif "set_config('capillary.district', '" in sql and "set_config('capillary.auth'" in sql:
            found.append(sql.split("set_config('capillary.district', '", 1)[1].split("'", 1)[0])
        elif door := re.search(r"set_config\('capillary\.district', coalesce\((\w+)\('([^']*)'\)::text, ''\)", sql):
            # a signed-out visitor at a door: its lookup and the scope in one statement (accounts.tenancy)
            district = door_district(door.group(1), door.group(2))
            found.append("" if district is None else str(district))
    return found


def test_the_public_doors_run_in_their_codes_district_never_on_the_platform_path(client, tree, other_tree, as_app_role):
    from django.test.utils import CaptureQueriesContext

    from workorders import services
    from workorders.models import Channel

    category = services.categories_seed(actor=SYSTEM, district=tree.district)[0]
    order = services.work_order_file(
        actor=SystemActor(name="tests"),
        compound=tree.compounds[0],
        category=category,
        channel=Channel.RESIDENT_QR,
        title="路灯坏了",
        description="5号楼路灯坏了",
    )
    token = tree.compounds[0].public_token
    pages = [
        reverse("compound-public", args=[token]),
        reverse("intake:report", args=[token]),
        reverse("ratings:survey", args=[token]),
        reverse("intake:track", args=[order.tracking_code]),
        reverse("intake:track-lookup") + "?code=" + order.tracking_code,
        "/open311/v2/services.json?jurisdiction_id=610116",
    ]
    as_app_role()
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(url)
        assert answer.status_code in (200, 302), url
        # Nothing first (an anonymous caller), then the code's district (and nothing again when the test
        # client's request gives the test its own scope back); never the platform path.
        assert str(tree.district.pk) in scopes_set(queries.captured_queries), url
        assert set(scopes_set(queries.captured_queries)) == {"", str(tree.district.pk)}, url
    assert client.get(reverse("compound-public", args=[token])).content.decode().count(tree.compounds[0].name)
    # Another district's code is that district's door; an unknown code is a 404 with nothing in scope.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("compound-public", args=[other_tree.compounds[0].public_token])).status_code == 200
    assert set(scopes_set(queries.captured_queries)) == {"", str(other_tree.district.pk)}
    assert client.get(reverse("compound-public", args=["unknown-token"])).status_code == 404
    assert client.get(reverse("intake:track", args=["ZZZZZZZZ"])).status_code == 404


def test_an_import_task_runs_in_its_uploaders_district_and_its_rows_are_seen_only_there(
    tree, other_tree, as_app_role, django_capture_on_commit_callbacks
):
    from compounds.importing import jobs, org_import_start
    from compounds.models import OrgImport, Street
    from compounds.tasks import run_org_import_task

    streets = "街道编码,街道名称\n610116010,新十街道\n610116011,新十一街道\n".encode()
    as_app_role()
    # given a long import kept by A's official (the task held back)
    set_scope(str(tree.district.pk))
    jobs_inline, jobs.INLINE_ROWS = jobs.INLINE_ROWS, 1
    try:
        with django_capture_on_commit_callbacks(execute=False):
            job, report = org_import_start(actor=tree.official, district=tree.district, name="街道.csv", data=streets)
    finally:
        jobs.INLINE_ROWS = jobs_inline
    assert report is None and job.status == "pending"
    # a message naming the wrong district finds no job there (B's scope cannot see A's job) and changes nothing
    assert run_org_import_task.delay(job.pk, other_tree.district.pk).get() == "missing"
    # when the task runs for A
    assert run_org_import_task.delay(job.pk, tree.district.pk).get() == "done"
    # then A sees the job and its streets ...
    set_scope(str(tree.district.pk))
    assert OrgImport.objects.get(pk=job.pk).status == "done"
    assert set(Street.objects.filter(code__in=["610116010", "610116011"]).values_list("district_id", flat=True)) == {
        tree.district.pk
    }
    # ... and B sees neither (row-level security, under the policy)
    set_scope(str(other_tree.district.pk))
    assert not OrgImport.objects.exists()
    assert not Street.objects.filter(code__in=["610116010", "610116011"]).exists()
    assert count("compounds_orgimport") == 0 and count("compounds_orgimportevent") == 0
