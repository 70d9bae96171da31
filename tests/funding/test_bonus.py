"""The bonus-pool formula on a worked example counted by hand, and a quarter computed from staffing's approved
staff stars, approved by the district, its payroll XLSX built by the Celery task."""

import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from compounds.workcalendar import BEIJING
from funding import bonus
from funding.models import BonusAward, PoolStatus
from funding.services import bonus as service


def test_worked_example_counted_by_hand():
    """Pool 10,000 yuan, cap 3,000, floor 1,000; points 21, 17, 14, 10, 10, 10 (total 82).
    First round: 10,000 × 21/82 = 2,560.98 (under the cap); 10 points → 1,219.51 (above the floor): nobody out.
    Exact shares: 21 → 2,560.9756…, 17 → 2,073.1707…, 14 → 1,707.3170…, 10 → 1,219.5121… (three times).
    Integer parts: 2,560 + 2,073 + 1,707 + 1,219 × 3 = 9,997; 3 yuan left go to the largest remainders:
    .9756 (21 points), .5121 ×3 (10 points, list order: the first two) — .3170 and .1707 get none.
    Result: 2,561, 2,073, 1,707, 1,220, 1,220, 1,219 = 10,000."""
    shares = bonus.allocate(
        pool_yuan=10_000,
        points=[(1, 21), (2, 17), (3, 14), (4, 10), (5, 10), (6, 10)],
        cap_yuan=3_000,
        floor_yuan=1_000,
    )
    assert [s.amount_yuan for s in shares] == [2_561, 2_073, 1_707, 1_220, 1_220, 1_219]
    assert sum(s.amount_yuan for s in shares) == 10_000


def test_worked_example_with_cap_and_floor():
    """Pool 10,000, cap 4,000, floor 1,500; points 50, 10, 10, 10 (total 80).
    Round 1: 50 → 6,250 (over the cap by 2,250); 10 → 1,250 (under the floor by 250 each, 750 in all).
    The cap side is further out: 50 points get 4,000. Round 2: 6,000 left over 30 points: 2,000 each — inside.
    Result: 4,000, 2,000, 2,000, 2,000."""
    shares = bonus.allocate(
        pool_yuan=10_000, points=[(1, 50), (2, 10), (3, 10), (4, 10)], cap_yuan=4_000, floor_yuan=1_500
    )
    assert [s.amount_yuan for s in shares] == [4_000, 2_000, 2_000, 2_000]


def test_when_every_cap_binds_the_rest_stays_in_the_pool():
    shares = bonus.allocate(pool_yuan=10_000, points=[(1, 10), (2, 10)], cap_yuan=3_000, floor_yuan=0)
    assert [s.amount_yuan for s in shares] == [3_000, 3_000]


def test_a_floor_the_pool_cannot_pay_is_refused():
    with pytest.raises(ValidationError, match="不足以保证"):
        bonus.allocate(pool_yuan=1_000, points=[(1, 10), (2, 10)], cap_yuan=5_000, floor_yuan=600)


@given(
    pool=st.integers(min_value=0, max_value=2_000_000),
    points=st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=60),
    cap=st.integers(min_value=1, max_value=10_000),
    floor_share=st.integers(min_value=0, max_value=100),
)
def test_never_over_the_pool_never_outside_cap_and_floor(pool, points, cap, floor_share):
    floor = min(cap, pool // len(points)) * floor_share // 100
    shares = bonus.allocate(pool_yuan=pool, points=list(enumerate(points)), cap_yuan=cap, floor_yuan=floor)
    amounts = [s.amount_yuan for s in shares]
    assert sum(amounts) <= pool
    assert all(floor <= a <= cap for a in amounts)
    assert sum(amounts) == min(pool, cap * len(points))  # the whole pool, unless every cap binds


@pytest.fixture
def graded(tree):
    """Approved staff stars of 2026 Q1 for five community workers: 5, 4, 3, 1 stars and one below the line."""
    from staffing.models import StarAssessment
    from tests.staffing.walk import person

    now = datetime(2026, 4, 2, tzinfo=BEIJING)
    grades = [(5, "95.00"), (4, "85.00"), (3, "72.00"), (1, "50.00"), (1, "40.00")]
    for i, (stars, score) in enumerate(grades):
        who = person(tree, community=tree.communities[i % 4])
        StarAssessment.objects.create(
            district=tree.district, person=who, year=2026, quarter=1, role="community_worker",
            community=who.community, street=who.community.street, proficiency=Decimal(90), attitude=Decimal(90),
            score=Decimal(score), stars=stars, approved_at=now,
        )  # fmt: skip
    return tree


def test_a_quarter_from_approved_stars_approved_then_payroll(
    graded, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Pool 40,000 yuan a year → 10,000 for Q1. Four people score at or above the line of 45 (40.00 is left out):
    ★★★★★ 21, ★★★★ 17, ★★★ 14, ★ 10 points (total 62), cap 5,220, floor 1,000.
    10,000 × 21/62 = 3,387.0967…, × 17/62 = 2,741.9354…, × 14/62 = 2,258.0645…, × 10/62 = 1,612.9032…
    Integer parts 3,387 + 2,741 + 2,258 + 1,612 = 9,998; the 2 yuan left go to .9354 and .9032."""
    settings.MEDIA_ROOT = tmp_path
    t = graded
    pool = service.pool_set(
        actor=t.official, district=t.district, year=2026, total_fen=40_000_00,
        points_1=10, points_2=12, points_3=14, points_4=17, points_5=21, cap_yuan=5_220, floor_yuan=1_000,
        qualifying_score=Decimal(45),
    )  # fmt: skip
    row = service.quarter_compute(actor=t.official, pool=pool, quarter=1)
    amounts = list(
        BonusAward.objects.filter(bonus_quarter=row).order_by("-amount_yuan").values_list("amount_yuan", flat=True)
    )
    assert amounts == [3_387, 2_742, 2_258, 1_613]
    assert row.pool_yuan == 10_000 and row.status == PoolStatus.COMPUTED
    with pytest.raises(PermissionDenied):
        service.quarter_approve(actor=t.street_staff, bonus_quarter=row)
    with django_capture_on_commit_callbacks(execute=True):  # the payroll task is enqueued on commit
        service.quarter_approve(actor=t.official, bonus_quarter=row)
    row.refresh_from_db()
    assert row.status == PoolStatus.APPROVED and row.payroll, "the Celery task built the payroll"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(row.payroll.read())).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0][0] == "2026年第1季度社区工作人员绩效奖励发放表"
    assert values[1] == service.PAYROLL_HEADER
    assert sorted(r[-1] for r in values[2:-1]) == [1_613, 2_258, 2_742, 3_387]
    assert values[-1][0] == "合计" and values[-1][-1] == 10_000
    with pytest.raises(ValidationError, match="已审定"):
        service.quarter_compute(actor=t.official, pool=pool, quarter=1)
