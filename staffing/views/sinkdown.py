"""Sink-down teams (组团式下沉服务队): the teams with counts of their work per community and task type, and
one team's members, communities and task log."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from accounts.permissions import has, require
from accounts.policy import access, object_view
from compounds.models import Community
from staffing import selectors
from staffing.forms import EndForm, SinkDownMemberForm, SinkDownPostForm, SinkDownTaskForm, SinkDownTeamForm
from staffing.models import SinkDownMember, SinkDownPost, SinkDownTask, SinkDownTaskType, SinkDownTeam
from staffing.services import sinkdown
from staffing.views.common import require_staff, submit, which


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


@login_required
@require_http_methods(["GET", "POST"])
def team_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    year = _year(request)
    form = SinkDownTeamForm(actor=request.user, initial={"formed_on": timezone.localdate()})
    if request.method == "POST":
        require(request.user, "staffing.manage_sinkdown")
        form = SinkDownTeamForm(request.POST, actor=request.user)
        done = submit(
            request, form, lambda d: sinkdown.team_create(actor=request.user, **d), done=gettext("已组建服务队。")
        )
        if done is not None:
            return done
    rows, totals = selectors.sinkdown_counts(actor=request.user, start=date(year, 1, 1), end=date(year + 1, 1, 1))
    teams = SinkDownTeam.objects.visible_to(request.user).select_related("department").distinct().order_by("name")
    context = {
        "teams": teams,
        "rows": rows,
        "totals": [(t.label, totals[t.value]) for t in SinkDownTaskType],
        "total": sum(totals.values()),
        "types": SinkDownTaskType.choices,
        "year": year,
        "form": form,
        "may_manage": has(request.user, "staffing.manage_sinkdown"),
    }
    return render(request, "staffing/sinkdown_list.html", context, status=400 if form.errors else 200)


@object_view(SinkDownTeam)
@login_required
@require_http_methods(["GET", "POST"])
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    actor = request.user
    team = access(actor, SinkDownTeam.objects.select_related("department").distinct(), pk=pk)
    today = timezone.localdate()
    communities = Community.objects.filter(
        pk__in=SinkDownPost.objects.current(today).filter(team=team).values("community")
    ).order_by("code")
    forms = {
        "member": SinkDownMemberForm(actor=actor, initial={"start": today}),
        "post": SinkDownPostForm(actor=actor, initial={"start": today}),
        "task": SinkDownTaskForm(communities=communities, initial={"done_on": today}),
        "end": EndForm(initial={"end": today}),
    }
    if request.method == "POST":
        name = which(request)
        if name == "task":
            require(actor, "staffing.log_sinkdown_task", team)
            forms["task"] = form = SinkDownTaskForm(request.POST, communities=communities)
            call = lambda d: sinkdown.task_log(actor=actor, team=team, **d)  # noqa: E731
        else:
            require(actor, "staffing.manage_sinkdown", team)
            if name == "member":
                forms["member"] = form = SinkDownMemberForm(request.POST, actor=actor)
                call = lambda d: sinkdown.member_add(actor=actor, team=team, **d)  # noqa: E731
            elif name == "post":
                forms["post"] = form = SinkDownPostForm(request.POST, actor=actor)
                call = lambda d: sinkdown.post_add(actor=actor, team=team, **d)  # noqa: E731
            else:
                forms["end"] = form = EndForm(request.POST)
                model = SinkDownPost if name == "end-post" else SinkDownMember

                def call(d):
                    row = access(actor, model.objects.filter(team=team), pk=d["term"])
                    if model is SinkDownPost:
                        return sinkdown.post_end(actor=actor, post=row, end=d["end"], reason=d["reason"])
                    return sinkdown.member_end(actor=actor, member=row, end=d["end"], reason=d["reason"])

        done = submit(request, form, call, done=gettext("已保存。"))
        if done is not None:
            return done
    year = _year(request)
    rows, totals = selectors.sinkdown_counts(
        actor=actor, start=date(year, 1, 1), end=date(year + 1, 1, 1), team_id=team.pk
    )
    context = {
        "team": team,
        "members": SinkDownMember.objects.filter(team=team)
        .select_related("person__department")
        .order_by("end", "-is_leader", "person__name"),
        "posts": SinkDownPost.objects.filter(team=team)
        .select_related("community__street")
        .order_by("end", "community__code"),
        "tasks": SinkDownTask.objects.visible_to(actor).filter(team=team).select_related("community").distinct()[:50],
        "rows": rows,
        "totals": [(t.label, totals[t.value]) for t in SinkDownTaskType],
        "total": sum(totals.values()),
        "types": SinkDownTaskType.choices,
        "year": year,
        "forms": forms,
        "may_manage": has(actor, "staffing.manage_sinkdown", team),
        "may_log": has(actor, "staffing.log_sinkdown_task", team),
        "today": today,
    }
    status = 400 if any(f.errors for f in forms.values()) else 200
    return render(request, "staffing/sinkdown_detail.html", context, status=status)
