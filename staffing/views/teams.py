"""The "2+4" pages: coverage (per street and district, the vacancies and how long they have lasted, an
XLSX export), a compound's team with its seat history, and a department's 包抓 compounds."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts.permissions import has, require
from accounts.policy import access, object_view
from compounds.models import Compound, Department, Street
from staffing import exports, selectors
from staffing.forms import EndForm, SeatAppointForm, SponsorshipForm
from staffing.models import SEAT_HELP, SEATS, SeatKind, SeatTerm, Sponsorship
from staffing.services import teams
from staffing.views.common import require_staff, submit, which

VACANCIES_PER_PAGE = 50
# The street table's column heads: the seat's own name in Chinese, a short one in English (six long names overflowed).
SEAT_COLUMNS = {
    SeatKind.SERVICE_CHIEF: pgettext_lazy("2+4 seat, short", "服务长"),
    SeatKind.STREET_LIAISON: pgettext_lazy("2+4 seat, short", "街道联系长"),
    SeatKind.POLICE_OFFICER: pgettext_lazy("2+4 seat, short", "社区民警"),
    SeatKind.LEGAL_ADVISER: pgettext_lazy("2+4 seat, short", "法律顾问"),
    SeatKind.PROPERTY_MANAGER: pgettext_lazy("2+4 seat, short", "物业经理"),
    SeatKind.RESIDENT_REPRESENTATIVE: pgettext_lazy("2+4 seat, short", "居民代表"),
}


def _day(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


def _street_id(request: HttpRequest) -> int | None:
    value = request.GET.get("street", "")
    if value.isdigit() and Street.objects.visible_to(request.user).filter(pk=value).exists():
        return int(value)
    return None


@require_safe
@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    on, street_id = _day(request), _street_id(request)
    result = selectors.team_coverage(actor=request.user, on=on, street_id=street_id)
    page = Paginator(result.vacancies, VACANCIES_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "coverage": result,
        "on": on,
        "street_id": street_id,
        "streets": Street.objects.visible_to(request.user).order_by("code"),
        "seats": [(seat, SEAT_COLUMNS[seat]) for seat in SEATS],
        "page": page,
        "query": params.urlencode(),
    }
    return render(request, "staffing/coverage.html", context)


@require_safe
@login_required
def coverage_xlsx(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    on = _day(request)
    result = selectors.team_coverage(actor=request.user, on=on, street_id=_street_id(request))
    name = gettext("2+4团队配齐情况_%(day)s.xlsx") % {"day": f"{on:%Y%m%d}"}
    return exports.xlsx_response(exports.coverage_workbook(result), name)


@object_view(Compound)
@login_required
@require_http_methods(["GET", "POST"])
def compound_team(request: HttpRequest, pk: int) -> HttpResponse:
    """A compound's "2+4" team: the six seats today, each seat's history, appoint and end."""
    require_staff(request)
    compound = access(request.user, Compound.objects.select_related("community__street", "property_firm"), pk=pk)
    today = timezone.localdate()
    may_manage = has(request.user, "staffing.manage_team", compound)
    appoint = SeatAppointForm(actor=request.user, compound=compound, initial={"start": today})
    end = EndForm(initial={"end": today})
    if request.method == "POST":
        require(request.user, "staffing.manage_team", compound)
        if which(request) == "appoint":
            appoint = SeatAppointForm(request.POST, actor=request.user, compound=compound)
            done = submit(
                request,
                appoint,
                lambda d: teams.seat_appoint(actor=request.user, compound=compound, **d),
                done=gettext("已任命。"),
            )
        else:
            end = EndForm(request.POST)
            done = submit(
                request,
                end,
                lambda d: teams.seat_end(
                    actor=request.user, term=_term(request, compound, d["term"]), end=d["end"], reason=d["reason"]
                ),
                done=gettext("已登记离任，岗位自该日起空缺。"),
            )
        if done is not None:
            return done
    [team] = selectors.compound_teams(actor=request.user, on=today, compounds=Compound.objects.filter(pk=compound.pk))
    history = (
        SeatTerm.objects.visible_to(request.user)
        .filter(team__compound=compound)
        .select_related("person", "department", "property_firm")
        .order_by("seat", "-start")
    )
    by_seat = {seat.value: [t for t in history if t.seat == seat.value] for seat in SEATS}
    context = {
        "compound": compound,
        "team": team,
        "rows": [
            (value, label, holder, vacancy, upcoming, by_seat[value], SEAT_HELP[value])
            for value, label, holder, vacancy, upcoming in team.seats()
        ],
        "sponsor": Sponsorship.objects.current(today).filter(compound=compound).select_related("department").first(),
        "may_manage": may_manage,
        "appoint": appoint,
        "end": end,
        "today": today,
    }
    status = 400 if appoint.errors or end.errors else 200
    return render(request, "staffing/team.html", context, status=status)


def _term(request: HttpRequest, compound: Compound, pk: int) -> SeatTerm:
    return access(request.user, SeatTerm.objects.filter(team__compound=compound), action="change", pk=pk)


@object_view(Department)
@login_required
@require_http_methods(["GET", "POST"])
def department_compounds(request: HttpRequest, pk: int) -> HttpResponse:
    """部门包抓: a department's compounds, and (district officials) adding or ending one."""
    require_staff(request)
    department = access(request.user, Department, pk=pk)
    today = timezone.localdate()
    may_manage = has(request.user, "staffing.manage_sponsorship")
    form = SponsorshipForm(actor=request.user, initial={"start": today})
    end = EndForm(initial={"end": today})
    if request.method == "POST":
        require(request.user, "staffing.manage_sponsorship")
        if which(request) == "add":
            form = SponsorshipForm(request.POST, actor=request.user)
            done = submit(
                request,
                form,
                lambda d: teams.sponsorship_set(actor=request.user, department=department, **d),
                done=gettext("已登记包抓。"),
            )
        else:
            end = EndForm(request.POST)
            done = submit(
                request,
                end,
                lambda d: teams.sponsorship_end(
                    actor=request.user,
                    sponsorship=access(request.user, Sponsorship.objects.filter(department=department), pk=d["term"]),
                    end=d["end"],
                    reason=d["reason"],
                ),
                done=gettext("已结束包抓。"),
            )
        if done is not None:
            return done
    rows = (
        Sponsorship.objects.visible_to(request.user)
        .filter(department=department)
        .select_related("compound__community__street")
        .order_by("end", "compound__code", "-start")
    )
    context = {
        "department": department,
        "current": [r for r in rows if r.is_current(today)],
        "past": [r for r in rows if not r.is_current(today)],
        "departments": Department.objects.visible_to(request.user).order_by("name"),
        "may_manage": may_manage,
        "form": form,
        "end": end,
        "today": today,
    }
    return render(request, "staffing/department.html", context, status=400 if form.errors or end.errors else 200)
