"""China's official working calendar (法定节假日与调休), shared by every app that counts working days.

It lives on the ground floor (compounds imports no other app) because two apps on the floor above need
the same calendar: the work-order SLA clock (workorders.worktime) and the duty rosters (staffing: weekend
and holiday duty, compensatory weekday leave). One calendar, so that a 调休 Saturday is a working day for
both.

The calendar is the `holidays` package (holidays.China): it carries the State Council's yearly
arrangements — holidays and make-up workdays (调休) on weekends — up to the last published year, and
beyond it computes the statutory holidays by rule (a holiday on a weekend moves to the next workday),
without make-up workdays, because those are only known once published. `known_until()` is the last
year with a published arrangement; for later years the calendar uses the rule-based holidays and logs a
warning once per year, and the dates move when a new release of `holidays` brings the arrangement.
"""

from __future__ import annotations

import functools
import logging
from datetime import date
from zoneinfo import ZoneInfo

import holidays

logger = logging.getLogger(__name__)

BEIJING = ZoneInfo("Asia/Shanghai")


@functools.cache
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


@functools.cache
def _calendar_range() -> holidays.HolidayBase:
    return holidays.China(years=range(2020, 2100))


@functools.cache
def _known_until() -> int:
    """The last year for which the package knows make-up workdays (the published arrangement)."""
    return max(day.year for day in _calendar_range().weekend_workdays)


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


def is_rest_day(day: date) -> bool:
    """A weekend day that is not a make-up workday, or a public holiday (休息日)."""
    return not is_working_day(day)


def holiday_name(day: date) -> str:
    """The public holiday's Chinese name on `day` (春节, 国庆节, …), or ""."""
    return _calendar(day.year).get(day) or ""


def is_make_up_workday(day: date) -> bool:
    """A Saturday or Sunday that is a working day by the State Council's arrangement (调休上班)."""
    return day.weekday() >= 5 and is_working_day(day)


def day_label(day: date) -> str:
    """How the calendar sees a day, for rosters and calendars: 节假日·春节, 调休上班, 休息日 or 工作日."""
    name = holiday_name(day)
    if name and is_rest_day(day):
        return f"节假日·{name}"
    if is_make_up_workday(day):
        return "调休上班"
    return "休息日" if is_rest_day(day) else "工作日"
