"""Door-knocking visits: the interval clock, overdue lists and reminders with controlled time, a visit that
raises a work order in one step, and visits outside one's grid."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.actors import SystemActor
from staffing.models import Household, Visit
from staffing.services import visits
from tests.factories import SYSTEM
from workorders import services as wo
from workorders.models import Notification, WorkOrder
from workorders.worktime import BEIJING

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 16, 10, tzinfo=BEIJING)


@pytest.fixture
def homes(tree):
    """Two households of grid 0 (compound 0), one of grid 1 (compound 2)."""
    lonely = visits.household_register(
        actor=tree.cadre, grid=tree.grids[0], compound=tree.compounds[0], building=tree.buildings[0],
        address="2单元501", head_name="宋奶奶", phone="13912345678", needs=["elderly_alone"],
        registered_on=date(2026, 3, 1),
    )  # fmt: skip
    family = visits.household_register(
        actor=tree.cadre, grid=tree.grids[0], compound=tree.compounds[0], address="3单元101", head_name="唐家",
        needs=["low_income"], registered_on=date(2026, 3, 1),
    )  # fmt: skip
    other_grid = visits.household_register(
        actor=tree.street_staff, grid=tree.grids[1], compound=tree.compounds[2], address="1单元201",
        head_name="许爷爷", needs=["elderly_alone", "disabled"], registered_on=date(2026, 3, 10),
    )  # fmt: skip
    return lonely, family, other_grid


def test_the_interval_follows_the_needs_and_the_database_computes_the_due_date(homes):
    lonely, family, other = homes
    for h in homes:
        h.refresh_from_db()
    assert (lonely.visit_interval_days, lonely.next_visit_on) == (7, date(2026, 3, 8))
    assert (family.visit_interval_days, family.next_visit_on) == (30, date(2026, 3, 31))
    assert (other.visit_interval_days, other.next_visit_on) == (7, date(2026, 3, 17))


def test_overdue_with_controlled_time(tree, homes):
    lonely, _, other = homes
    # on 16 March only the lonely elder (due 8 March) is overdue
    assert list(visits.overdue_households(actor=tree.official, today=date(2026, 3, 16))) == [lonely]
    # on 18 March the other grid's household (due 17 March) too
    assert list(visits.overdue_households(actor=tree.official, today=date(2026, 3, 18))) == [lonely, other]
    # a grid worker sees only their own grid's
    assert list(visits.overdue_households(actor=tree.grid_worker, today=date(2026, 3, 18))) == [lonely]


def test_a_visit_that_met_the_household_restarts_the_clock_and_a_closed_door_does_not(tree, homes):
    lonely = homes[0]
    visits.visit_log(actor=tree.grid_worker, household=lonely, outcome="not_home", now=NOW)
    lonely.refresh_from_db()
    assert lonely.next_visit_on == date(2026, 3, 8)
    visit = visits.visit_log(actor=tree.grid_worker, household=lonely, outcome="well", findings="身体健康", now=NOW)
    lonely.refresh_from_db()
    assert (lonely.last_visited_on, lonely.next_visit_on) == (date(2026, 3, 16), date(2026, 3, 23))
    assert visit.visitor == tree.grid_worker


def test_a_visit_raises_a_work_order_in_one_step(tree, homes):
    category = wo.categories_seed(actor=SYSTEM, district=tree.district)[0]
    visit = visits.visit_log(
        actor=tree.grid_worker,
        household=homes[0],
        outcome="needs_help",
        findings="厨房燃气灶漏气，老人独自在家",
        raise_order=True,
        category=category.pk,
        now=NOW,
    )
    order = WorkOrder.objects.get(pk=visit.work_order_id)
    assert (order.channel, order.reported_by, order.compound) == ("grid", tree.grid_worker, tree.compounds[0])
    assert order.title == "走访发现：厨房燃气灶漏气，老人独自在家"
    assert "宋奶奶" not in order.description and "2单元501" in order.description


def test_bad_visits_are_refused_and_nothing_is_saved(tree, other_tree, homes):
    lonely, _, other_grid = homes
    # a household of another grid: a clear refusal
    with pytest.raises(ValidationError, match="不在您负责的网格内"):
        visits.visit_log(actor=tree.grid_worker, household=other_grid, outcome="well", now=NOW)
    # another district's grid worker: 404
    with pytest.raises(Http404):
        visits.visit_log(actor=other_tree.grid_worker, household=lonely, outcome="well", now=NOW)
    with pytest.raises(ValidationError, match="不能晚于现在"):
        visits.visit_log(
            actor=tree.grid_worker, household=lonely, outcome="well", visited_at=NOW + timedelta(days=1), now=NOW
        )
    with pytest.raises(ValidationError, match="请选择问题类别"):
        visits.visit_log(
            actor=tree.grid_worker, household=lonely, outcome="needs_help", findings="漏水", raise_order=True, now=NOW
        )
    assert not Visit.objects.exists() and not WorkOrder.objects.exists()


def test_overdue_reminders_reach_the_grid_worker_and_the_cadre_once_a_day(tree, homes):
    system = SystemActor(name="task:staffing.notify_overdue_visits_task", district_id=tree.district.pk)
    written = visits.visits_notify_overdue(actor=system, today=date(2026, 3, 18))
    # grid 0 (the lonely elder): the grid worker and the community-0 cadre; grid 1 (compound 2, community 1):
    # nobody's account (no grid worker on grid 1, no cadre of community 1)
    assert written == 2
    messages = {n.recipient: n.message for n in Notification.objects.all()}
    assert set(messages) == {tree.grid_worker, tree.cadre}
    assert "2单元501" in messages[tree.grid_worker] and "走访逾期" in messages[tree.grid_worker]
    assert visits.visits_notify_overdue(actor=system, today=date(2026, 3, 18)) == 0


def test_households_are_registered_in_a_grid_that_covers_them(tree):
    with pytest.raises(ValidationError, match="不在同一社区"):
        visits.household_register(
            actor=tree.official, grid=tree.grids[1], compound=tree.compounds[0], address="1单元1", head_name="某",
            needs=["new_resident"], registered_on=date(2026, 3, 1),
        )  # fmt: skip
    assert not Household.objects.exists()
