"""The demo district's work orders (workorders/demo.py, run by manage.py load_demo): a street officer sees a
queue with orders in several states from several channels, the KPIs and the street ranking have figures,
and two builds give the same orders."""

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from compounds.demo import DISTRICT_CODE
from compounds.models import District
from ratings.models import RatingPeriod
from tests.dbroles import as_owner
from workorders.demo import build_demo_work_orders
from workorders.models import Channel, State, TimelineEntry, WorkOrder
from workorders.selectors import month_bounds, street_ranking, work_order_kpis, work_order_totals
from workorders.worktime import BEIJING

pytestmark = pytest.mark.django_db


def load_demo(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(
        WorkOrder.objects.order_by("created_at", "pk").values_list(
            "compound__code", "category__code", "channel", "state", "title", "external_number", "satisfaction"
        )
    )


def last_month():
    today = timezone.now().astimezone(BEIJING).date()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def test_street_officer_sees_a_queue_of_orders_in_several_states_and_channels():
    # given the demo, built by the command
    out = load_demo()
    district = District.objects.get(code=DISTRICT_CODE)
    # then orders were filed over the last two months, through every demo channel
    orders = WorkOrder.objects.filter(district=district)
    assert "已生成演示工单" in out
    assert 100 <= orders.count() <= 300
    assert orders.filter(created_at__lt=timezone.now() - timedelta(days=40)).exists()
    assert not orders.filter(created_at__gt=timezone.now()).exists()
    channels = Counter(orders.values_list("channel", flat=True))
    assert {Channel.RESIDENT_QR, Channel.GRID, Channel.HOTLINE_12345, Channel.PHONE} <= set(channels)
    hotline = orders.filter(channel=Channel.HOTLINE_12345)
    assert not hotline.filter(external_number="").exists()
    assert orders.filter(channel=Channel.GRID, reported_by__role="grid_worker").count() == channels[Channel.GRID]
    # and the street officer street1 sees new, in-progress, overdue and closed orders of their street
    officer = User.objects.get(username="street1")
    visible = WorkOrder.objects.visible_to(officer)
    assert visible.exists() and not visible.exclude(street=officer.street).exists()
    states = Counter(visible.values_list("state", flat=True))
    assert states[State.ASSIGNED] and states[State.IN_PROGRESS] and states[State.CLOSED]
    assert visible.filter(state__in=[State.ASSIGNED, State.ACCEPTED, State.IN_PROGRESS], resolve_by__lt=timezone.now())
    all_states = set(orders.values_list("state", flat=True))
    assert {State.RESOLVED, State.RATED, State.REJECTED} <= all_states
    # and every order went through the services: each has a timeline that starts with its filing
    assert TimelineEntry.objects.filter(order__district=district, kind="filed").count() == orders.count()
    assert orders.filter(returned_count__gt=0).exists() and orders.filter(escalated_count__gt=0).exists()
    # and the survey link shows: the current quarter's rating period is open
    today = timezone.now().astimezone(BEIJING).date()
    assert RatingPeriod.objects.filter(district=district, year=today.year, quarter=(today.month - 1) // 3 + 1).exists()


def test_last_months_kpis_and_street_ranking_have_figures():
    # given the demo
    load_demo()
    district = District.objects.get(code=DISTRICT_CODE)
    start, end = month_bounds(last_month())
    # then last month's district figures are all there
    totals = work_order_totals(district=district, start=start, end=end)
    assert totals["orders"] > 20
    for rate in ("response_rate", "resolution_rate", "on_time_rate", "satisfaction_rate"):
        assert totals[rate] is not None and 0 < totals[rate] <= 1, rate
    # and per street and per firm
    assert len(work_order_kpis(district=district, group_by="street", start=start, end=end)) >= 4
    assert work_order_kpis(district=district, group_by="property_firm", start=start, end=end)
    # and the monthly ranking ranks the streets with orders, street1's busy street among them
    ranking = street_ranking(district=district, month=last_month())
    ranked = [r for r in ranking if r.rank is not None]
    assert len(ranked) >= 4
    assert all(r.score is not None and r.score > 0 for r in ranked)
    assert User.objects.get(username="street1").street_id in {r.street.pk for r in ranked}


# Committed data (transaction=True): the reset deletes with triggers off, which only the owner may do, on the
# owner's own login (tests.dbroles.as_owner); the rest runs as the application role.
@pytest.mark.django_db(transaction=True)
def test_demo_orders_are_deterministic_idempotent_and_survive_a_reset():
    # given the demo
    load_demo()
    first = snapshot()
    district = District.objects.get(code=DISTRICT_CODE)
    # when the orders are built again for a district that has them, or the command runs again
    again = build_demo_work_orders(district=district)
    out = load_demo()
    # then nothing changes
    assert again.created is False
    assert "未改动" in out
    assert snapshot() == first
    # when the demo is reset (its orders point at the demo users)
    with as_owner():
        out = load_demo("--reset")
    # then the same orders are filed again
    assert "已生成演示工单" in out
    assert snapshot() == first
    assert WorkOrder.objects.count() == len(first)
