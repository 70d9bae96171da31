"""Duty rosters on the real working calendar: 2026's Spring Festival (15–23 Feb off) with its make-up
Saturdays 14 and 28 February (调休上班)."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from staffing.models import DutyShift, Leave
from staffing.services import duty
from tests.staffing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(tree):
    return duty.roster_create(
        actor=tree.street_staff, street=tree.streets[0], name="第1街道周末值班", duty_phone="029-85551234"
    )


@pytest.fixture
def staff(tree):
    return f.officer(tree.streets[0], name="何值班"), f.worker(tree.communities[0], name="吕值班")


def test_weekend_duty_with_compensatory_weekday_leave(tree, roster, staff):
    officer, _ = staff
    # when: Saturday 7 March on duty 8:00–18:00, Wednesday 11 March off
    shift = duty.shift_schedule(
        actor=tree.street_staff, roster=roster, person=officer, day=date(2026, 3, 7), compensatory_day=date(2026, 3, 11)
    )
    # then
    assert (shift.starts_at.hour, shift.ends_at.hour) == (8, 18)
    leave = Leave.objects.get(shift=shift)
    assert (leave.day, leave.kind, leave.person) == (date(2026, 3, 11), "compensatory", officer)


def test_a_make_up_saturday_is_a_working_day_not_a_weekend_duty(tree, roster, staff):
    officer, _ = staff
    # 14 February 2026 is a Saturday on which China works (调休上班)
    with pytest.raises(ValidationError, match="2月14日是调休上班日"):
        duty.shift_schedule(actor=tree.street_staff, roster=roster, person=officer, day=date(2026, 2, 14))
    # but extended hours may run that day, and the holiday itself is a rest day for duty
    duty.shift_schedule(
        actor=tree.street_staff, roster=roster, person=officer, day=date(2026, 2, 14), kind="extended",
        starts=time(17, 30), ends=time(20, 0),
    )  # fmt: skip
    holiday = duty.shift_schedule(actor=tree.street_staff, roster=roster, person=officer, day=date(2026, 2, 17))
    # compensatory leave must fall on a working day: the make-up Saturday 28 Feb counts, Sunday 1 March does not
    with pytest.raises(ValidationError, match="3月1日是休息日"):
        duty.compensatory_leave_set(actor=tree.street_staff, shift=holiday, day=date(2026, 3, 1))
    leave = duty.compensatory_leave_set(actor=tree.street_staff, shift=holiday, day=date(2026, 2, 28))
    assert leave.day == date(2026, 2, 28)


def test_nobody_is_on_duty_twice_at_once_or_on_leave(tree, roster, staff):
    officer, worker = staff
    duty.shift_schedule(actor=tree.street_staff, roster=roster, person=officer, day=date(2026, 3, 7))
    other = duty.roster_create(
        actor=tree.official, street=tree.streets[0], community=tree.communities[0], name="社区值班"
    )
    # the same person on another roster at an overlapping time
    with pytest.raises(ValidationError, match="不能同时值两个班"):
        duty.shift_schedule(
            actor=tree.official, roster=other, person=officer, day=date(2026, 3, 7), starts=time(12), ends=time(14)
        )
    # a day of leave
    duty.leave_record(actor=tree.street_staff, person=worker, day=date(2026, 3, 8), kind="annual")
    with pytest.raises(ValidationError, match="3月8日年休假，不能排班"):
        duty.shift_schedule(actor=tree.street_staff, roster=roster, person=worker, day=date(2026, 3, 8))
    # leave on a day on duty
    with pytest.raises(ValidationError, match="有值班"):
        duty.leave_record(actor=tree.street_staff, person=officer, day=date(2026, 3, 7), kind="personal")
    assert DutyShift.objects.count() == 1


def test_compensatory_leave_must_follow_the_duty_and_not_clash(tree, roster, staff):
    officer, _ = staff
    with pytest.raises(ValidationError, match="值班之后的 30 天内"):
        duty.shift_schedule(
            actor=tree.street_staff,
            roster=roster,
            person=officer,
            day=date(2026, 3, 7),
            compensatory_day=date(2026, 3, 5),
        )
    # nothing of the refused schedule was saved
    assert not DutyShift.objects.exists() and not Leave.objects.exists()


def test_people_of_other_streets_and_districts(tree, other_tree, roster):
    stranger = f.officer(tree.streets[1], name="邻街干部")
    with pytest.raises(ValidationError, match=r"不是.*的工作人员"):
        duty.shift_schedule(actor=tree.official, roster=roster, person=stranger, day=date(2026, 3, 7))
    foreign = f.officer(other_tree.streets[0], name="乙区干部")
    with pytest.raises(Http404):
        duty.shift_schedule(actor=tree.official, roster=roster, person=foreign, day=date(2026, 3, 7))
    with pytest.raises(Http404):
        duty.shift_schedule(actor=other_tree.official, roster=roster, person=foreign, day=date(2026, 3, 7))
