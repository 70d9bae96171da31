"""The API's filter backends (settings.REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"]): django-filter's, except that
an optional filter sent empty (`?district=`, as forms and generated clients send it) means "not filtered" for
every filter alike, instead of a 400 from the filters that choose among objects; and DRF's ordering, with the
primary key breaking ties."""

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter


class FilterBackend(DjangoFilterBackend):
    def get_filterset_kwargs(self, request: Any, queryset: Any, view: Any) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        data = kwargs["data"].copy()
        for key in list(data.keys()):
            values = [value for value in data.getlist(key) if value.strip()]
            if values:
                data.setlist(key, values)
            else:
                del data[key]
        kwargs["data"] = data
        return kwargs


class StableOrderingFilter(OrderingFilter):
    """DRF's `?ordering=`, with the primary key as the last key: rows that tie on the asked field come in one
    order every time (pages neither repeat nor skip rows)."""

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> Any:
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not any(str(field).lstrip("-") in ("pk", "id") for field in ordering):
            ordering = [*ordering, "pk"]
        return ordering
