"""The monthly work-order ranking of streets by the three rates (街道工单三率月度排名).

The figures and the ranking come from the work-order app — `workorders.selectors.street_ranking(*,
district, month)`, looked up at run time so that ratings does not import workorders when it loads. The
ranking rule is theirs (score = mean of response, resolution and satisfaction rates × 100; ties: more
orders, then street code; streets without orders last, unranked).
"""

import datetime
import time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from compounds.models import District
from ratings import services
from ratings.models import Report, ReportKind
from reports.rendering import bar_chart
from reports.rendering import render_pdf as render_pdf_in_any_language

UNAVAILABLE = "工单模块尚未提供街道三率排名（workorders.selectors.street_ranking），暂不能生成月度排名。"


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """The PDF is an official document in Chinese, whatever the language of the page that asked for it: the models'
    labels it prints (a period's state, a panel party) are marked for translation."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf_in_any_language(template, context)


def _percent(value: Any) -> Decimal | None:
    """A 0–1 fraction from the work-order app as a percentage with one decimal (None stays None)."""
    return None if value is None else (Decimal(str(value)) * 100).quantize(Decimal("0.1"))


def street_rows(district: District, month: datetime.date) -> list[dict]:
    """Rows {rank, street, orders, response_rate, resolution_rate, satisfaction_rate, composite}."""
    try:
        from workorders import selectors as workorder_selectors
    except ImportError as error:
        raise ValidationError(UNAVAILABLE) from error
    street_ranking = getattr(workorder_selectors, "street_ranking", None)
    if street_ranking is None:
        raise ValidationError(UNAVAILABLE)
    rows = []
    for entry in street_ranking(district=district, month=month):
        figures = entry.figures or {}
        rows.append(
            {
                "rank": entry.rank,
                "street": entry.street,
                "orders": int(figures.get("orders") or 0),
                "response_rate": _percent(figures.get("response_rate")),
                "resolution_rate": _percent(figures.get("resolution_rate")),
                "satisfaction_rate": _percent(figures.get("satisfaction_rate")),
                "composite": entry.score,
            }
        )
    return rows


def context(district: District, month: datetime.date, rows: list[dict]) -> dict:
    ranked = [r for r in rows if r["rank"] is not None]
    chart = bar_chart(
        [{"label": r["street"].name, "value": float(r["composite"] or 0), "colour": "#2e6da4"} for r in ranked[:10]],
        width=640,
        unit="",
    )
    return {
        "district": district,
        "month": month,
        "rows": rows,
        "ranked": len(ranked),
        "chart": chart,
        "orders": sum(r["orders"] for r in rows),
        "built_at": timezone.localtime(),
        "title": f"{district.name}{month.year}年{month.month}月街道工单三率排名",
    }


def render(*, district: District, month: datetime.date, rows: list[dict]) -> bytes:
    return render_pdf("ratings/reports/monthly.html", context(district, month.replace(day=1), rows))


def build(*, actor: Any, district: District, month: datetime.date) -> Report:
    """Build and store the month's ranking as `actor` (a person or a task's SystemActor in the district)."""
    began = time.perf_counter()
    month = month.replace(day=1)
    ctx = context(district, month, street_rows(district, month))
    pdf = render_pdf("ratings/reports/monthly.html", ctx)
    return services.report_save(
        actor=actor,
        district_id=district.pk,
        kind=ReportKind.MONTHLY_STREETS,
        month=month,
        title=ctx["title"],
        pdf=pdf,
        seconds=time.perf_counter() - began,
    )
