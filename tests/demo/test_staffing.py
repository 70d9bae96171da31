"""The demo district's staffing (staffing/demo.py) tells the issue's story, and loading it twice changes nothing."""

import pytest

from accounts.actors import SystemActor
from staffing import selectors
from staffing.demo import QINDU_RATIO, load_staffing_demo
from staffing.models import DutyShift, Household, Leave, Person, ServiceTeam, StarAssessment

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_every_compound_has_a_team_with_a_realistic_share_of_vacancies(demo):
    district = demo.district
    actor = SystemActor(name="test", district_id=district.pk)
    coverage = selectors.team_coverage(actor=actor, on=TODAY)
    assert coverage.district.teams == coverage.district.compounds == 400
    share = coverage.district.vacant_seats / (6 * 400)
    assert 0.05 < share < 0.25, share
    assert 0.2 < float(coverage.district.rate) < 0.8
    assert coverage.district.longest_days > 90  # some seats empty for months
    reasons = {v.reason for v in coverage.vacancies}
    assert "组建以来从未配备" in reasons and "小区无物业企业" in reasons
    assert any("离任" in r for r in reasons)


def test_grids_are_paired_at_qindus_ratio(demo):
    district = demo.district
    figures = selectors.pairing_figures(actor=SystemActor(name="test", district_id=district.pk), today=TODAY)
    assert figures.unstaffed == 0
    assert abs(figures.workers_per_grid - QINDU_RATIO) < 0.05


def test_households_some_overdue_and_the_weekends_ahead_are_staffed_with_compensatory_leave(demo):
    district = demo.district
    needing = Household.objects.filter(district=district).exclude(needs=[])
    overdue = needing.filter(next_visit_on__lt=TODAY).count()
    assert 0.15 < overdue / needing.count() < 0.6
    # the coming weekends: rest-day shifts with a compensatory weekday leave each
    ahead = DutyShift.objects.filter(district=district, kind="rest_day", starts_at__date__gt=TODAY)
    assert ahead.count() >= 8 * 2 * 6
    assert Leave.objects.filter(shift__in=ahead, kind="compensatory").count() == ahead.count()


def test_a_past_quarter_of_staff_stars_is_approved(demo):
    district = demo.district
    grades = selectors.star_assessments(
        actor=SystemActor(name="test", district_id=district.pk), district_id=district.pk, year=2026, quarter=3
    )
    assert len(grades) > 100 and all(g.approved for g in grades)
    assert {g.stars for g in grades} >= {2, 3, 4}


def test_loading_twice_changes_nothing(demo):
    district = demo.district
    tables = (ServiceTeam, Person, StarAssessment, DutyShift, Household, Leave)
    before = {model: model.objects.filter(district=district).count() for model in tables}
    # the demo printed what it built
    assert f"  人员：{before[Person]}" in demo.output
    assert f"  星级评定（已审定）：{before[StarAssessment]}" in demo.output
    assert before[ServiceTeam] == 400
    # and a second run leaves the district as it is
    again = load_staffing_demo(district, today=TODAY)
    assert not again.created and again.lines() == [f"{district.name}已有人员配备数据，未改动。"]
    assert {model: model.objects.filter(district=district).count() for model in tables} == before
