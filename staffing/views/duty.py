"""Duty rosters: the list, a roster's month calendar on the working calendar (rest days, 调休 Saturdays and
holidays marked), scheduling a shift with its compensatory day, leave, and the month as XLSX."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts.permissions import has, require
from accounts.policy import access, object_view
from staffing import exports, selectors
from staffing.forms import LeaveForm, RosterForm, ShiftForm
from staffing.models import DutyRoster, DutyShift
from staffing.services import duty
from staffing.views.common import require_staff, submit, which


def _month(request: HttpRequest) -> date:
    text = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in text.split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    except ValueError:
        pass
    return selectors.month_start(timezone.localdate())


def _label(month: date) -> str:
    """2026年11月 (English: November 2026): the language's YEAR_MONTH_FORMAT."""
    return date_format(month, "YEAR_MONTH_FORMAT")


# The short names over the month calendar's columns (English Mon … Sun).
WEEKDAY_COLUMNS = [
    pgettext_lazy("calendar column", "周一"),
    pgettext_lazy("calendar column", "周二"),
    pgettext_lazy("calendar column", "周三"),
    pgettext_lazy("calendar column", "周四"),
    pgettext_lazy("calendar column", "周五"),
    pgettext_lazy("calendar column", "周六"),
    pgettext_lazy("calendar column", "周日"),
]


@login_required
@require_http_methods(["GET", "POST"])
def roster_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    form = RosterForm(actor=request.user)
    if request.method == "POST":
        require(request.user, "staffing.manage_duty")
        form = RosterForm(request.POST, actor=request.user)
        done = submit(
            request, form, lambda d: duty.roster_create(actor=request.user, **d), done=gettext("已建立值班表。")
        )
        if done is not None:
            return done
    rosters = DutyRoster.objects.visible_to(request.user).select_related("street", "community").distinct()
    context = {
        "rosters": rosters.order_by("street__code", "community__code", "name"),
        "today_shifts": selectors.duty_today(actor=request.user),
        "form": form,
        "may_manage": has(request.user, "staffing.manage_duty"),
    }
    return render(request, "staffing/roster_list.html", context, status=400 if form.errors else 200)


@object_view(DutyRoster)
@login_required
@require_http_methods(["GET", "POST"])
def roster_month(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    actor = request.user
    roster = access(actor, DutyRoster.objects.select_related("street", "community").distinct(), pk=pk)
    month = _month(request)
    shift_form = ShiftForm(actor=actor, roster=roster, initial={"kind": "rest_day"})
    leave_form = LeaveForm(actor=actor, roster=roster)
    if request.method == "POST":
        require(actor, "staffing.manage_duty", roster)
        name = which(request)
        if name == "shift":
            shift_form = form = ShiftForm(request.POST, actor=actor, roster=roster)
            call = lambda d: duty.shift_schedule(actor=actor, roster=roster, **d)  # noqa: E731
            text = gettext("已排班。")
        elif name == "leave":
            leave_form = form = LeaveForm(request.POST, actor=actor, roster=roster)
            call = lambda d: duty.leave_record(actor=actor, **d)  # noqa: E731
            text = gettext("已登记请假。")
        else:
            shift = access(
                actor, DutyShift.objects.filter(roster=roster), action="change", pk=request.POST.get("shift")
            )
            duty.shift_cancel(actor=actor, shift=shift)
            from django.contrib import messages

            messages.success(request, gettext("已取消该班次及其调休。"))
            return redirect(request.get_full_path())
        done = submit(request, form, call, done=text)
        if done is not None:
            return done
    weeks = selectors.duty_month(actor=actor, roster=roster, month=month)
    previous = selectors.month_start(month - timedelta(days=1))
    context = {
        "roster": roster,
        "weeks": weeks,
        "month": month,
        "month_label": _label(month),
        "previous": f"{previous:%Y-%m}",
        "next": f"{selectors.next_month(month):%Y-%m}",
        "shift_form": shift_form,
        "leave_form": leave_form,
        "may_manage": has(actor, "staffing.manage_duty", roster),
        "weekdays": WEEKDAY_COLUMNS,
    }
    status = 400 if shift_form.errors or leave_form.errors else 200
    return render(request, "staffing/roster_month.html", context, status=status)


@require_safe
@object_view(DutyRoster)
@login_required
def roster_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    roster = access(request.user, DutyRoster.objects.select_related("street", "community").distinct(), pk=pk)
    month = _month(request)
    weeks = selectors.duty_month(actor=request.user, roster=roster, month=month)
    book = exports.roster_workbook(roster, weeks, _label(month))
    return exports.xlsx_response(book, f"{roster.name}_{month:%Y-%m}.xlsx")
