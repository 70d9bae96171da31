"""Retention (PIPL): a district keeps residents' personal data for a set number of years (default three) after a
request is closed; the nightly task then anonymises the request, its timeline, its messages and its history.
Time is controlled: the task runs at chosen instants."""

from datetime import datetime, timedelta

import pytest
from django.apps import apps
from django.db import ProgrammingError, connection, transaction

from accounts.actors import SystemActor
from accounts.permissions import Forbidden
from accounts.tenancy import tenant_context
from workorders import retention, services, tasks
from workorders.intake.photos import photo_prepare, photo_store
from workorders.models import Notification, PrivacySettings, State, WorkOrder
from workorders.worktime import BEIJING

from .test_photos import has_gps, jpeg_with_gps

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

FILED = datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING)
DESCRIPTION = "3号楼2单元501漏水，联系人：王建国，电话13812345678，邮箱wjg@example.com"
WorkOrderEvent = apps.get_model("workorders", "WorkOrderEvent")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def closed_order(tree, categories, *, compound=None, district_tree=None, when=FILED):
    """A resident's order filed at `when` with personal data, noted, resolved a day later and closed."""
    t = district_tree or tree
    order = services.work_order_file(
        actor=SYSTEM,
        compound=compound or t.compounds[0],
        category=categories["leak"],
        channel="resident_qr",
        title="3号楼2单元501漏水",
        description=DESCRIPTION,
        reporter_name="王建国",
        reporter_phone="13812345678",
        now=when,
    )
    order = services.work_order_route(actor=SYSTEM, order_id=order.pk, now=when)
    services.work_order_note(actor=SYSTEM, order=order, note="已电话联系王建国先生 13812345678", now=when)
    order = services.work_order_accept(actor=SYSTEM, order=order, now=when + timedelta(hours=1))
    order = services.work_order_resolve(
        actor=SYSTEM,
        order=order,
        resolution="已修好，联系人：王建国确认",
        now=when + timedelta(days=1),
    )
    order = services.work_order_close(actor=SYSTEM, order=order, now=when + timedelta(days=2))
    Notification.objects.create(
        district=order.district, recipient=t.official, order=order, kind="x", message="王建国 13812345678 的诉求已办结"
    )
    photo_store(order=order, prepared=photo_prepare(upload=jpeg_with_gps()))
    return order


def run_task_at(monkeypatch, moment: datetime) -> dict:
    monkeypatch.setattr(retention.timezone, "now", lambda: moment)
    return tasks.anonymise_expired_task()


def events_of(order) -> list:
    return list(WorkOrderEvent.objects.filter(pgh_obj_id=order.pk).order_by("pgh_id"))


def test_a_closed_request_is_kept_for_three_years_and_then_anonymised_history_included(monkeypatch, tree, categories):
    # given: a request closed on 4 March 2026, with personal data in every column, its timeline, a message
    order = closed_order(tree, categories)
    assert any("13812345678" in e.description for e in events_of(order))
    closed = order.closed_at

    # when: the nightly task runs a day before three years have passed
    assert run_task_at(monkeypatch, closed + timedelta(days=3 * 365 - 1)) == {}
    # then: nothing changed
    order.refresh_from_db()
    assert order.reporter_phone == "13812345678" and order.anonymised_at is None

    # when: it runs a day after
    moment = closed + timedelta(days=3 * 365 + 2)
    assert run_task_at(monkeypatch, moment) == {tree.district.code: 1}

    # then: the reporter is gone, the text keeps its substance without the personal details
    order.refresh_from_db()
    assert order.reporter_name == order.reporter_phone == ""
    assert order.description == "3号楼2单元***漏水，联系人：王**，电话138****5678，邮箱w***@example.com"
    assert order.title == "3号楼2单元***漏水" and order.resolution == "已修好，联系人：王**确认"
    assert order.anonymised_at == moment and order.state == State.CLOSED
    # the timeline and the messages too
    notes = " ".join(order.timeline.values_list("note", flat=True))
    assert "13812345678" not in notes and "王建国" not in notes and "138****5678" in notes
    # (a name with no cue around it cannot be told from other words: it stays; the number does not)
    assert Notification.objects.get(order=order).message == "王建国 138****5678 的诉求已办结"
    # and its history: every event's personal columns blanked, the rest of the history kept
    history = events_of(order)
    assert len(history) >= 5
    for event in history:
        assert (event.reporter_name, event.reporter_phone, event.description, event.title, event.resolution) == (
            "",
            "",
            "",
            "",
            "",
        )
    assert [e.state for e in history if e.pgh_label == "update"][-1] == State.CLOSED
    # photos hold no personal metadata (stripped when they were uploaded)
    photo = order.photos.get()
    assert not has_gps(photo.image.open("rb").read())

    # and running again changes nothing
    assert run_task_at(monkeypatch, moment + timedelta(days=1)) == {}


def test_the_change_carries_the_tasks_context(monkeypatch, tree, categories):
    order = closed_order(tree, categories)
    run_task_at(monkeypatch, order.closed_at + timedelta(days=3 * 366))
    event = [e for e in events_of(order) if e.anonymised_at is not None][-1]
    assert event.pgh_context.metadata["task"] == "workorders.anonymise_expired_task"
    assert "系统（task:workorders.anonymise_expired_task）" in event.pgh_context.metadata["actor"]


def test_each_district_sets_its_own_period(monkeypatch, tree, other_tree, categories):
    b_categories = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=other_tree.district)}
    PrivacySettings.objects.create(district=other_tree.district, retention_years=5)
    a = closed_order(tree, categories)
    b = closed_order(tree, b_categories, district_tree=other_tree)

    assert run_task_at(monkeypatch, a.closed_at + timedelta(days=4 * 366)) == {tree.district.code: 1}
    b.refresh_from_db()
    assert b.reporter_phone == "13812345678" and "13812345678" in events_of(b)[0].description
    assert run_task_at(monkeypatch, a.closed_at + timedelta(days=5 * 366)) == {other_tree.district.code: 1}


def test_open_and_recent_requests_are_kept(monkeypatch, tree, categories):
    old_open = services.work_order_file(
        actor=SYSTEM,
        compound=tree.compounds[1],
        category=categories["noise"],
        channel="resident_qr",
        title="噪音",
        description="夜里施工，电话13900001111",
        reporter_phone="13900001111",
        now=FILED,
    )
    recent = closed_order(tree, categories, when=FILED + timedelta(days=3 * 365))

    run_task_at(monkeypatch, FILED + timedelta(days=3 * 365 + 30))

    old_open.refresh_from_db()
    recent.refresh_from_db()
    assert old_open.reporter_phone == "13900001111" and recent.reporter_phone == "13812345678"
    assert old_open.anonymised_at is None and recent.anonymised_at is None


def test_only_the_district_authority_anonymises(tree, categories):
    with pytest.raises(Forbidden):
        retention.work_orders_anonymise_expired(actor=tree.street_staff, district=tree.district)
    other = SystemActor(name="task:x", district_id=tree.district.pk + 1000)
    with pytest.raises(Forbidden):
        retention.work_orders_anonymise_expired(actor=other, district=tree.district)


def test_the_history_function_blanks_only_anonymised_orders_of_the_callers_district(tree, other_tree, categories):
    order = closed_order(tree, categories)
    with tenant_context(SystemActor(name="test", district_id=tree.district.pk)), connection.cursor() as cursor:
        cursor.execute("SELECT workorders_anonymise_order_events(%s::bigint[])", [[order.pk]])
        assert cursor.fetchone()[0] == 0  # not anonymised: its history stays
    WorkOrder.objects.filter(pk=order.pk).update(anonymised_at=FILED)
    with tenant_context(SystemActor(name="test", district_id=other_tree.district.pk)), connection.cursor() as cursor:
        cursor.execute("SELECT workorders_anonymise_order_events(%s::bigint[])", [[order.pk]])
        assert cursor.fetchone()[0] == 0  # another district's scope: untouched
    assert any(e.reporter_phone for e in events_of(order))


def test_the_history_is_blanked_by_a_role_that_may_not_update_events(tree, categories):
    """The application's database role (the suite's own login, tests/conftest.py) may not UPDATE event tables:
    the function, owned by the migration owner, still blanks them, and the role itself still cannot."""
    order = closed_order(tree, categories)
    WorkOrder.objects.filter(pk=order.pk).update(anonymised_at=FILED)
    with connection.cursor() as cursor:
        with pytest.raises(ProgrammingError), transaction.atomic():
            cursor.execute("UPDATE workorders_workorderevent SET reporter_phone = '' WHERE pgh_obj_id = %s", [order.pk])
        with tenant_context(SystemActor(name="test", district_id=tree.district.pk)):
            cursor.execute("SELECT workorders_anonymise_order_events(%s::bigint[])", [[order.pk]])
            assert cursor.fetchone()[0] >= 1
    assert all(e.reporter_phone == "" and e.description == "" for e in events_of(order))
