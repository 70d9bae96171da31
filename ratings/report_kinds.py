"""The report room's ratings reports (reports.registry): the monthly street ranking by the three rates
(街道工单三率月度排名, ratings/reports/monthly.py) — built by beat on the 1st for the month that ended
(ratings.tasks.request_monthly_rankings_task) and on demand from the KPI page or the room."""

from __future__ import annotations

from typing import Any

from accounts.roles import Role
from compounds.models import District
from ratings.reports import monthly
from reports import registry
from reports.rendering import render_pdf

MONTHLY_STREETS = "ratings.monthly_streets"


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
