"""The working-time clock of SLA deadlines, on China's official calendar (法定节假日与调休).

Rule (what Chinese hotlines call "N 个工作日"): the clock runs only on working days, for the whole day —
00:00 to 24:00 Beijing time — and stands still on rest days. So 24 working hours from Friday 10:00 end
on Monday 10:00, and "7 days" (168 h) are 7 working days. A start inside a rest day begins counting at
00:00 of the next working day. We chose whole working days over office hours (8:30–12:00, 13:30–17:30)
because the hotlines' resolve limits are stated in working days, and because an office-hours clock makes
a 24-hour limit filed at 17:00 end three days later, which nobody reading "24 小时" expects.

Emergencies (紧急, UrgencyClass.calendar_time) do not use this clock: `add_hours(..., calendar_time=True)`
counts wall-clock hours, nights and holidays included.

The calendar itself (holidays and make-up workdays, from the `holidays` package) lives on the ground
floor in compounds.workcalendar, so that the duty rosters of staffing count on the same calendar without
importing workorders; `is_working_day` and `known_until` are re-exported here for the SLA code.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils.translation import gettext, ngettext

from compounds.workcalendar import BEIJING, is_working_day, known_until

__all__ = [
    "BEIJING",
    "add_hours",
    "add_working_hours",
    "is_working_day",
    "known_until",
    "time_left",
    "working_time_between",
]


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


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """Working time from `start` to `end` (negative when `end` is earlier): the inverse of add_working_hours.
    Walks day by day; a deadline is at most weeks away, so this stays a few dozen steps."""
    if end < start:
        return -working_time_between(end, start)
    total = timedelta()
    moment, end = start.astimezone(BEIJING), end.astimezone(BEIJING)
    while moment < end:
        midnight = _next_midnight(moment)
        if is_working_day(moment.date()):
            total += min(midnight, end) - moment
        moment = midnight
    return total


def time_left(deadline: datetime | None, now: datetime, *, calendar_time: bool = False) -> str:
    """A deadline as people say it: "剩 5 小时", "剩 2 天", "超时 3 小时", "超时 2 天" — on the working calendar
    (the clock stands still on rest days), or in wall-clock time for emergencies. "" without a deadline."""
    if deadline is None:
        return ""
    left = (deadline - now) if calendar_time else working_time_between(now, deadline)
    late = left < timedelta()
    span = -left if late else left
    hours = span.total_seconds() / 3600
    if hours < 1:
        n = max(1, round(hours * 60))
        amount = ngettext("%(n)s 分钟", "%(n)s 分钟", n) % {"n": n}
    elif hours < 48:
        n = int(hours)
        amount = ngettext("%(n)s 小时", "%(n)s 小时", n) % {"n": n}
    else:
        n = int(hours // 24)
        amount = ngettext("%(n)s 天", "%(n)s 天", n) % {"n": n}
    return (gettext("超时 %(amount)s") if late else gettext("剩 %(amount)s")) % {"amount": amount}
