from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """A rate (Decimal fraction, 0.9231) as "92.3%"; None (nothing counted) as "—", never 0."""
    if value is None or value == "":
        return "—"
    return f"{(Decimal(value) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


@register.filter
def without_page(params) -> str:
    """A request's query parameters without `page`, urlencoded: what a list's pager links keep (_pager.html)."""
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()
