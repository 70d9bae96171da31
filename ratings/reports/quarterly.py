"""The quarterly red / grey / black list of property firms 物业企业季度红灰黑榜."""

import time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from ratings import selectors, services
from ratings.models import RatingPeriod, Report, ReportKind
from reports.rendering import bar_chart
from reports.rendering import render_pdf as render_pdf_in_any_language

BANDS = [
    ("60 分以下", None, Decimal(60), "#333333"),
    ("60–70 分", Decimal(60), Decimal(70), "#8c8c8c"),
    ("70–80 分", Decimal(70), Decimal(80), "#a6a6a6"),
    ("80–90 分", Decimal(80), Decimal(90), "#bfbfbf"),
    ("90 分及以上", Decimal(90), None, "#c0392b"),
]


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """The PDF is an official document in Chinese, whatever the language of the page that asked for it: the models'
    labels it prints (a period's state, a panel party) are marked for translation."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf_in_any_language(template, context)


def context(period: RatingPeriod, *, actor: Any) -> dict:
    """The PDF's figures, within `actor`'s scope (a district official or the build task's SystemActor: the whole
    district)."""
    summary = selectors.list_summary(period, actor=actor)
    rules = selectors.rating_settings(period.district_id)
    totals = [s.total for s in summary["scores"] if s.rank is not None]
    bars = [
        {
            "label": label,
            "value": sum(1 for t in totals if (low is None or t >= low) and (high is None or t < high)),
            "colour": colour,
        }
        for label, low, high, colour in BANDS
    ]
    return {
        "period": period,
        "district": period.district,
        "summary": summary,
        "rules": rules,
        "streets": selectors.street_breakdown(period, actor=actor),
        "chart": bar_chart(bars, unit="家"),
        "tie_rule": selectors.TIE_RULE,
        "built_at": timezone.localtime(),
        "title": f"{period.district.name}{period.year}年第{period.quarter}季度物业企业红灰黑榜",
    }


def render(period: RatingPeriod, *, actor: Any) -> bytes:
    return render_pdf("ratings/reports/quarterly.html", context(period, actor=actor))


def build(*, actor: Any, period: RatingPeriod) -> Report:
    began = time.perf_counter()
    ctx = context(period, actor=actor)
    pdf = render_pdf("ratings/reports/quarterly.html", ctx)
    return services.report_save(
        actor=actor,
        district_id=period.district_id,
        kind=ReportKind.QUARTERLY_LISTS,
        period=period,
        title=ctx["title"],
        pdf=pdf,
        seconds=time.perf_counter() - began,
    )
