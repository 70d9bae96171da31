"""The one working calendar (compounds.workcalendar), used by the SLA clock and the duty rosters alike."""

from datetime import date

from compounds import workcalendar
from workorders import worktime


def test_the_sla_clock_and_the_rosters_share_one_calendar():
    assert worktime.is_working_day is workcalendar.is_working_day


def test_a_make_up_saturday_is_a_working_day_and_not_a_rest_day():
    # 2026 Spring Festival: Saturday 14 February is a make-up workday (调休上班)
    assert workcalendar.is_make_up_workday(date(2026, 2, 14))
    assert not workcalendar.is_rest_day(date(2026, 2, 14))
    # an ordinary Saturday is a rest day, a holiday weekday too, with its name
    assert workcalendar.is_rest_day(date(2026, 3, 7))
    assert workcalendar.is_rest_day(date(2026, 2, 17))
    assert workcalendar.holiday_name(date(2026, 2, 17)) == "春节"
    assert workcalendar.holiday_name(date(2026, 3, 9)) == ""


def test_each_day_has_a_label_for_rosters():
    assert workcalendar.day_label(date(2026, 2, 17)) == "节假日·春节"
    assert workcalendar.day_label(date(2026, 2, 14)) == "调休上班"
    assert workcalendar.day_label(date(2026, 3, 7)) == "休息日"
    assert workcalendar.day_label(date(2026, 3, 9)) == "工作日"
