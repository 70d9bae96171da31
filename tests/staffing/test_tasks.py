"""The beat tasks run as a named system actor per district, and are safe to run twice."""

from datetime import date

import pytest

from compounds.models import Compound
from reports.models import Report
from staffing import tasks
from staffing.models import SeatTerm
from tests.factories import PropertyFirmFactory
from tests.staffing import walk
from tests.staffing.conftest import fill_all
from workorders.models import Notification

pytestmark = pytest.mark.django_db


def test_daily_upkeep_ends_stale_managers_and_applies_stationings(tree, other_tree, crew):
    terms = fill_all(tree, crew)
    Compound.objects.filter(pk=tree.compounds[0].pk).update(property_firm=PropertyFirmFactory(district=tree.district))
    result = tasks.daily_upkeep_task.delay(today="2026-05-01").get()
    assert tuple(result[tree.district.pk]) == (1, 0)  # one manager ended, no stationing due
    assert SeatTerm.objects.get(pk=terms["property_manager"].pk).end == date(2026, 5, 1)
    again = tasks.daily_upkeep_task.delay(today="2026-05-01").get()
    assert tuple(again[tree.district.pk]) == (0, 0)


def test_overdue_reminders_task(tree, other_tree):
    walk.household(tree, address="1单元1")  # registered 2026-01-05, a 7-day interval
    walk.household(other_tree, address="1单元1")
    result = tasks.notify_overdue_visits_task.delay(today="2026-03-01").get()
    assert result[tree.district.pk] == 2 and result[other_tree.district.pk] == 2
    assert tasks.notify_overdue_visits_task.delay(today="2026-03-01").get()[tree.district.pk] == 0
    assert Notification.objects.filter(district=tree.district, kind="visit_overdue").count() == 2


def test_the_weekly_coverage_report_is_asked_for_in_every_district(
    tree, other_tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.rebuild_coverage_reports_task.delay(today="2026-05-04").get()
    assert set(Report.objects.filter(kind="staffing.coverage", key="2026-Q2").values_list("district", flat=True)) == {
        tree.district.pk,
        other_tree.district.pk,
    }
