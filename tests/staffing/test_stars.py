"""Staff stars: the rule on a worked example counted by hand, case figures from real work orders, approval
freezing the grade, and the selector funding reads."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.actors import MissingActor, SystemActor
from accounts.permissions import Forbidden
from staffing import grading, selectors
from staffing.models import StarAssessment
from staffing.services import stars
from tests.factories import SYSTEM
from tests.staffing import factories as f
from workorders import services as wo
from workorders.worktime import BEIJING

D = Decimal
H = timedelta(hours=1)
T0 = datetime(2026, 3, 2, 9, tzinfo=BEIJING)  # Monday 2 March 2026, Q1
APRIL = datetime(2026, 4, 2, 10, tzinfo=BEIJING)


def test_the_worked_example_of_the_rule():
    # given: proficiency 92, attitude 88, 24 cases accepted, 21 completed, 20 rated of which 18 satisfied
    result = grading.grade(proficiency=D(92), attitude=D(88), accepted=24, completed=21, rated=20, satisfied=18)
    # then: accepted 24/30 = 80; completed 21/24 = 87.5; satisfaction 18/20 = 90
    assert [d.score for d in result.dimensions] == [D(92), D(88), D(80), D("87.5"), D(90)]
    # (92 + 88 + 80 + 87.5 + 90) / 5 = 437.5 / 5 = 87.50 → four stars
    assert result.score == D("87.50") and result.stars == 4


def test_a_dimension_without_data_shares_its_weight():
    # given: no login account, so no work-order figures at all
    result = grading.grade(proficiency=D(95), attitude=D(90), accepted=None, completed=None, rated=None, satisfied=None)
    # then: (95 × 20 + 90 × 20) / 40 = 92.50 → five stars
    assert result.score == D("92.50") and result.stars == 5
    assert [d.counted for d in result.dimensions] == [True, True, False, False, False]


def test_no_case_accepted_is_a_zero_not_a_gap():
    result = grading.grade(proficiency=D(80), attitude=D(70), accepted=0, completed=0, rated=0, satisfied=0)
    # (80 + 70 + 0) / 3 = 50.00 → one star; completion and satisfaction have no data
    assert result.score == D("50.00") and result.stars == 1


def test_more_than_thirty_cases_and_more_completions_cap_at_100():
    result = grading.grade(proficiency=D(60), attitude=D(60), accepted=45, completed=50, rated=1, satisfied=1)
    assert [d.score for d in result.dimensions][2:] == [D(100), D(100), D(100)]
    assert result.score == D("84.00") and result.stars == 4


def test_no_grade_until_the_assessor_scores():
    result = grading.grade(proficiency=None, attitude=D(90), accepted=3, completed=3, rated=0, satisfied=0)
    assert result.score is None and result.stars is None


@pytest.fixture
def cadre_with_cases(tree):
    """The tree's cadre (a login account) as a person; three community orders accepted, two resolved and rated
    (one 满意, one 一般); the grid worker files two 格格发现 orders; a resident's order in April is not counted."""
    categories = {c.code: c for c in wo.categories_seed(actor=SYSTEM, district=tree.district)}
    person = f.cadre(tree.communities[0], account=tree.cadre, name="王社区")
    grid_person = f.grid_worker(tree.communities[0], account=tree.grid_worker, name="李网格")
    no_account = f.worker(tree.communities[0], name="赵无号")
    orders = []
    for i in range(3):
        order = wo.work_order_file(
            actor=tree.official,
            compound=tree.compounds[0],
            category=categories["corridor-clutter"],
            channel="phone",
            title=f"楼道堆物{i}",
            description="楼道堆物",
            now=T0,
        )
        wo.work_order_assign(actor=tree.official, order=order, level="community", unit=tree.communities[0], now=T0)
        wo.work_order_accept(actor=tree.cadre, order=order, now=T0 + H)
        orders.append(order)
    for order, level in zip(orders[:2], ["satisfied", "neutral"], strict=True):
        wo.work_order_resolve(actor=tree.cadre, order=order, resolution="已清理", now=T0 + 2 * H)
        order.refresh_from_db()
        wo.work_order_rate(
            actor=SystemActor(name="tests"),
            order=order,
            satisfaction=level,
            tracking_code=order.tracking_code,
            now=T0 + 3 * H,
        )
    found = []
    for i in range(2):
        order = wo.work_order_file(
            actor=tree.grid_worker,
            compound=tree.compounds[0],
            category=categories["corridor-clutter"],
            channel="grid",
            title=f"网格发现{i}",
            description="巡查发现",
            now=T0 + i * H,
        )
        found.append(order)
    # the firm resolves the first thing the grid worker found; the resident is very satisfied
    wo.work_order_assign(actor=tree.official, order=found[0], level="property_firm", unit=tree.firm, now=T0 + H)
    wo.work_order_accept(actor=tree.firm_staff, order=found[0], now=T0 + 2 * H)
    wo.work_order_resolve(actor=tree.firm_staff, order=found[0], resolution="已清理", now=T0 + 3 * H)
    found[0].refresh_from_db()
    wo.work_order_rate(
        actor=SystemActor(name="tests"),
        order=found[0],
        satisfaction="very_satisfied",
        tracking_code=found[0].tracking_code,
        now=T0 + 4 * H,
    )
    wo.work_order_file(
        actor=tree.grid_worker,
        compound=tree.compounds[0],
        category=categories["corridor-clutter"],
        channel="grid",
        title="四月",
        description="不计入一季度",
        now=APRIL,
    )
    return person, grid_person, no_account


def test_a_quarter_is_prepared_from_the_work_orders(tree, cadre_with_cases):
    person, grid_person, no_account = cadre_with_cases
    # when: the street prepares Q1 2026 in April
    written = stars.star_quarter_prepare(
        actor=tree.street_staff, district=tree.district, year=2026, quarter=1, now=APRIL
    )
    # then: one row per assessed person of street 1
    assert written == 3
    cadre_row = StarAssessment.objects.get(person=person, year=2026, quarter=1)
    assert (cadre_row.cases_accepted, cadre_row.cases_completed, cadre_row.cases_rated, cadre_row.cases_satisfied) == (
        3,
        2,
        2,
        1,
    )
    grid_row = StarAssessment.objects.get(person=grid_person)
    # the grid worker filed two and one of them was resolved (by the firm) and rated 很满意
    assert (grid_row.cases_accepted, grid_row.cases_completed, grid_row.cases_rated, grid_row.cases_satisfied) == (
        2,
        1,
        1,
        1,
    )
    gap = StarAssessment.objects.get(person=no_account)
    assert gap.cases_accepted is None and gap.score is None

    # when: the assessor scores the cadre 90 and 80
    graded = stars.star_assessment_grade(
        actor=tree.street_staff, assessment=cadre_row, proficiency=D(90), attitude=D(80), note="认真负责"
    )
    # then: accepted 3/30 = 10; completed 2/3 = 66.67; satisfaction 1/2 = 50
    # (90 + 80 + 10 + 66.666… + 50) / 5 = 296.666… / 5 = 59.33 → one star (below 60)
    assert graded.score == D("59.33") and graded.stars == 1


def test_approval_freezes_the_grade_and_funding_reads_it(tree, cadre_with_cases):
    _, grid_person, _ = cadre_with_cases
    stars.star_quarter_prepare(actor=tree.official, district=tree.district, year=2026, quarter=1, now=APRIL)
    row = StarAssessment.objects.get(person=grid_person)
    stars.star_assessment_grade(actor=tree.cadre, assessment=row, proficiency=D(95), attitude=D(92))
    # grid worker: accepted 2/30 = 6.67, completed 1/2 = 50, satisfaction 1/1 = 100:
    # (95 + 92 + 6.666… + 50 + 100) / 5 = 343.666… / 5 = 68.73 → two stars

    # when: the district approves the quarter
    approved, waiting = stars.star_quarter_approve(actor=tree.official, district=tree.district, year=2026, quarter=1)

    # then: the graded row is frozen, the two not yet scored wait
    assert (approved, waiting) == (1, 2)
    with pytest.raises(ValidationError, match="已审定"):
        stars.star_assessment_grade(actor=tree.official, assessment=row, proficiency=D(10), attitude=D(10))
    grades = selectors.star_assessments(
        actor=SystemActor(name="task:funding.test", district_id=tree.district.pk),
        district_id=tree.district.pk,
        year=2026,
        quarter=1,
    )
    assert len(grades) == 1
    grade = grades[0]
    assert (grade.person_id, grade.person_name, grade.role, grade.stars, grade.score, grade.approved) == (
        grid_person.pk,
        "李网格",
        "专职网格员",
        2,
        D("68.73"),
        True,
    )
    assert (grade.community_id, grade.street_id) == (tree.communities[0].pk, tree.streets[0].pk)


def test_only_the_district_approves_and_nobody_acts_without_an_actor(tree, cadre_with_cases):
    with pytest.raises(Forbidden):
        stars.star_quarter_approve(actor=tree.street_staff, district=tree.district, year=2026, quarter=1)
    with pytest.raises(MissingActor):
        stars.star_quarter_prepare(actor=None, district=tree.district, year=2026, quarter=1)


def test_a_quarter_that_has_not_started_cannot_be_assessed(tree):
    with pytest.raises(ValidationError, match="尚未开始"):
        stars.star_quarter_prepare(actor=tree.official, district=tree.district, year=2026, quarter=3, now=APRIL)


def test_another_streets_staff_neither_see_nor_grade(tree, other_tree, cadre_with_cases):
    stars.star_quarter_prepare(actor=tree.official, district=tree.district, year=2026, quarter=1, now=APRIL)
    row = StarAssessment.objects.get(person=cadre_with_cases[0])
    from tests import factories

    street2 = factories.user_for("street_staff", tree.streets[1], username="street2-stars")
    with pytest.raises(Http404):
        stars.star_assessment_grade(actor=street2, assessment=row, proficiency=D(1), attitude=D(1))
    with pytest.raises(Http404):
        stars.star_assessment_grade(actor=other_tree.official, assessment=row, proficiency=D(1), attitude=D(1))
    assert selectors.star_assessments(actor=street2, district_id=tree.district.pk, year=2026, quarter=1) == []
