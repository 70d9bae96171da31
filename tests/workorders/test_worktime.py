import logging
from datetime import datetime

import pytest

from compounds import workcalendar
from workorders.worktime import BEIJING, add_hours, add_working_hours, is_working_day


def bj(*args) -> datetime:
    return datetime(*args, tzinfo=BEIJING)


def test_hours_within_a_working_day_are_plain_hours():
    assert add_working_hours(bj(2026, 3, 2, 9), 2) == bj(2026, 3, 2, 11)


def test_the_clock_stands_still_over_a_weekend():
    # Friday 10:00 + 24 working hours → Monday 10:00
    assert add_working_hours(bj(2026, 3, 6, 10), 24) == bj(2026, 3, 9, 10)


def test_a_start_on_a_rest_day_counts_from_the_next_working_day():
    # Saturday 15:00 + 2 h → Monday 02:00 (the clock starts at Monday 00:00)
    assert add_working_hours(bj(2026, 3, 7, 15), 2) == bj(2026, 3, 9, 2)


def test_seven_working_days_skip_spring_festival_and_count_the_make_up_saturday():
    # 2026 Spring Festival: 15–23 Feb off; Saturday 14 Feb and Saturday 28 Feb are make-up workdays (调休).
    assert is_working_day(bj(2026, 2, 14).date())
    assert not is_working_day(bj(2026, 2, 17).date())
    assert is_working_day(bj(2026, 2, 28).date())
    # Friday 13 Feb 10:00 + 24 h → Saturday 14 Feb 10:00 (make-up workday)
    assert add_working_hours(bj(2026, 2, 13, 10), 24) == bj(2026, 2, 14, 10)
    # Saturday 14 Feb 10:00 + 24 h → the holiday runs to Mon 23 Feb; next working day Tue 24 Feb 10:00
    assert add_working_hours(bj(2026, 2, 14, 10), 24) == bj(2026, 2, 24, 10)


def test_national_day_week_is_skipped():
    # 2026: 1–7 Oct off; Sunday 20 Sep and Saturday 10 Oct are make-up workdays.
    assert add_working_hours(bj(2026, 9, 30, 10), 24) == bj(2026, 10, 8, 10)
    assert is_working_day(bj(2026, 10, 10).date())
    assert add_working_hours(bj(2026, 10, 9, 10), 24) == bj(2026, 10, 10, 10)


def test_years_beyond_the_published_arrangement_use_rule_based_holidays_and_log(caplog):
    # given a year after the last published arrangement
    year = workcalendar.known_until() + 1
    workcalendar._warn_unknown_year.cache_clear()
    # when
    with caplog.at_level(logging.WARNING, logger="compounds.workcalendar"):
        working = is_working_day(bj(year, 10, 1).date())
    # then National Day (statutory) is still a holiday, and the fallback was logged
    assert working is False
    assert "not published" in caplog.text


def test_emergencies_count_calendar_hours():
    assert add_hours(bj(2026, 10, 1, 23), 2, calendar_time=True) == bj(2026, 10, 2, 1)
    assert add_hours(bj(2026, 10, 1, 23), 2) == bj(2026, 10, 8, 2)


def test_naive_and_negative_inputs_are_refused():
    with pytest.raises(ValueError):
        add_working_hours(datetime(2026, 3, 2, 9), 1)
    with pytest.raises(ValueError):
        add_working_hours(bj(2026, 3, 2, 9), -1)
