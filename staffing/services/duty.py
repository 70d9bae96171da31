"""Duty rosters: weekend and holiday duty with compensatory weekday leave (周末值班 + 周中调休), on the same
working calendar as the SLAs (compounds.workcalendar). The rules:

- a rest-day shift (休息日值班) falls on a rest day — a weekend that is not a make-up workday (调休上班), or
  a public holiday; extended hours (延时服务) may fall on any day;
- a person is never on two shifts at once (an exclusion constraint) nor on duty on a day of leave;
- compensatory leave (调休) makes up for one rest-day shift, on a working day after it, within 30 days;
- the person belongs to the roster's street (its officers, or the staff of its communities).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from compounds.importing.said import Day
from compounds.models import Community, Street
from compounds.workcalendar import BEIJING, is_make_up_workday, is_rest_day, is_working_day
from staffing.models import DutyRoster, DutyShift, Leave, LeaveKind, Person, ShiftKind
from staffing.services.common import acting, actor_user, normalise_phone, reach, refusal, save_clean, see

COMPENSATE_WITHIN = timedelta(days=30)


def _day_label(day: date) -> str:
    """3月7日: the day as a kept note writes it (Chinese, whatever the language of the request)."""
    return f"{day.month}月{day.day}日"


def _day(day: date) -> Day:
    """The day as a message shows it: 3月7日, or Mar 7 on an English page (and in a kept import's outcome, worded
    when shown)."""
    return Day(day, gettext_noop("n月j日"))


@transaction.atomic
def roster_create(
    *,
    actor: Any,
    street: Street | int,
    name: str,
    community: Community | int | None = None,
    duty_phone: str = "",
    day_starts: time = time(8, 0),
    day_ends: time = time(18, 0),
    note: str = "",
) -> DutyRoster:
    street = see(actor, Street, street)
    community = see(actor, Community, community) if community is not None else None
    roster = DutyRoster(
        district_id=street.district_id,
        street=street,
        community=community,
        name=(name or "").strip(),
        duty_phone=normalise_phone(duty_phone, field="duty_phone"),
        day_starts=day_starts,
        day_ends=day_ends,
        note=note,
    )
    roster.full_clean()
    acting(actor, "staffing.manage_duty", None)
    roster.save()
    reach(actor, DutyRoster, roster.pk)  # the actor's own street or community
    acting(actor, "staffing.manage_duty", roster)
    return roster


def _check_person(roster: DutyRoster, person: Person) -> None:
    street_id = person.street_id or (person.community.street_id if person.community_id else None)
    if street_id != roster.street_id:
        message = gettext("“%(person)s”不是%(street)s的工作人员，不能排入该值班表。")
        raise refusal("person", message, person=person.name, street=roster.street.name)
    if not person.is_active:
        raise refusal("person", gettext("“%(person)s”已离岗，不能排班。"), person=person.name)


def _check_leave_free(person: Person, day: date) -> None:
    leave = Leave.objects.filter(person=person, day=day).first()
    if leave is not None:
        message = gettext("“%(person)s”%(day)s%(leave)s，不能排班。")
        raise refusal("person", message, person=person.name, day=_day(day), leave=LeaveKind(leave.kind).label)


def _check_compensatory_day(shift: DutyShift, day: date) -> None:
    if shift.kind != ShiftKind.REST_DAY:
        raise ValidationError({"compensatory_day": gettext("只有休息日值班可以调休。")})
    if not is_working_day(day):
        message = gettext("%(day)s是休息日，调休应安排在工作日（周中调休）。")
        raise refusal("compensatory_day", message, day=_day(day))
    if not shift.day < day <= shift.day + COMPENSATE_WITHIN:
        raise ValidationError({"compensatory_day": gettext("调休应安排在值班之后的 30 天内。")})
    if DutyShift.objects.filter(person_id=shift.person_id, starts_at__range=_day_span(day)).exists():
        message = gettext("“%(person)s”%(day)s有值班，不能调休。")
        raise refusal("compensatory_day", message, person=shift.person.name, day=_day(day))


def _day_span(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=BEIJING)
    return start, start + timedelta(days=1) - timedelta(microseconds=1)


@transaction.atomic
def shift_schedule(
    *,
    actor: Any,
    roster: DutyRoster | int,
    person: Person | int,
    day: date,
    starts: time | None = None,
    ends: time | None = None,
    kind: str = ShiftKind.REST_DAY,
    compensatory_day: date | None = None,
    note: str = "",
) -> DutyShift:
    """排班: `person` on duty on `day` from `starts` to `ends` (the roster's service hours by default), with
    the compensatory day off if given. Refused in Chinese when the day is not a rest day (a 调休 Saturday is
    a working day), when the person is on leave or already on duty, or when they are of another street."""
    roster = reach(actor, DutyRoster, roster, lock=True)
    acting(actor, "staffing.manage_duty", roster)
    person = see(actor, Person, person)
    # One schedule change per person at a time: the leave and overlap checks below see a settled state.
    person = Person.objects.select_for_update().get(pk=person.pk)
    if kind not in ShiftKind.values:
        raise ValidationError({"kind": gettext("请选择值班类型。")})
    _check_person(roster, person)
    if kind == ShiftKind.REST_DAY and not is_rest_day(day):
        if is_make_up_workday(day):
            message = gettext("%(day)s是调休上班日，不是休息日，不能排休息日值班（工作日的延时服务请选“延时服务”）。")
        else:
            message = gettext("%(day)s是工作日，不是休息日，不能排休息日值班（工作日的延时服务请选“延时服务”）。")
        raise refusal("day", message, day=_day(day))
    _check_leave_free(person, day)
    starts, ends = starts or roster.day_starts, ends or roster.day_ends
    if ends <= starts:
        raise ValidationError({"ends": gettext("值班结束时间应晚于开始时间。")})
    shift = save_clean(
        DutyShift(
            district_id=roster.district_id,
            roster=roster,
            person=person,
            kind=kind,
            starts_at=datetime.combine(day, starts, tzinfo=BEIJING),
            ends_at=datetime.combine(day, ends, tzinfo=BEIJING),
            note=(note or "").strip(),
            recorded_by=actor_user(actor),
        )
    )
    if compensatory_day is not None:
        _compensate(actor, shift, compensatory_day)
    return shift


def _compensate(actor: Any, shift: DutyShift, day: date) -> Leave:
    _check_compensatory_day(shift, day)
    return save_clean(
        Leave(
            district_id=shift.district_id,
            person=shift.person,
            day=day,
            kind=LeaveKind.COMPENSATORY,
            shift=shift,
            note=f"{_day_label(shift.day)}值班调休",
            recorded_by=actor_user(actor),
        )
    )


@transaction.atomic
def compensatory_leave_set(*, actor: Any, shift: DutyShift | int, day: date) -> Leave:
    """Give (or move) the compensatory day of a rest-day shift."""
    shift = reach(actor, DutyShift, shift, lock=True)
    acting(actor, "staffing.manage_duty", shift.roster)
    Person.objects.select_for_update().get(pk=shift.person_id)
    Leave.objects.filter(shift=shift).delete()
    return _compensate(actor, shift, day)


@transaction.atomic
def leave_record(*, actor: Any, person: Person | int, day: date, kind: str, note: str = "") -> Leave:
    """请假 (annual, personal, sick): refused on a day the person is on duty."""
    person = reach(actor, Person, person, action="view")
    person = Person.objects.select_for_update().get(pk=person.pk)
    acting(actor, "staffing.manage_duty", None)
    if kind not in LeaveKind.values or kind == LeaveKind.COMPENSATORY:
        raise ValidationError({"kind": gettext("请选择请假类型（调休请在值班中安排）。")})
    if DutyShift.objects.filter(person=person, starts_at__range=_day_span(day)).exists():
        message = gettext("“%(person)s”%(day)s有值班，请先调整值班再请假。")
        raise refusal("day", message, person=person.name, day=_day(day))
    leave = save_clean(
        Leave(
            district_id=person.district_id, person=person, day=day, kind=kind, note=note, recorded_by=actor_user(actor)
        )
    )
    reach(actor, Leave, leave.pk)  # a person of the actor's street or community
    return leave


@transaction.atomic
def shift_cancel(*, actor: Any, shift: DutyShift | int) -> None:
    """取消 a shift and its compensatory day (history keeps both)."""
    shift = reach(actor, DutyShift, shift, lock=True)
    acting(actor, "staffing.manage_duty", shift.roster)
    Leave.objects.filter(shift=shift).delete()
    shift.delete()
