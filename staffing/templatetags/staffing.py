"""Template filters of the staffing pages and PDFs: `{% load staffing %}`."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

from staffing import wording

register = template.Library()


@register.filter
def percent(value: Any) -> str:
    """A 0–1 rate as 12.5%; — for none."""
    if value is None or value == "":
        return "—"
    number = (Decimal(value) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{number.normalize():f}%" if number == number.to_integral() else f"{number}%"


@register.filter
def star_marks(value: Any) -> str:
    """★★★☆☆ for 3 stars (out of five)."""
    if not value:
        return "—"
    count = max(0, min(5, int(value)))
    return "★" * count + "☆" * (5 - count)


@register.filter
def term_reason(value: Any) -> str:
    """A term's end reason in the page's language when the services wrote it (由张三接任, 离任); else as typed."""
    return wording.term_reason(value or "")
