"""Grid pages: every grid with its pair and visit figures, one grid's people (pair, building heads,
party-member households, households) and, for grid workers on their phones, "my grid", the visits due and
the visit form — built to be used one-handed, in under a minute."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from accounts import onetime
from accounts.forms import errors_onto
from accounts.permissions import has, require
from accounts.policy import access, object_view
from accounts.privacy import record_reveal
from compounds.models import Grid
from staffing import selectors
from staffing.forms import BuildingHeadForm, EndForm, GridMemberForm, HouseholdForm, PartyHouseholdForm, VisitForm
from staffing.models import BuildingHead, GridMember, Household, PartyHousehold, Visit
from staffing.services import grids, visits
from staffing.views.common import require_staff, submit, which
from workorders.models import Channel
from workorders.selectors import filing_categories


@require_safe
@login_required
def grid_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    today = timezone.localdate()
    overview = selectors.grid_overview(actor=request.user, today=today)
    context = {"rows": overview, "figures": selectors.pairing_figures(actor=request.user, today=today)}
    return render(request, "staffing/grid_list.html", context)


@object_view(Grid)
@login_required
@require_http_methods(["GET", "POST"])
def grid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    grid = access(request.user, Grid.objects.select_related("community__street"), pk=pk)
    today = timezone.localdate()
    may_manage = has(request.user, "staffing.manage_grid", grid)
    households = (
        Household.objects.visible_to(request.user)
        .filter(grid=grid, is_active=True)
        .select_related("compound", "building", "party_household__person")
    )
    forms = {
        "member": GridMemberForm(actor=request.user, grid=grid, initial={"start": today}),
        "head": BuildingHeadForm(actor=request.user, grid=grid, initial={"start": today}),
        "party": PartyHouseholdForm(actor=request.user, grid=grid, households=households, initial={"since": today}),
        "end": EndForm(initial={"end": today}),
    }
    if request.method == "POST":
        require(request.user, "staffing.manage_grid", grid)
        name = which(request)
        actor = request.user
        if name == "member":
            forms["member"] = form = GridMemberForm(request.POST, actor=actor, grid=grid)
            call = lambda d: grids.grid_member_assign(actor=actor, grid=grid, **d)  # noqa: E731
        elif name == "head":
            forms["head"] = form = BuildingHeadForm(request.POST, actor=actor, grid=grid)
            call = lambda d: grids.building_head_assign(actor=actor, **d)  # noqa: E731
        elif name == "party":
            forms["party"] = form = PartyHouseholdForm(request.POST, actor=actor, grid=grid, households=households)
            call = lambda d: grids.party_household_create(actor=actor, grid=grid, **d)  # noqa: E731
        else:
            forms["end"] = form = EndForm(request.POST)
            model = BuildingHead if name == "end-head" else GridMember
            field = "building__grids" if model is BuildingHead else "grid"

            def call(d):
                target = access(actor, model.objects.filter(**{field: grid}), action="change", pk=d["term"])
                if model is BuildingHead:
                    return grids.building_head_end(actor=actor, head=target, end=d["end"], reason=d["reason"])
                return grids.grid_member_end(actor=actor, member=target, end=d["end"], reason=d["reason"])

        done = submit(request, form, call, done=gettext("已保存。"))
        if done is not None:
            return done
    [overview] = selectors.grid_overview(actor=request.user, today=today, grids=Grid.objects.filter(pk=grid.pk))
    context = {
        "grid": grid,
        "overview": overview,
        "members": GridMember.objects.visible_to(request.user)
        .filter(grid=grid)
        .select_related("person")
        .order_by("side", "-start"),
        "heads": BuildingHead.objects.visible_to(request.user)
        .filter(building__grids=grid)
        .select_related("building__compound", "person")
        .order_by("building__compound__code", "building__name", "-start"),
        "party_households": PartyHousehold.objects.visible_to(request.user).filter(grid=grid).select_related("person"),
        "households": households.order_by("next_visit_on", "pk")[:100],
        "may_manage": may_manage,
        "may_add_household": has(request.user, "staffing.manage_households", grid.community),
        "forms": forms,
        "today": today,
    }
    status = 400 if any(f.errors for f in forms.values()) else 200
    return render(request, "staffing/grid_detail.html", context, status=status)


@require_safe
@login_required
def my_grid(request: HttpRequest) -> HttpResponse:
    """网格员的网格: the grids in the user's scope (a grid worker's own), each with its pair and the visits
    due this week, overdue first. Phone-first."""
    require_staff(request)
    today = timezone.localdate()
    grids_ = Grid.objects.visible_to(request.user).order_by("code")
    overview = selectors.grid_overview(actor=request.user, today=today, grids=grids_[:20])
    due = list(selectors.households_due(actor=request.user, today=today, within_days=7)[:50])
    context = {"overview": overview, "due": due, "today": today}
    return render(request, "staffing/my_grid.html", context)


@require_safe
@login_required
def visits_due(request: HttpRequest) -> HttpResponse:
    """应访住户: overdue first, then due within the week (phone-first)."""
    require_staff(request)
    today = timezone.localdate()
    due = list(selectors.households_due(actor=request.user, today=today, within_days=7)[:200])
    return render(request, "staffing/visits_due.html", {"due": due, "today": today})


@object_view(Household)
@login_required
@require_http_methods(["GET", "POST"])
def visit_log(request: HttpRequest, pk: int) -> HttpResponse:
    """走访登记 on the phone: three big choices, an optional note, a work order in the same tap."""
    require_staff(request)
    household = access(request.user, Household.objects.select_related("compound", "building", "grid"), pk=pk)
    require(request.user, "staffing.log_visit", household)
    categories = filing_categories(district_id=household.district_id)
    may_raise_order = has(request.user, "workorders.file", Channel.GRID)  # the channel visits.visit_log files on
    form = VisitForm(request.POST or None, categories=categories, may_raise_order=may_raise_order)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = onetime.once(
                request,
                form,
                district_id=household.district_id,
                create=lambda: visits.visit_log(
                    actor=request.user,
                    household=household,
                    outcome=data["outcome"],
                    findings=data["findings"],
                    raise_order=data.get("raise_order", False),
                    category=data.get("category"),
                ),
                url=lambda visit: reverse("staffing:visits-due"),
            )
        except ValidationError as error:
            errors_onto(form, error)
        else:
            if outcome is not None:
                from django.contrib import messages

                visit = outcome.record
                order = visit.work_order if visit is not None and visit.work_order_id else None
                if order:
                    text = gettext("已登记走访。已提交工单 %(code)s。") % {"code": order.tracking_code}
                else:
                    text = gettext("已登记走访。")
                if outcome.replayed:
                    text = onetime.REPLAYED_MESSAGE + text
                messages.success(request, text)
                return redirect(outcome.url)
    recent = Visit.objects.visible_to(request.user).filter(household=household).select_related("visitor")[:3]
    context = {"household": household, "form": form, "recent": recent}
    return render(request, "staffing/visit_form.html", context, status=400 if form.errors else 200)


@object_view(Household)
@login_required
@require_http_methods(["GET", "POST"])
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A household: masked head and phone (revealed on request, logged) and its visits."""
    require_staff(request)
    household = access(
        request.user, Household.objects.select_related("compound", "building", "grid", "party_household__person"), pk=pk
    )
    revealed = False
    if request.method == "POST" and request.POST.get("action") == "reveal":
        require(request.user, "staffing.log_visit", household)
        record_reveal(actor=request.user, obj=household, fields=["head_name", "phone"], via=request.get_full_path())
        revealed = True
    context = {
        "household": household,
        "revealed": revealed,
        "may_reveal": has(request.user, "staffing.log_visit", household),
        "visits": Visit.objects.visible_to(request.user)
        .filter(household=household)
        .select_related("visitor", "work_order")[:50],
        "today": timezone.localdate(),
    }
    return render(request, "staffing/household_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def household_new(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    require(request.user, "staffing.manage_households")
    form = HouseholdForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != onetime.FIELD}
        data["compound"] = data["building"].compound
        try:
            outcome = onetime.once(
                request,
                form,
                district_id=request.user.district_id,
                create=lambda: visits.household_register(actor=request.user, **data),
                url=lambda household: reverse("staffing:household", args=[household.pk]),
            )
        except ValidationError as error:
            errors_onto(form, error)
        else:
            if outcome is not None:
                from django.contrib import messages

                messages.success(request, onetime.REPLAYED_MESSAGE if outcome.replayed else gettext("已登记住户。"))
                return redirect(outcome.url)
    return render(request, "staffing/household_form.html", {"form": form}, status=400 if form.errors else 200)
