"""Staff stars: a quarter's assessments with the rule written beside them; prepare (case figures from the
work orders), grade (业务能力, 服务态度) and approve."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods

from accounts.forms import errors_onto
from accounts.permissions import has, require
from accounts.policy import access
from staffing import grading
from staffing.forms import GradeForm, quarter_of
from staffing.models import StarAssessment
from staffing.services import stars
from staffing.views.common import require_staff, which


def _quarter(request: HttpRequest) -> tuple[int, int]:
    year, quarter = quarter_of(timezone.localdate())
    # the quarter that just ended is the one to assess
    default = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    try:
        asked = int(request.GET.get("year", "")), int(request.GET.get("quarter", ""))
    except ValueError:
        return default
    return asked if 2000 <= asked[0] <= 2100 and 1 <= asked[1] <= 4 else default


@login_required
@require_http_methods(["GET", "POST"])
def quarter(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    actor = request.user
    year, number = _quarter(request)
    grade_form = GradeForm()
    failed_id = None
    if request.method == "POST":
        name = which(request)
        try:
            if name == "prepare":
                require(actor, "staffing.assess_stars")
                written = stars.star_quarter_prepare(actor=actor, district=actor.district_id, year=year, quarter=number)
                text = ngettext("已提取 %(n)s 人的案件数据。", "已提取 %(n)s 人的案件数据。", written)
                messages.success(request, text % {"n": written})
            elif name == "approve":
                require(actor, "staffing.approve_stars")
                approved, waiting = stars.star_quarter_approve(
                    actor=actor, district=actor.district_id, year=year, quarter=number
                )
                text = gettext("已审定 %(approved)s 人；尚有 %(waiting)s 人未评分。")
                messages.success(request, text % {"approved": approved, "waiting": waiting})
            else:
                grade_form = GradeForm(request.POST)
                if grade_form.is_valid():
                    data = grade_form.cleaned_data
                    assessment = access(actor, StarAssessment, action="change", pk=data["assessment"])
                    stars.star_assessment_grade(
                        actor=actor,
                        assessment=assessment,
                        proficiency=data["proficiency"],
                        attitude=data["attitude"],
                        note=data["note"],
                    )
                    messages.success(request, gettext("已为%(person)s评分。") % {"person": assessment.person})
                else:
                    failed_id = request.POST.get("assessment")
                    raise ValidationError(gettext("评分应为 0 至 100 的数字。"))
        except ValidationError as error:
            errors_onto(grade_form, error)
            failed_id = failed_id or request.POST.get("assessment")
        else:
            return redirect(request.get_full_path())
    rows = (
        StarAssessment.objects.visible_to(actor)
        .filter(year=year, quarter=number)
        .select_related("person", "community", "street")
        .order_by("street__code", "community__code", "person__name")
    )
    context = {
        "rows": rows,
        "year": year,
        "quarter": number,
        "quarters": [(y, q) for y in (year - 1, year, year + 1) for q in (1, 2, 3, 4)],
        "rule": grading.RULE_LINES,
        "grade_form": grade_form,
        "failed_id": str(failed_id or ""),
        "may_assess": has(actor, "staffing.assess_stars"),
        "may_approve": has(actor, "staffing.approve_stars"),
        "graded": sum(1 for r in rows if r.score is not None),
        "approved": sum(1 for r in rows if r.approved),
    }
    return render(request, "staffing/stars.html", context, status=400 if grade_form.errors else 200)
