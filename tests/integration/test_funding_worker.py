"""Funding's Celery tasks on a real worker: the payroll XLSX of an approved bonus quarter (enqueued on commit),
and the 1 January year end sent twice through the broker (it settles once)."""

import time
from datetime import datetime
from decimal import Decimal

import pytest

from compounds.workcalendar import BEIJING
from funding.models import BonusQuarter, CarryOver, YearEnd
from funding.services import bonus
from funding.tasks import year_end_task
from tests.conftest import build_tree
from tests.funding.conftest import funded


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_payroll_and_settles_the_year_once(celery_worker_process):
    from staffing.models import StarAssessment
    from tests.staffing.walk import person

    tree = build_tree("610116", "长安区")
    funded(tree, rule="return")
    who = person(tree, community=tree.communities[0])
    StarAssessment.objects.create(
        district=tree.district, person=who, year=2026, quarter=1, role="community_worker", community=who.community,
        street=who.community.street, proficiency=Decimal(90), attitude=Decimal(90), score=Decimal("91.00"), stars=5,
        approved_at=datetime(2026, 4, 2, tzinfo=BEIJING),
    )  # fmt: skip
    pool = bonus.pool_set(actor=tree.official, district=tree.district, year=2026, total_fen=20_000_00, cap_yuan=5_220)
    row = bonus.quarter_compute(actor=tree.official, pool=pool, quarter=1)
    bonus.quarter_approve(actor=tree.official, bonus_quarter=row)  # autocommit: the task goes to the broker now

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not BonusQuarter.objects.get(pk=row.pk).payroll:
        time.sleep(0.5)
    row.refresh_from_db()
    assert row.payroll, "the worker did not build the payroll"
    assert row.payroll_built_at is not None

    first = year_end_task.delay(today="2027-01-01", district_id=tree.district.pk)
    second = year_end_task.delay(today="2027-01-01", district_id=tree.district.pk)
    outcomes = sorted([first.get(timeout=60)[str(tree.district.pk)], second.get(timeout=60)[str(tree.district.pk)]])
    assert outcomes == [False, True]
    assert YearEnd.objects.filter(district=tree.district, year=2026).count() == 1
    assert CarryOver.objects.filter(year=2026).count() == 4
