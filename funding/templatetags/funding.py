"""Template filters of the funding pages and PDFs: `{% load funding %}`."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

from funding.money import fen_text

register = template.Library()


@register.filter
def yuan(fen: Any) -> str:
    """Integer fen as ¥1,234.56."""
    return fen_text(fen)


@register.filter
def rate(value: Any) -> str:
    """A 0–1 share as 12.5%; — for none."""
    if value is None or value == "":
        return "—"
    number = (Decimal(str(value)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{number}%"


@register.filter
def whole_yuan(value: Any) -> str:
    return "—" if value is None else f"{int(value):,}"


@register.filter
def waited(panel: Any, request: Any) -> int:
    """Days a request has waited, for the street cockpit's panel."""
    return panel.waited_days(request)
