"""The report room's funding report (reports.registry): a year's fund execution per tier, street and community
(allocated, requested, approved, paid, % executed, balance, carry-over), as a PDF in the look of the ratings
and staffing reports. Built by the report room's Celery task."""

from __future__ import annotations

from typing import Any

from accounts.roles import Role
from funding import selectors
from funding.money import fen_text
from reports import registry
from reports.rendering import bar_chart, render_pdf

EXECUTION = "funding.execution"


def execution_context(*, actor: Any, report: Any) -> dict[str, Any]:
    year = int(report.key)
    execution = selectors.fund_execution(actor=actor, year=year)
    chart = bar_chart(
        [
            {
                "label": row.name,
                "value": round((row.executed or 0) * 100, 1),
                "colour": "#2e6da4" if (row.executed or 0) >= 0.5 else "#c0392b",
            }
            for row in execution.streets
        ],
        width=520,
        height=210,
        unit="%",
    )
    return {
        "year": year,
        "period_label": registry.YEARS.label(report.key),
        "execution": execution,
        "chart": chart,
        "by_category": [(label, fen_text(total)) for label, total in execution.by_category],
    }


def render_execution(context: dict[str, Any]) -> bytes:
    return render_pdf("funding/reports/execution.html", context)


registry.register(
    registry.ReportKind(
        code=EXECUTION,
        label="社区经费执行情况",
        periods=registry.YEARS,
        collect=execution_context,
        render=render_execution,
        view_roles={Role.STREET_STAFF},
        request_roles={Role.STREET_STAFF},
    )
)
