"""The demo district's work orders (workorders/demo.py): a street officer sees a queue with orders in several
states from several channels, the KPIs and the street ranking have figures, and most compounds have a stationed
cadre of their own community."""

from collections import Counter
from datetime import timedelta

import pytest

from accounts.models import User
from accounts.roles import Role
from compounds.models import Compound
from ratings.models import RatingPeriod
from workorders.models import Channel, State, TimelineEntry, WorkOrder
from workorders.selectors import month_bounds, street_ranking, work_order_kpis, work_order_totals

from .conftest import NOW, TODAY

pytestmark = pytest.mark.django_db

LAST_MONTH = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)


def test_street_officer_sees_a_queue_of_orders_in_several_states_and_channels(demo):
    # the demo's orders were filed over the two months before it was built, through every demo channel
    orders = WorkOrder.objects.filter(district=demo.district)
    assert "已生成演示工单" in demo.output
    assert 100 <= orders.count() <= 300
    assert orders.filter(created_at__lt=NOW - timedelta(days=40)).exists()
    assert not orders.filter(created_at__gt=NOW).exists()
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
    assert visible.filter(state__in=[State.ASSIGNED, State.ACCEPTED, State.IN_PROGRESS], resolve_by__lt=NOW)
    all_states = set(orders.values_list("state", flat=True))
    assert {State.RESOLVED, State.RATED, State.REJECTED} <= all_states
    # and every order went through the services: each has a timeline that starts with its filing
    assert TimelineEntry.objects.filter(order__district=demo.district, kind="filed").count() == orders.count()
    assert orders.filter(returned_count__gt=0).exists() and orders.filter(escalated_count__gt=0).exists()
    # and the survey link shows: the quarter's rating period is open
    quarter = (TODAY.month - 1) // 3 + 1
    assert RatingPeriod.objects.filter(district=demo.district, year=TODAY.year, quarter=quarter).exists()


def test_last_months_kpis_and_street_ranking_have_figures(demo):
    start, end = month_bounds(LAST_MONTH)
    # last month's district figures are all there
    totals = work_order_totals(district=demo.district, start=start, end=end)
    assert totals["orders"] > 20
    for rate in ("response_rate", "resolution_rate", "on_time_rate", "satisfaction_rate"):
        assert totals[rate] is not None and 0 < totals[rate] <= 1, rate
    # and per street and per firm
    assert len(work_order_kpis(district=demo.district, group_by="street", start=start, end=end)) >= 4
    assert work_order_kpis(district=demo.district, group_by="property_firm", start=start, end=end)
    # and the monthly ranking ranks the streets with orders, street1's busy street among them
    ranking = street_ranking(district=demo.district, month=LAST_MONTH)
    ranked = [r for r in ranking if r.rank is not None]
    assert len(ranked) >= 4
    assert all(r.score is not None and r.score > 0 for r in ranked)
    assert User.objects.get(username="street1").street_id in {r.street.pk for r in ranked}


def test_the_demo_gives_most_compounds_a_stationed_cadre_of_their_community(demo):
    compounds = Compound.objects.select_related("stationed_cadre")
    stationed = [c for c in compounds if c.stationed_cadre_id]
    assert len(stationed) >= 0.7 * compounds.count()
    for compound in stationed:
        assert compound.stationed_cadre.role == Role.COMMUNITY_CADRE
        assert compound.stationed_cadre.community_id == compound.community_id
