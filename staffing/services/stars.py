"""Staff stars 星级评定: prepare a quarter (case figures from the work orders), grade, approve.

Case figures come only through workorders.selectors.staff_case_figures (staffing reads work orders through
that selector; workorders never imports staffing). An approved assessment is frozen.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.policy import CHANGE
from compounds.models import District
from staffing import grading
from staffing.models import ASSESSED_ROLES, Person, StarAssessment
from staffing.services.common import acting, actor_user, reach
from workorders.selectors import staff_case_figures


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """[first day of the quarter, first day of the next quarter)."""
    if not (1 <= quarter <= 4) or not (2000 <= year <= 2100):
        raise ValidationError({"quarter": gettext("季度应为 1 至 4，年度应在 2000 至 2100 之间。")})
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end


def _regrade(assessment: StarAssessment) -> None:
    result = grading.grade(
        proficiency=assessment.proficiency,
        attitude=assessment.attitude,
        accepted=assessment.cases_accepted,
        completed=assessment.cases_completed,
        rated=assessment.cases_rated,
        satisfied=assessment.cases_satisfied,
    )
    assessment.score, assessment.stars = result.score, result.stars


@transaction.atomic
def star_quarter_prepare(
    *, actor: Any, district: District | int, year: int, quarter: int, now: datetime | None = None
) -> int:
    """Open (or refresh) a quarter's assessments for the community and grid staff inside the actor's change
    scope: one row per active person, with the quarter's case figures from the work orders. Approved rows
    are left alone; running it again refreshes the figures of the others. Returns the rows written."""
    acting(actor, "staffing.assess_stars")
    district_id = getattr(district, "pk", district)
    start, end = quarter_bounds(year, quarter)
    now = now or timezone.now()
    if start > timezone.localdate(now):
        message = gettext("%(year)s年第%(quarter)s季度尚未开始，不能评定。")
        raise ValidationError({"quarter": message % {"year": year, "quarter": quarter}})
    people = list(
        Person.objects.visible_to(actor, CHANGE)
        .filter(district_id=district_id, role__in=ASSESSED_ROLES, is_active=True, community__isnull=False)
        .select_related("community")
    )
    figures = staff_case_figures(
        district_id=district_id,
        user_ids=[p.account_id for p in people if p.account_id],
        start=start,
        end=end,
    )
    existing = {
        a.person_id: a
        for a in StarAssessment.objects.select_for_update().filter(
            district_id=district_id, year=year, quarter=quarter, person__in=people
        )
    }
    written = 0
    for person in people:
        assessment = existing.get(person.pk) or StarAssessment(
            district_id=district_id, person=person, year=year, quarter=quarter
        )
        if assessment.approved:
            continue
        assessment.role = person.role
        assessment.community = person.community
        assessment.street_id = person.community.street_id
        numbers = figures.get(person.account_id) if person.account_id else None
        assessment.cases_accepted = numbers.accepted if numbers else None
        assessment.cases_completed = numbers.completed if numbers else None
        assessment.cases_rated = numbers.rated if numbers else None
        assessment.cases_satisfied = numbers.satisfied if numbers else None
        assessment.figures_at = now
        _regrade(assessment)
        assessment.full_clean()
        assessment.save()
        written += 1
    return written


@transaction.atomic
def star_assessment_grade(
    *, actor: Any, assessment: StarAssessment | int, proficiency: Decimal, attitude: Decimal, note: str = ""
) -> StarAssessment:
    """The assessor's two scores (业务能力, 服务态度); the score and stars follow from the rule."""
    assessment = reach(actor, StarAssessment, assessment, lock=True)
    acting(actor, "staffing.assess_stars", assessment)
    if assessment.approved:
        raise ValidationError(gettext("该评定已审定，不能再修改。"))
    assessment.proficiency, assessment.attitude = proficiency, attitude
    assessment.note = (note or "").strip()
    assessment.assessed_by = actor_user(actor)
    _regrade(assessment)
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def star_quarter_approve(
    *, actor: Any, district: District | int, year: int, quarter: int, now: datetime | None = None
) -> tuple[int, int]:
    """审定: freeze every graded assessment of the quarter in the district. Returns (approved now, still
    waiting for the assessor's scores)."""
    acting(actor, "staffing.approve_stars")
    district_id = getattr(district, "pk", district)
    rows = (
        StarAssessment.objects.visible_to(actor, CHANGE)
        .select_for_update()
        .filter(district_id=district_id, year=year, quarter=quarter, approved_at__isnull=True)
    )
    graded = rows.filter(score__isnull=False)
    waiting = rows.filter(score__isnull=True).count()
    approved = graded.update(approved_at=now or timezone.now(), approved_by=actor_user(actor))
    return approved, waiting
