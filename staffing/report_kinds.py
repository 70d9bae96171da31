"""The report room's staffing reports (reports.registry): the "2+4" coverage of a quarter, as a PDF in the
ratings reports' look. Built by the report room's Celery task; a beat task asks for a fresh version of the
current quarter every Monday (staffing.tasks)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_noop

from accounts.roles import Role
from reports import registry
from reports.rendering import bar_chart, render_pdf
from staffing import selectors
from staffing.models import SEATS

COVERAGE = "staffing.coverage"


def coverage_day(key: str, today: date) -> date:
    """The day a quarter's coverage report describes: the quarter's last day, or today while it runs."""
    year, quarter = registry.quarter_bounds(key)
    last = (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)) - timedelta(days=1)
    return min(last, today)


def coverage_context(*, actor: Any, report: Any) -> dict[str, Any]:
    on = coverage_day(report.key, registry.today())
    coverage = selectors.team_coverage(actor=actor, on=on)
    vacancies = [v for v in coverage.vacancies if v.since is not None or v.cause == "firm_changed"]
    unformed = [t.compound for t in coverage.teams if t.team is None]
    colours = ["#2e6da4", "#4a8bc2", "#c0392b", "#8e44ad", "#d68910", "#1f7a4d"]
    chart = bar_chart(
        [
            {"label": seat.label, "value": coverage.district.by_seat[seat.value], "colour": colours[i]}
            for i, seat in enumerate(SEATS)
        ],
        width=500,
        height=200,
    )
    return {
        "on": on,
        "period_label": registry.QUARTERS.label(report.key),
        "coverage": coverage,
        "district_figures": coverage.district,
        "streets": coverage.streets,
        "vacancies": vacancies,
        "unformed": unformed,
        "seats": SEATS,
        "chart": chart,
    }


def render_coverage(context: dict[str, Any]) -> bytes:
    # An official document: Chinese, whatever the language of the request that asked for it (seat labels and
    # vacancy reasons are lazily translated and worded here).
    with translation.override("zh-hans"):
        return render_pdf("staffing/reports/coverage.html", context)


registry.register(
    registry.ReportKind(
        code=COVERAGE,
        label=gettext_noop("“2+4”服务团队配齐情况"),  # kept in Chinese (report titles); the room translates it
        periods=registry.QUARTERS,
        collect=coverage_context,
        render=render_coverage,
        view_roles={Role.STREET_STAFF},
        request_roles={Role.STREET_STAFF},
    )
)
