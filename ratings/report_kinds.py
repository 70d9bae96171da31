"""The report room's ratings reports (reports.registry): the monthly street ranking by the three rates
(街道工单三率月度排名, ratings/reports/monthly.py) — built by beat on the 1st for the month that ended
(ratings.tasks.request_monthly_rankings_task) and on demand from the KPI page or the room; and the quarter's
red / grey / black list of property firms (物业企业季度红灰黑榜, ratings/reports/quarterly.py), built from the
period page's "计算得分并生成报告" (ratings.services.quarter_build_enqueue): the scores are computed in the
build, and the page follows its progress and links the PDF when it is done."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from accounts.roles import Role
from compounds.models import District
from ratings.models import RatingPeriod
from ratings.reports import monthly, quarterly
from reports import registry
from reports.rendering import render_pdf

MONTHLY_STREETS = "ratings.monthly_streets"
QUARTERLY_LISTS = "ratings.quarterly_lists"


def monthly_context(*, actor: Any, report: Any) -> dict[str, Any]:
    district = District.objects.get(pk=report.district_id)
    month = registry.month_start(report.key)
    return monthly.context(district, month, monthly.street_rows(district, month))


def render_monthly(context: dict[str, Any]) -> bytes:
    return render_pdf("ratings/reports/monthly.html", context)


registry.register(
    registry.ReportKind(
        code=MONTHLY_STREETS,
        label="街道工单三率月度排名",
        periods=registry.MONTHS,
        collect=monthly_context,
        render=render_monthly,
        view_roles={Role.STREET_STAFF},  # the district-wide ranking: not for firms, departments or grid workers
        request_roles=set(),
    )
)


def quarterly_context(*, actor: Any, report: Any) -> dict[str, Any]:
    """The quarter's scores computed afresh (a published quarter is frozen: its results as they were
    published), then the PDF's figures."""
    from ratings import services

    year, quarter = registry.quarter_bounds(report.key)
    period = (
        RatingPeriod.objects.select_related("district")
        .filter(district_id=report.district_id, year=year, quarter=quarter)
        .first()
    )
    if period is None:
        raise ValidationError("该季度尚未建立物业考评。", code="no_period")
    if not period.is_frozen:
        services.period_compute(actor=actor, period=period)
        period.refresh_from_db()
    return quarterly.context(period, actor=actor)


def render_quarterly(context: dict[str, Any]) -> bytes:
    return render_pdf("ratings/reports/quarterly.html", context)


registry.register(
    registry.ReportKind(
        code=QUARTERLY_LISTS,
        label="物业企业季度红灰黑榜",
        periods=registry.QUARTERS,
        collect=quarterly_context,
        render=render_quarterly,
        view_roles=set(),  # district officials only, as the quarter's scores before publication
        request_roles=set(),
    )
)
