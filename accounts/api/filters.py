"""The API's filter backends (settings.REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"]): django-filter's, except that
an optional filter sent empty (`?district=`, as forms and generated clients send it) means "not filtered" for
every filter alike, instead of a 400 from the filters that choose among objects. (Ordering with ties broken by
the primary key: accounts.api.ordering.)"""

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend


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
