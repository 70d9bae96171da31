"""`?ordering=` with a tie-breaker: rows that tie on the asked field(s) come in primary-key order, so that
pages of a paginated list neither repeat nor skip a row."""

from typing import Any

from rest_framework.filters import OrderingFilter


class StableOrderingFilter(OrderingFilter):
    def get_ordering(self, request: Any, queryset: Any, view: Any) -> list[str] | None:
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        ordering = list(ordering)
        if not any(field.lstrip("-") in ("pk", "id") for field in ordering):
            ordering.append("pk")
        return ordering
