"""The monthly work-order ranking of streets by the three rates (街道工单三率月度排名).

The figures come from the work-order app: `workorders.selectors.street_kpis(*, district, start, end)`,
looked up at run time. Until that app provides it, `build` refuses with a Chinese message, and the
template and the rendering path can be exercised with `render(rows=...)`.
"""

import datetime
import time
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from compounds.models import District, Street
from ratings import services
from ratings.models import Report, ReportKind
from ratings.reports.rendering import bar_chart, render_pdf

UNAVAILABLE = "工单模块尚未提供街道三率数据（workorders.selectors.street_kpis），暂不能生成月度排名。"


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = month.replace(day=1)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, end


def _percent(value: Any) -> Decimal | None:
    if value is None:
        return None
    number = Decimal(str(value))
    return (number * 100 if number <= 1 else number).quantize(Decimal("0.1"))


def street_rows(district: District, month: datetime.date) -> list[dict]:
    """Rows {street, orders, response_rate, resolution_rate, satisfaction_rate} from the work-order app."""
    try:
        from workorders import selectors as workorder_selectors
    except ImportError as error:
        raise ValidationError(UNAVAILABLE) from error
    street_kpis = getattr(workorder_selectors, "street_kpis", None)
    if street_kpis is None:
        raise ValidationError(UNAVAILABLE)
    start, end = month_bounds(month)
    result = street_kpis(district=district, start=start, end=end)
    streets = {s.pk: s for s in Street.objects.filter(district=district)}
    items: Iterable = result.items() if isinstance(result, Mapping) else ((None, row) for row in result)
    rows = []
    for key, row in items:
        row = row if isinstance(row, Mapping) else vars(row)
        street = row.get("street", row.get("street_id", key))
        street = streets.get(getattr(street, "pk", street))
        if street is None:
            continue
        rows.append(
            {
                "street": street,
                "orders": int(row.get("orders", 0) or 0),
                "response_rate": _percent(row.get("response_rate")),
                "resolution_rate": _percent(row.get("resolution_rate")),
                "satisfaction_rate": _percent(row.get("satisfaction_rate")),
            }
        )
    return rows


def ranked(rows: list[dict]) -> list[dict]:
    """Rank by the mean of the three rates (a missing rate counts 0); ties: more orders, then street code."""
    for row in rows:
        rates = [row[k] or Decimal(0) for k in ("response_rate", "resolution_rate", "satisfaction_rate")]
        row["composite"] = (sum(rates, Decimal(0)) / 3).quantize(Decimal("0.1"))
    rows = sorted(rows, key=lambda r: (-r["composite"], -r["orders"], r["street"].code))
    for position, row in enumerate(rows, start=1):
        row["rank"] = position
    return rows


def context(district: District, month: datetime.date, rows: list[dict]) -> dict:
    rows = ranked(rows)
    chart = bar_chart(
        [{"label": r["street"].name, "value": float(r["composite"]), "colour": "#2e6da4"} for r in rows[:12]],
        unit="%",
    )
    return {
        "district": district,
        "month": month,
        "rows": rows,
        "chart": chart,
        "orders": sum(r["orders"] for r in rows),
        "built_at": timezone.localtime(),
        "title": f"{district.name}{month.year}年{month.month}月街道工单三率排名",
    }


def render(*, district: District, month: datetime.date, rows: list[dict]) -> bytes:
    return render_pdf("ratings/reports/monthly.html", context(district, month, rows))


def build(*, district: District, month: datetime.date) -> Report:
    began = time.perf_counter()
    month = month.replace(day=1)
    ctx = context(district, month, street_rows(district, month))
    pdf = render_pdf("ratings/reports/monthly.html", ctx)
    return services.report_save(
        district_id=district.pk,
        kind=ReportKind.MONTHLY_STREETS,
        month=month,
        title=ctx["title"],
        pdf=pdf,
        seconds=time.perf_counter() - began,
    )
