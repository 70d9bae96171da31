"""The KPI rollup (workorders.models.rollup): after any sequence of filings, transitions, ratings, re-opens,
merges, departments joining and bulk edits, every figure read from the rollup equals the figure counted from the
orders; the rebuild command recounts it from scratch; readers who see part of a unit still get their own count."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.errors import Conflict
from workorders import rollup, selectors, services
from workorders.models import KpiCommunityMonth, KpiCounter, KpiMonth, State, StateCounter, WorkOrder

from .conftest import MONDAY_9AM, SYSTEM

H = timedelta(hours=1)
MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)
EDGE_FROM, EDGE_TO = date(2026, 2, 20), date(2026, 4, 12)  # 9 days of February, March, 11 days of April
# 26 days of February, March, 24 days of April: each cut month read as its row less the days outside the range
LONG_FROM, LONG_TO = date(2026, 2, 3), date(2026, 4, 25)
LEVELS = ["very_satisfied", "satisfied", "neutral", "too_slow", "bad_attitude", "poor_service"]
CATEGORIES = ["corridor-clutter", "parking", "greenery", "leak"]
REFUSED = (ValidationError, PermissionDenied, Conflict)

# One step: what to do, to which order (an index into those filed so far), and a number for the rest.
step = st.one_of(
    st.tuples(st.just("file"), st.integers(0, 7), st.integers(0, 3), st.integers(-30, 40 * 24)),
    st.tuples(
        st.sampled_from(["accept", "return", "department", "resolve", "close", "reject", "move", "deadline"]),
        st.integers(0, 9),
        st.integers(0, 60),
    ),
    st.tuples(st.just("rate"), st.integers(0, 9), st.integers(0, 5)),
    st.tuples(st.just("merge"), st.integers(0, 9), st.integers(0, 9)),
)


def apply(tree, categories, filed, action, which, n, extra=0):
    """Do one step as the system, as the services (or a bulk update) would; a refused step changes nothing."""
    if action == "file":
        order = services.work_order_file(
            actor=SYSTEM,
            compound=tree.compounds[which],
            category=categories[CATEGORIES[n]],
            channel="resident_qr",
            title="楼道堆物",
            description="3号楼2单元楼道堆满纸箱",
            now=MONDAY_9AM + extra * H,
        )
        filed.append(services.work_order_route(actor=SYSTEM, order_id=order.pk, now=MONDAY_9AM + extra * H))
        return
    if not filed:
        return
    order = WorkOrder.objects.get(pk=filed[which % len(filed)].pk)
    at = max(order.created_at, MONDAY_9AM) + n * H
    if action == "accept":
        services.work_order_accept(actor=SYSTEM, order=order, now=at)
    elif action == "return":
        services.work_order_return(actor=SYSTEM, order=order, reason="不属本单位", now=at)
    elif action == "department":
        services.work_order_transfer(
            actor=SYSTEM, order=order, level="department", unit=tree.department, reason="需执法部门", now=at
        )
    elif action == "resolve":
        services.work_order_resolve(actor=SYSTEM, order=order, resolution="已处理", now=at)
    elif action == "rate":
        services.work_order_rate(
            actor=SYSTEM, order=order, satisfaction=LEVELS[n], tracking_code=order.tracking_code, now=at
        )
    elif action == "close":
        services.work_order_close(actor=SYSTEM, order=order, now=at)
    elif action == "reject":
        services.work_order_reject(actor=SYSTEM, order=order, reason="非本平台事项", now=at)
    elif action == "merge":
        into = WorkOrder.objects.get(pk=filed[n % len(filed)].pk)
        services.work_order_merge(actor=SYSTEM, order=order, into=into, now=at)
    elif action == "move":  # a bulk edit past the services (an import correcting the filing time)
        WorkOrder.objects.filter(pk=order.pk).update(created_at=F("created_at") + n * H)
    elif action == "deadline":  # and one moving the committed deadline under a response
        WorkOrder.objects.filter(pk=order.pk).update(committed_respond_by=F("created_at") + n * H)


def figures(tree, **kwargs):
    """Every figure the pages read, for March and for March–April by month; and over days that cut months (the
    API's ranges: whole months from the month rollup, the edges from the day rollup)."""
    out = {"totals": selectors.work_order_totals(district=tree.district, start=MARCH, end=APRIL, **kwargs)}
    out["edges-totals"] = selectors.work_order_totals(district=tree.district, start=EDGE_FROM, end=EDGE_TO, **kwargs)
    out["long-totals"] = selectors.work_order_totals(district=tree.district, start=LONG_FROM, end=LONG_TO, **kwargs)
    for by_month in (False, True):
        out[f"edges-{by_month}"] = selectors.work_order_kpis(
            district=tree.district, group_by="street", start=EDGE_FROM, end=EDGE_TO, by_month=by_month, **kwargs
        )
        for group in ("street", "compound", "department"):
            out[f"long-{group}-{by_month}"] = selectors.work_order_kpis(
                district=tree.district, group_by=group, start=LONG_FROM, end=LONG_TO, by_month=by_month, **kwargs
            )
    for group in selectors.GROUPS:
        out[group] = selectors.work_order_kpis(district=tree.district, group_by=group, start=MARCH, end=APRIL, **kwargs)
        out[f"{group}-by-month"] = selectors.work_order_kpis(
            district=tree.district, group_by=group, start=MARCH, end=date(2026, 5, 1), by_month=True, **kwargs
        )
    return out


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_the_rollup_equals_a_recount_after_any_sequence_of_changes(tree, categories, steps):
    with transaction.atomic():
        filed: list[WorkOrder] = []
        for action, which, n, *extra in steps:
            try:
                with transaction.atomic():
                    apply(tree, categories, filed, action, which, n, *extra)
            except REFUSED:
                pass
        # then: the counter rows are those a recount writes, and every figure equals the orders' own count
        assert rollup.stored(district_id=tree.district.pk) == rollup.recount(district_id=tree.district.pk)
        district = tree.district.pk
        assert rollup.months_stored(district_id=district) == rollup.months_recount(district_id=district)
        assert rollup.community_months_stored(district_id=district) == rollup.community_months_recount(
            district_id=district
        )
        everything = WorkOrder.objects.all()
        assert figures(tree) == figures(tree, queryset=everything)
        for actor in (tree.street_staff, tree.cadre, tree.department_staff):
            assert figures(tree, actor=actor) == figures(tree, queryset=WorkOrder.objects.visible_to(actor))
        # and the state counters are those a recount writes; every reader's counts by state are the orders' own
        assert rollup.states_stored(district_id=tree.district.pk) == rollup.states_recount(district_id=tree.district.pk)
        for actor in (tree.official, tree.street_staff, tree.cadre, tree.firm_staff, tree.grid_worker):
            assert selectors.state_counts(actor=actor) == states_counted(actor)
        transaction.set_rollback(True)


def states_counted(actor) -> dict[str, int]:
    """{state: orders} counted from the orders the actor sees, in the state machine's order."""
    counts = {}
    for state in WorkOrder.objects.visible_to(actor).values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return {state.value: counts[state.value] for state in State if state.value in counts}


@pytest.fixture
def some_orders(tree, categories):
    filed = []
    for action, which, n, extra in [
        ("file", 0, 0, 0),
        ("file", 4, 1, 2),
        ("file", 1, 2, 30),
        ("accept", 0, 1, 0),
        ("resolve", 0, 2, 0),
        ("rate", 0, 0, 0),
        ("department", 1, 1, 0),
        ("accept", 1, 2, 0),
        ("return", 2, 1, 0),
        ("reject", 2, 1, 0),
    ]:
        apply(tree, categories, filed, action, which, n, extra)
    return filed


def test_the_rebuild_command_recounts_from_scratch(tree, other_tree, some_orders):
    # given: a rollup that lost its rows (orders loaded with the triggers off, say)
    expected = figures(tree, queryset=WorkOrder.objects.all())
    KpiCounter.objects.filter(district=tree.district).delete()
    KpiMonth.objects.filter(district=tree.district).delete()
    KpiCommunityMonth.objects.filter(district=tree.district).delete()
    assert figures(tree)["totals"]["orders"] == 0
    # when
    call_command("rebuild_kpi_rollup")
    # then
    assert figures(tree) == expected
    assert expected["totals"]["orders"] == 2  # the third was rejected
    assert rollup.stored(district_id=tree.district.pk) == rollup.recount(district_id=tree.district.pk)
    call_command("rebuild_kpi_rollup", "--check")


def test_the_rebuild_command_recounts_the_state_counters(tree, other_tree, some_orders):
    expected = states_counted(tree.official)
    assert expected == {"accepted": 1, "rated": 1, "rejected": 1}
    StateCounter.objects.filter(district=tree.district).delete()
    assert selectors.state_counts(actor=tree.official) == {}
    call_command("rebuild_kpi_rollup")
    assert selectors.state_counts(actor=tree.official) == expected
    StateCounter.objects.filter(district=tree.district, state="rated").update(orders=F("orders") + 1)
    with pytest.raises(CommandError, match="不一致"):
        call_command("rebuild_kpi_rollup", "--check", "--district", tree.district.code)


def test_the_state_counts_of_whole_units_read_the_counters_not_the_orders(
    tree, categories, some_orders, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for actor in (tree.official, tree.street_staff, tree.cadre, tree.firm_staff):
        with CaptureQueriesContext(connection) as queries:
            selectors.state_counts(actor=actor)
        assert len(queries) == 1
        assert '"workorders_workorder"' not in queries[0]["sql"], queries[0]["sql"]
        assert '"workorders_statecounter"' in queries[0]["sql"]
    # more orders: still one query, and the counts follow
    many = []
    for i in range(12):
        apply(tree, categories, many, "file", i % 8, i % 4, i)
    with django_assert_num_queries(1):
        counts = selectors.state_counts(actor=tree.official)
    assert counts == states_counted(tree.official)
    assert sum(counts.values()) == 3 + 12
    # a grid worker sees part of a compound's orders (their grids' buildings): counted from the orders
    with CaptureQueriesContext(connection) as queries:
        assert selectors.state_counts(actor=tree.grid_worker) == states_counted(tree.grid_worker)
    assert '"workorders_workorder"' in queries[-1]["sql"]


def test_the_check_names_a_rollup_that_drifted_and_a_district_rebuild_mends_it(tree, other_tree, some_orders):
    KpiCounter.objects.filter(district=tree.district, department__isnull=True).update(orders=F("orders") + 5)
    with pytest.raises(CommandError, match="不一致"):
        call_command("rebuild_kpi_rollup", "--check", "--district", tree.district.code)
    call_command("rebuild_kpi_rollup", "--district", tree.district.code)
    call_command("rebuild_kpi_rollup", "--check", "--district", tree.district.code)
    assert selectors.work_order_totals(district=tree.district, start=MARCH, end=APRIL)["orders"] == 2


def test_readers_of_part_of_a_unit_still_count_their_own_orders(tree, some_orders):
    # a property firm's staff see the orders the firm handles; a grid worker the orders of their grids
    for actor in (tree.firm_staff, tree.grid_worker):
        visible = WorkOrder.objects.visible_to(actor)
        assert figures(tree, actor=actor) == figures(tree, queryset=visible)
    assert (
        selectors.work_order_totals(district=tree.district, start=MARCH, end=APRIL, actor=tree.official)["orders"] == 2
    )


def test_a_rollup_figure_set_is_one_query_whatever_the_number_of_orders(
    tree, categories, some_orders, django_assert_num_queries
):
    with django_assert_num_queries(1):
        selectors.work_order_kpis(
            district=tree.district, group_by="street", start=MARCH, end=APRIL, actor=tree.official
        )
    with django_assert_num_queries(1):
        selectors.work_order_totals(district=tree.district, start=MARCH, end=APRIL, actor=tree.street_staff)
    many = []
    for i in range(20):
        apply(tree, categories, many, "file", i % 8, i % 4, i)
    with django_assert_num_queries(1):
        selectors.work_order_kpis(
            district=tree.district, group_by="department", start=MARCH, end=APRIL, actor=tree.department_staff
        )


def test_whole_months_are_read_from_the_month_rollups_and_only_the_edges_by_day(tree, some_orders):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # by street (and community, department, the totals): the community month rollup; by compound: the month rollup
    for group_by, table in (("street", "kpicommunitymonth"), ("compound", "kpimonth")):
        with CaptureQueriesContext(connection) as whole:
            selectors.work_order_kpis(
                district=tree.district, group_by=group_by, start=MARCH, end=APRIL, actor=tree.official
            )
        assert len(whole) == 1 and f'"workorders_{table}"' in whole[0]["sql"], whole[0]["sql"]
    with CaptureQueriesContext(connection) as whole:
        selectors.work_order_totals(district=tree.district, start=MARCH, end=APRIL, actor=tree.street_staff)
    assert len(whole) == 1 and '"workorders_kpicommunitymonth"' in whole[0]["sql"]
    with CaptureQueriesContext(connection) as edges:
        selectors.work_order_kpis(
            district=tree.district, group_by="street", start=EDGE_FROM, end=EDGE_TO, actor=tree.official
        )
    tables = (
        ['"workorders_kpicommunitymonth"' in q["sql"] for q in edges],
        ['"workorders_kpicounter"' in q["sql"] for q in edges],
    )
    assert tables == ([False, True, False], [True, False, True])
    # the days of February and of April by day, March whole: no day row of March is read
    assert "2026-03-01" in edges[1]["sql"] and "2026-04-01" in edges[1]["sql"]


def test_the_check_names_a_community_month_that_drifted(tree, other_tree, some_orders):
    KpiCommunityMonth.objects.filter(district=tree.district, department__isnull=True).update(orders=F("orders") + 1)
    with pytest.raises(CommandError, match="不一致"):
        call_command("rebuild_kpi_rollup", "--check", "--district", tree.district.code)
    call_command("rebuild_kpi_rollup", "--district", tree.district.code)
    call_command("rebuild_kpi_rollup", "--check", "--district", tree.district.code)
    assert rollup.community_months_stored(district_id=tree.district.pk) == rollup.community_months_recount(
        district_id=tree.district.pk
    )
