"""The records census: what an English user's action stores is Chinese, the language of record.

docs/decisions.md "## Language": the timeline's notes, reasons, notifications, the reveal log's labels, an import's
outcome, the lists' reasons, the ledger's memos, staffing's records, the reports' titles are kept in Chinese whatever
the language of the request that wrote them (config.locale.of_record, in_language_of_record); pages word them in
their reader's language. A writer that reads a label in the request's language (`str(level.label)`, `gettext(…)`)
stores English on an English page — and only there, which no Chinese test sees.

This census drives the writers in English and reads every text column of every table that the action wrote
(tests/records_language.py: the rows whose transaction id is newer than a mark, so a new table or column is read the
day it is added) for the English of our catalogues:

- the walk's makers (tests/test_tenancy_walk.py `populate`: orders moved through every state, ratings computed and
  built, funds allocated and carried over, staffing's terms, a report built, …) run in English;
- the jobs no page starts — the SLA sweep, routing and the handlers' notifications, visit reminders, the beat's
  daily tasks, imports with bad rows, the 12345 and Open311 doors, every report kind's build, a new district —
  run in English;
- a work order's life through the English pages (cookie django_language=en): filed on the QR page, assigned,
  transferred, escalated, resolved, rated, reopened, closed;
- and the tenancy walk's positive controls send every page form and every API write of every role as an English
  user and make the same check (tests/test_tenancy_walk.py), so that a new form or endpoint is covered too.

The detector's own controls come first: a writer that forgets of_record is caught, one that remembers is not.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.actors import SystemActor
from tests.conftest import build_tree
from tests.records_language import english_in, records_watch, text_tables
from workorders.models import HandlerLevel, Satisfaction, State, TimelineEntry, WorkOrder

LATER = datetime.datetime(2027, 6, 1, 10, tzinfo=datetime.UTC)  # past every deadline the world's orders have


@dataclass
class World:
    t: object
    populated: list[str]  # what the makers stored in English


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, english_catalogues) -> Iterator[World]:
    """One district filled by the tenancy walk's makers in English, rolled back after the module."""
    from tests.test_tenancy_walk import populate

    with django_db_blocker.unblock(), override_settings(LOCALE_PATHS=[*settings.LOCALE_PATHS]):  # fresh catalogues
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            t = build_tree("610116", "长安区")
            with records_watch() as watch, translation.override("en"):
                populate(t)
            yield World(t, watch.english())
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def t(world, db):
    """The world's district; each test's writes are undone after it (a savepoint inside the world)."""
    return world.t


@pytest.fixture
def census(django_capture_on_commit_callbacks):
    """Run `action` in English (and the work it leaves for after the commit, unless `after_commit` is False) and
    return what it stored in English."""

    def run(action, *args, after_commit: bool = True, **kwargs) -> list[str]:
        with (
            records_watch() as watch,
            translation.override("en"),
            django_capture_on_commit_callbacks(execute=after_commit),
        ):
            action(*args, **kwargs)
        return watch.english()

    return run


def system(t, name: str = "task:census") -> SystemActor:
    return SystemActor(name=name, district_id=t.district.pk)


# ---------------------------------------------------------------------------------------------------- the detector


def test_english_is_on_so_the_census_can_see_it(t):
    with translation.override("en"):
        assert gettext("已派单") != "已派单", "the English catalogues are not compiled: the census would prove nothing"


def test_the_census_reads_every_text_column_of_every_table(t):
    """Every text-like column of the database's tables (the catalogue's view of them) is one the census reads: a
    table that no model of the registry names would be missed."""
    read = {(table.name, column) for table in text_tables() for column, _ in table.columns}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns JOIN information_schema.tables "
            "USING (table_schema, table_name) WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
            "AND (data_type IN ('text', 'character varying', 'json', 'jsonb') OR udt_name IN ('_varchar', '_text'))"
        )
        present = set(cursor.fetchall())
    present -= {("django_migrations", "app"), ("django_migrations", "name")}  # Django's bookkeeping, no model
    assert present - read == set(), "text columns the census does not read"
    assert len(read) > 300


def test_a_writer_that_forgets_the_language_of_record_is_caught(t, census):
    order = t.orders[State.ASSIGNED]
    level = HandlerLevel.COMMUNITY

    def forgetful():  # what services.work_order_transfer wrote before of_record: the label in the request's language
        TimelineEntry.objects.create(
            district=t.district,
            order=order,
            kind="note",
            note=f"转办至{level.label}“{t.communities[0]}”：转社区",
            at=timezone.now(),
        )

    def mindful():
        from config.locale import of_record

        TimelineEntry.objects.create(
            district=t.district,
            order=order,
            kind="note",
            note=f"转办至{of_record(level.label)}“{t.communities[0]}”",
            at=timezone.now(),
        )

    def message():  # a notification worded with gettext, and a reason in English words that no catalogue has
        from workorders.models import Notification

        Notification.objects.create(
            district=t.district, recipient=t.official, order=order, kind="note", message=gettext("已派单")
        )
        order.reject_reason = "Handled by the robot"
        order.save(update_fields=["reject_reason"])

    [caught] = census(forgetful)
    assert "workorders.TimelineEntry.note" in caught and "'Community'" in caught and "社区" in caught
    assert census(mindful) == []
    found = census(message)
    assert any("Notification.message" in line and "已派单" in line for line in found), found
    assert any("WorkOrder.reject_reason" in line for line in found), found


def test_what_is_read_is_what_was_written_inside_the_watch(t):
    WorkOrder.objects.filter(pk=t.orders[State.ACCEPTED].pk).update(title="Written before the watch")
    with records_watch() as watch:
        assert watch.written() == []
        WorkOrder.objects.filter(pk=t.orders[State.ASSIGNED].pk).update(title="楼道灯坏了")  # in the watch's savepoint
        with transaction.atomic():
            WorkOrder.objects.filter(pk=t.orders[State.RESOLVED].pk).update(title="路灯不亮")  # in one it opens
    WorkOrder.objects.filter(pk=t.orders[State.CLOSED].pk).update(title="Written after the watch")
    assert {row.text for row in watch.written()} >= {"楼道灯坏了", "路灯不亮"}
    assert not {"Written before the watch", "Written after the watch"} & {row.text for row in watch.written()}


def test_codes_names_and_typed_chinese_are_not_english():
    for text in ("assigned", "street-610116", "walk@example.com", "/workorders/12/", "CDWYD64QUT8P", "1号楼 2单元",
                 "王女士", "新工单待受理：楼道堆物（T9MHUL6WLNF7），响应时限 2026-12-01 00:00", '{"ok": true}',
                 "task:workorders.sla_sweep_task", "10.0.0.7", "人员配备.xlsx", "Q3",
                 "overdue_top:174:2026-11-30T16:00:00+00:00",
                 "reports/13/tests.compound_count/2026-Q3/v1.pdf"):  # fmt: skip
        assert english_in(text) is None, text
    assert english_in("派单至Street“长安区第1街道”")
    assert english_in("Community")  # a whole label
    assert english_in("3 days left")
    assert english_in("Mar 7值班调休")  # a date formatted in English (the staffing duty's note, before _day_label)
    assert english_in("Very satisfied：修得很快")
    assert "English words" in english_in("zorp blick frum")  # words of no catalogue, with no Chinese


# ---------------------------------------------------------------------------------------------------- the writers


def test_the_walks_makers_store_chinese_when_run_in_english(world):
    """Orders through every state (notes, reasons, escalations, rating), meetings, photos, ratings computed and built
    (list reasons, the report's title), contracts, introductions, funds allocated, approved and carried over, bonus,
    staffing's people, terms, visits, duty, stars, a report built: all in English, all kept in Chinese."""
    assert not world.populated, "\n".join(world.populated)


def test_the_sweeps_routing_and_notifications_store_chinese(t, census):
    from staffing.services import visits
    from workorders import services, tasks
    from workorders.models import Channel, Notification

    def jobs():
        # an order filed and routed, its handler told (the routing task after the commit)
        order = services.work_order_file(
            actor=t.official, compound=t.compounds[1], category=t.orders[State.ASSIGNED].category,
            channel=Channel.PHONE, title="单元门禁损坏", description="2单元门禁坏了", reporter_name="李先生",
            reporter_phone="13812340001",
        )  # fmt: skip
        for kind in ("assigned", "pooled", "transferred", "escalated", "reopened", "overdue_top", "other"):
            tasks.notify_handler(order, kind, f"census:{kind}", HandlerLevel.STREET, [t.streets[0].pk])
        # every overdue order climbs a rung, the top of the ladder tells the district
        services.sla_sweep(actor=system(t, "task:workorders.sla_sweep_task"), now=LATER)
        services.sla_sweep(actor=system(t, "task:workorders.sla_sweep_task"), now=LATER + datetime.timedelta(days=30))
        visits.visits_notify_overdue(actor=system(t), today=LATER.date())

    assert census(jobs) == []
    assert Notification.objects.filter(district=t.district, kind="escalated").exists()


def test_the_daily_jobs_store_chinese(t, census):
    from compounds.services import communities_apply_due_tiers, compound_set_property_firm
    from staffing.services import stationed, teams
    from tests import factories
    from workorders import retention

    def jobs():
        other_firm = factories.PropertyFirmFactory(district=t.district, name="新物业服务有限公司")
        compound_set_property_firm(actor=t.official, compound=t.compounds[0], firm=other_firm)
        teams.teams_end_stale_property_managers(actor=system(t), on=LATER.date())
        stationed.stationed_cadres_sync(actor=system(t), today=LATER.date())
        communities_apply_due_tiers(actor=system(t), year=2027)
        retention.work_orders_anonymise_expired(actor=system(t), district=t.district, now=LATER.replace(year=2040))

    assert census(jobs) == []


def test_imports_with_bad_rows_store_their_outcome_in_chinese(t, census):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from compounds.importing.service import org_import_start
    from compounds.models import OrgImport
    from staffing.importing import import_start
    from staffing.models import StaffingImport
    from tests.staffing.test_import import bad_rows_workbook
    from workorders.hotline.services import hotline_file_import

    code = t.district.code
    streets = f"街道编码,街道名称\r\n{code}009,新设街道\r\n9999,坏编码街道\r\n,\r\n".encode("utf-8-sig")
    hotline = (
        "工单编号,受理时间,诉求类别,诉求内容,小区/地址,联系电话,办理时限\n"
        f"GD001,2026-11-23 09:30,楼道堆物,楼道堆满杂物,{t.compounds[0].name},13812345678,5个工作日\n"
        "GD002,昨天,不存在的类别,,不存在的小区,123,\n"
    ).encode()

    def imports():
        org_import_start(actor=t.official, district=t.district, name="街道.csv", data=streets)
        org_import_start(actor=t.official, district=t.district, name="街道.csv", data=streets[:40], dry_run=True)
        # staffing's workbook with bad rows: its own messages, the services' refusals (a day in one), a phone's
        import_start(actor=t.official, upload=SimpleUploadedFile("人员配备.xlsx", bad_rows_workbook(t)))
        for data in (hotline, hotline.splitlines(keepends=True)[0] + hotline.splitlines(keepends=True)[1]):
            with contextlib.suppress(ValidationError):  # refused rows: what matters is what was kept
                hotline_file_import(actor=system(t), district=t.district, data=data)

    assert census(imports) == []
    assert OrgImport.objects.filter(district=t.district, status="failed").exists()
    assert StaffingImport.objects.filter(district=t.district, status="failed").exists()
    assert WorkOrder.objects.filter(district=t.district, external_number="GD001").exists()


def test_the_open311_and_12345_doors_store_chinese(t, census):
    from accounts.roles import Integration, Role
    from tests import factories
    from workorders.open311.services import RequestIn, open311_request_create, open311_update_apply

    client_user = factories.UserFactory(
        role=Role.INTEGRATION, integration=Integration.OPEN311, district=t.district, username="open311-census"
    )

    def doors():
        order = open311_request_create(
            actor=client_user, district=t.district, category=t.orders[State.ASSIGNED].category,
            data=RequestIn(service_code=t.orders[State.ASSIGNED].category.code, address_string=t.compounds[0].name,
                           compound_code=t.compounds[0].code, phone="13812345678"),
        )  # fmt: skip
        for n, status in enumerate(("in_progress", "closed")):
            open311_update_apply(
                actor=client_user, district=t.district, service_request_id=str(order.pk), update_id=f"u{n}",
                status=status, updated_datetime=timezone.now(), description="",
            )  # fmt: skip

    assert census(doors) == []


def test_every_report_kind_builds_with_a_chinese_title_and_messages(t, census, monkeypatch):
    from reports import registry, services
    from reports.models import Report

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    for code, kind in list(registry.KINDS.items()):  # what is stored does not depend on the PDF: not drawn here
        monkeypatch.setitem(registry.KINDS, code, dataclasses.replace(kind, render=lambda context: pdf))
    official = t.official

    def builds():
        for kind in registry.kinds():
            key = kind.periods.example
            build = services.report_request(actor=system(t), kind=kind.code, key=key)
            with contextlib.suppress(Exception):  # a failed build keeps its message: read with the rest
                services.report_build_run(actor=system(t), build_id=build.pk)
        first = next(iter(registry.kinds()))
        services.report_request(actor=official, kind=first.code, key=first.periods.example)

    assert census(builds, after_commit=False) == []  # (the builds' tasks: run above, each as the worker would)
    assert Report.objects.filter(district=t.district).count() >= len(registry.KINDS)


def test_a_new_district_opens_in_chinese(t, census):
    from accounts.roles import Role
    from portal.districts import district_open
    from tests import factories

    admin = factories.user_for(Role.PLATFORM_ADMIN, username="census-admin")
    assert census(district_open, actor=admin, code="610113") == []


# ---------------------------------------------------------------------------------------------------- the pages


def test_a_work_orders_life_through_the_english_pages_stores_chinese(t, client, census):
    """The main user actions as an English user makes them: the resident files on the QR page and rates on the
    tracking page; the street desk assigns, transfers and escalates; the handler resolves; the desk closes."""
    from workorders.models import Notification

    compound = t.compounds[0]
    category = t.orders[State.ASSIGNED].category
    seen: list[tuple[str, str]] = []

    def post(url, data, expect=(200, 302)):
        response = client.post(url, data, REMOTE_ADDR="10.0.0.9")
        assert response.wsgi_request.LANGUAGE_CODE == "en", "the request was not an English user's"
        assert response.status_code in expect, (url, data, response.status_code, response.content[:600])
        return response

    def as_(user):  # signing in or out starts a new set of cookies: the language is chosen again
        client.logout()
        if user is not None:
            client.force_login(user)
        client.cookies["django_language"] = "en"

    def life():
        as_(None)
        post(reverse("intake:report", args=[compound.public_token]), {
            "category": category.pk, "description": "5号楼电梯困人，已经半小时了", "building": "",
            "reporter_name": "周女士", "reporter_phone": "13812340077",
        })  # fmt: skip
        order = WorkOrder.objects.filter(district=t.district).latest("pk")
        detail = reverse("workorders:detail", args=[order.pk])
        track = reverse("intake:track", args=[order.tracking_code])
        for user, step in (
            (t.street_staff, {"action": "assign", "assign-unit": f"community:{t.communities[0].pk}"}),
            (t.street_staff, {"action": "note", "note-note": "已电话联系居民"}),
            (t.cadre, {"action": "escalate", "escalate-reason": "需街道协调"}),
            (
                t.street_staff,
                {
                    "action": "transfer",
                    "transfer-unit": f"community:{t.communities[0].pk}",
                    "transfer-reason": "社区处理",
                },
            ),
            (t.cadre, {"action": "accept", "accept-note": ""}),
            (t.cadre, {"action": "resolve", "resolve-resolution": "已修复电梯"}),
            (None, {"satisfaction": Satisfaction.TOO_SLOW, "comment": "太慢了"}),
            (t.cadre, {"action": "accept_start", "accept_start-note": ""}),
            (t.cadre, {"action": "resolve", "resolve-resolution": "再次修复"}),
            (t.street_staff, {"action": "rate", "rate-satisfaction": Satisfaction.VERY_SATISFIED, "rate-comment": ""}),
            (t.street_staff, {"action": "close", "close-note": ""}),
        ):
            as_(user)
            post(track if user is None else detail, step, expect=(302,))
            order.refresh_from_db()
            seen.append((step.get("action", "rate on the tracking page"), order.state))

    assert census(life) == []
    assert seen[-1] == ("close", State.CLOSED), seen
    assert Notification.objects.filter(order__title__contains="电梯").count() >= 3
