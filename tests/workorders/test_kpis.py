"""KPIs on a small worked example, computed by hand in the comments."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.actors import SystemActor
from workorders import selectors, services
from workorders.models import WorkOrder
from workorders.worktime import BEIJING

from .conftest import MONDAY_9AM

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

H = timedelta(hours=1)
T0 = MONDAY_9AM  # Mon 2 Mar 2026 09:00; general SLA: respond by Tue 09:00, resolve by Wed 11 Mar 09:00


@pytest.fixture
def march(tree, file_order):
    firm, official = tree.firm_staff, tree.official

    def rate(order, level, at):
        services.work_order_rate(
            actor=SYSTEM, order=order, satisfaction=level, tracking_code=order.tracking_code, now=at
        )

    # A (street 1): accepted in 1 h, resolved in 2 h, very satisfied
    a = file_order(now=T0, title="A 楼道堆物", description="一号")
    services.work_order_accept(actor=firm, order=a, now=T0 + H)
    services.work_order_resolve(actor=firm, order=a, resolution="清理", now=T0 + 2 * H)
    rate(a, "very_satisfied", T0 + 3 * H)
    # B (street 1): accepted late (30 h > 24 h), resolved on time, rated 一般 8 days later (no re-open)
    b = file_order(now=T0, category="parking", title="B 乱停车", description="二号")
    services.work_order_accept(actor=firm, order=b, now=T0 + 30 * H)
    services.work_order_resolve(actor=firm, order=b, resolution="挪车", now=T0 + 31 * H)
    rate(b, "neutral", T0 + 31 * H + 8 * 24 * H)
    # C (street 1): returned once by the firm, given to the community, accepted on time, not resolved
    c = file_order(compound=tree.compounds[1], now=T0, category="greenery", title="C 树枝", description="三号")
    services.work_order_return(actor=firm, order=c, reason="不属物业", now=T0 + H)
    services.work_order_assign(
        actor=official, order=c, level="community", unit=tree.communities[0], now=T0 + 90 * timedelta(minutes=1)
    )
    services.work_order_accept(actor=tree.cadre, order=c, now=T0 + 2 * H)
    # G (street 1): resolved fast, rated 态度差 within 7 days → re-opened, not yet resolved again
    g = file_order(now=T0, category="leak", title="G 漏水", description="七号")
    services.work_order_accept(actor=firm, order=g, now=T0 + H)
    services.work_order_resolve(actor=firm, order=g, resolution="补漏", now=T0 + 2 * H)
    rate(g, "bad_attitude", T0 + 3 * H)
    # D (street 2): with the community; accepted late, resolved late (12 Mar 15:00 > 11 Mar 09:00), satisfied
    d = file_order(compound=tree.compounds[4], now=T0, category="neighbour-dispute", title="D 纠纷", description="四号")
    services.work_order_accept(actor=official, order=d, now=T0 + 30 * H)
    services.work_order_resolve(actor=official, order=d, resolution="调解", now=T0 + 10 * 24 * H + 6 * H)
    rate(d, "satisfied", T0 + 11 * 24 * H)
    # E merged into D, F rejected: not counted
    e = file_order(compound=tree.compounds[4], now=T0 + H, category="neighbour-dispute", title="E", description="五")
    services.work_order_merge(actor=official, order=e, into=d, now=T0 + 2 * H)
    f = file_order(now=T0, category="noise", title="F", description="六号")
    services.work_order_reject(actor=official, order=f, reason="非本平台事项", now=T0 + H)
    # H: filed in April, not counted in March
    file_order(now=datetime(2026, 4, 7, 9, tzinfo=BEIJING), title="H", description="八号")
    return {"a": a, "b": b, "c": c, "d": d, "g": g}


def test_street_figures_for_march(tree, march):
    rows = {
        row["id"]: row
        for row in selectors.work_order_kpis(
            district=tree.district, group_by="street", start=date(2026, 3, 1), end=date(2026, 4, 1)
        )
    }
    first, second = rows[tree.streets[0].pk], rows[tree.streets[1].pk]
    # street 1: A, B, C, G. Responded on time A, C, G (3/4); resolved A, B (2/4); on time 2/2;
    # rated A, B, G → satisfied A (1/3); returned C (1/4); re-opened G of ever-resolved A, B, G (1/3).
    assert first["orders"] == 4
    assert first["response_rate"] == Decimal("0.7500")
    assert first["resolution_rate"] == Decimal("0.5000")
    assert first["on_time_rate"] == Decimal("1.0000")
    assert first["satisfaction_rate"] == Decimal("0.3333")
    assert first["send_back_rate"] == Decimal("0.2500")
    assert first["rehandling_rate"] == Decimal("0.3333")
    # street 2: D only (E merged). Late response 0/1; resolved 1/1 but late 0/1; satisfied 1/1.
    assert (second["orders"], second["response_rate"], second["resolution_rate"]) == (1, 0, 1)
    assert (second["on_time_rate"], second["satisfaction_rate"], second["rehandling_rate"]) == (0, 1, 0)


def test_by_month_and_by_compound(tree, march):
    rows = selectors.work_order_kpis(
        district=tree.district, group_by="compound", start=date(2026, 3, 1), end=date(2026, 5, 1), by_month=True
    )
    counts = {(row["name"], row["month"]): row["orders"] for row in rows}
    assert counts[(tree.compounds[0].name, date(2026, 3, 1))] == 3  # A, B, G
    assert counts[(tree.compounds[0].name, date(2026, 4, 1))] == 1  # H
    assert counts[(tree.compounds[1].name, date(2026, 3, 1))] == 1  # C


def test_monthly_street_ranking(tree, march):
    ranking = selectors.street_ranking(district=tree.district, month=date(2026, 3, 1))
    # street 2: (0 + 1 + 1) / 3 = 66.67; street 1: (0.75 + 0.5 + 0.3333) / 3 = 52.78
    assert [(r.rank, r.street, r.score) for r in ranking] == [
        (1, tree.streets[1], Decimal("66.67")),
        (2, tree.streets[0], Decimal("52.78")),
    ]


def test_firm_kpis_for_the_ratings(tree, other_tree, march):
    [row] = selectors.firm_kpis(district=tree.district, start=date(2026, 3, 1), end=date(2026, 4, 1))
    # 5 orders (A, B, C, G, D) over 8 compounds × 480 households = 3,840 → 0.13 per 100 households;
    # resolved A, B, D of which on time A, B → 2/3; rated A, B, G, D, satisfied A, D → 2/4.
    assert row["firm"] == tree.firm
    assert (row["orders"], row["households"]) == (5, 3840)
    assert row["complaints_per_100_households"] == Decimal("0.13")
    assert row["on_time_rate"] == Decimal("0.6667")
    assert row["satisfaction_rate"] == Decimal("0.5000")


def test_a_figure_set_is_one_query(tree, march, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.work_order_kpis(district=tree.district, group_by="department", start=T0, end=T0 + 60 * 24 * H)
    with django_assert_num_queries(3):
        selectors.firm_kpis(district=tree.district, start=date(2026, 3, 1), end=date(2026, 4, 1))


def test_kpis_of_a_restricted_queryset_count_only_what_the_actor_sees(tree, other_tree, march):
    from workorders.models import WorkOrder

    totals = selectors.work_order_totals(
        district=tree.district,
        start=date(2026, 3, 1),
        end=date(2026, 4, 1),
        queryset=WorkOrder.objects.visible_to(tree.street_staff),
    )
    assert totals["orders"] == 4
    nothing = selectors.work_order_totals(
        district=tree.district,
        start=date(2026, 3, 1),
        end=date(2026, 4, 1),
        queryset=WorkOrder.objects.visible_to(other_tree.official),
    )
    assert nothing["orders"] == 0 and nothing["response_rate"] is None


# ---------------------------------------------------------------------------------------------------- month so far


def _totals_and_statements(tree, start, end):
    with CaptureQueriesContext(connection) as queries:
        from_rollup = selectors.work_order_totals(district=tree.district, start=start, end=end)
    counted = selectors.work_order_totals(
        district=tree.district, start=start, end=end, queryset=WorkOrder.objects.all()
    )
    return from_rollup, counted, [q["sql"] for q in queries.captured_queries]


def test_a_range_that_runs_past_today_reads_this_month_as_its_month_row(tree, file_order):
    # given two orders filed now
    now = timezone.now()
    file_order(now=now)
    file_order(now=now, title="2号楼漏水", description="2号楼顶层漏水")
    today = now.astimezone(BEIJING).date()
    # when the figures are asked for the last 365 days, up to tomorrow (the KPI API's "a year")
    start, end = today - timedelta(days=365), today + timedelta(days=1)
    from_rollup, counted, statements = _totals_and_statements(tree, start, end)
    # then they are the orders' own figures, and this month came from its month row (less the days after the
    # range), not summed from its days
    assert from_rollup == counted and from_rollup["orders"] == 2
    month_first = today.replace(day=1).isoformat()
    assert not any("workorders_kpicounter" in sql and "SUM(" in sql and month_first in sql for sql in statements)


def test_an_order_dated_after_the_range_keeps_the_range_to_its_days(tree, file_order):
    # given, next month, an order on the 3rd and one dated the 20th (an import, a skewed clock)
    today = timezone.now().astimezone(BEIJING).date()
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    file_order(now=datetime(first.year, first.month, 3, 10, tzinfo=BEIJING))
    file_order(now=datetime(first.year, first.month, 20, 10, tzinfo=BEIJING), title="后来的", description="二十号")
    # when the figures are asked for the 1st to the 15th of that month
    from_rollup, counted, _ = _totals_and_statements(tree, first, first + timedelta(days=14))
    # then the order of the 20th is not counted
    assert from_rollup == counted and from_rollup["orders"] == 1


def test_a_month_mostly_inside_the_range_is_its_row_less_the_days_outside(tree, file_order):
    # given, last month, orders on the 3rd and the 27th
    month = (timezone.now().astimezone(BEIJING).date().replace(day=1) - timedelta(days=1)).replace(day=1)
    file_order(now=datetime(month.year, month.month, 3, 10, tzinfo=BEIJING))
    file_order(now=datetime(month.year, month.month, 27, 10, tzinfo=BEIJING), title="后来的", description="二十七号")
    # when the figures are asked for the 1st to the 25th: 24 days inside, at most 7 outside
    from_rollup, counted, statements = _totals_and_statements(tree, month, month.replace(day=25))
    # then the order of the 27th is not counted: the month's row less its days from the 25th on
    assert from_rollup == counted and from_rollup["orders"] == 1
    assert len(statements) == 2
    assert "workorders_kpicommunitymonth" in statements[0] and "workorders_kpicounter" in statements[1]
    # and by street, its row less those days too, the street with no order left out when all fell outside
    by_street = selectors.work_order_kpis(
        district=tree.district, group_by="street", start=month, end=month.replace(day=25), by_month=True
    )
    assert [(row["month"], row["orders"]) for row in by_street] == [(month, 1)]
    assert selectors.work_order_kpis(
        district=tree.district, group_by="street", start=month.replace(day=26), end=month.replace(day=28)
    ) == selectors.work_order_kpis(
        district=tree.district,
        group_by="street",
        start=month.replace(day=26),
        end=month.replace(day=28),
        queryset=WorkOrder.objects.all(),
    )
    assert not selectors.work_order_kpis(
        district=tree.district, group_by="street", start=month.replace(day=4), end=month.replace(day=26)
    )
