"""The working-time clock of SLA deadlines, on China's official calendar (法定节假日与调休).

Rule (what Chinese hotlines call "N 个工作日"): the clock runs only on working days, for the whole day —
00:00 to 24:00 Beijing time — and stands still on rest days. So 24 working hours from Friday 10:00 end
on Monday 10:00, and "7 days" (168 h) are 7 working days. A start inside a rest day begins counting at
00:00 of the next working day. We chose whole working days over office hours (8:30–12:00, 13:30–17:30)
because the hotlines' resolve limits are stated in working days, and because an office-hours clock makes
a 24-hour limit filed at 17:00 end three days later, which nobody reading "24 小时" expects.

Emergencies (紧急, UrgencyClass.calendar_time) do not use this clock: `add_hours(..., calendar_time=True)`
counts wall-clock hours, nights and holidays included.

The calendar is the `holidays` package (holidays.China): it carries the State Council's yearly
arrangements — holidays and make-up workdays (调休) on weekends — up to the last published year, and
beyond it computes the statutory holidays by rule (a holiday on a weekend moves to the next workday),
without make-up workdays, because those are only known once published. `KNOWN_UNTIL` is the last
year with a published arrangement; for later years the clock uses the rule-based holidays and logs a
warning once per year, and the dates move when a new release of `holidays` brings the arrangement.
"""

from __future__ import annotations

import functools
import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

logger = logging.getLogger(__name__)

BEIJING = ZoneInfo("Asia/Shanghai")


@functools.cache
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


@functools.cache
def _known_until() -> int:
    """The last year for which the package knows make-up workdays (the published arrangement)."""
    years = [day.year for day in _calendar_range().weekend_workdays]
    return max(years)


@functools.cache
def _calendar_range() -> holidays.HolidayBase:
    return holidays.China(years=range(2020, 2100))


def known_until() -> int:
    return _known_until()


@functools.cache
def _warn_unknown_year(year: int) -> None:
    logger.warning(
        "China's holiday arrangement for %s is not published in the installed `holidays` package (known until "
        "%s): counting statutory holidays by rule, without make-up workdays (调休).",
        year,
        _known_until(),
    )


def is_working_day(day: date) -> bool:
    """A weekday that is not a holiday, or a weekend day that is a make-up workday (调休上班)."""
    if day.year > _known_until():
        _warn_unknown_year(day.year)
    return _calendar(day.year).is_working_day(day)


def _next_midnight(moment: datetime) -> datetime:
    return datetime.combine(moment.date() + timedelta(days=1), time.min, tzinfo=BEIJING)


def add_working_hours(start: datetime, hours: float) -> datetime:
    """`start` plus `hours` of working time (see the module docstring). `start` must be timezone-aware;
    the result is in Beijing time."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if hours < 0:
        raise ValueError("hours must not be negative")
    remaining = timedelta(hours=hours)
    moment = start.astimezone(BEIJING)
    while True:
        midnight = _next_midnight(moment)
        if is_working_day(moment.date()):
            available = midnight - moment
            if remaining <= available:
                return moment + remaining
            remaining -= available
        moment = midnight


def add_hours(start: datetime, hours: float, *, calendar_time: bool = False) -> datetime:
    """The deadline `hours` after `start`: wall-clock hours when `calendar_time`, else working hours."""
    if calendar_time:
        return (start + timedelta(hours=hours)).astimezone(BEIJING)
    return add_working_hours(start, hours)
