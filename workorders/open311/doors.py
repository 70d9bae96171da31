"""Open311's public door (settings.TENANCY_PUBLIC_DOORS): the district a request is for, found before the view
runs by narrow lookups only, so that the request then runs inside that district (accounts.tenancy).

The same order as the view's `jurisdiction`: `jurisdiction_id` (a district's code), else the district of the
integration key sent as `api_key`, else the only district when the server has one. None when none is found:
the view then sees no district and answers the spec's 404 or 400 itself.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig

from accounts.apikeys import key_for
from accounts.tenancy import door_lookup, reading_users


def _param(request: Any, name: str) -> str:
    value = request.GET.get(name) or ""
    if not value and request.method == "POST":
        # A body over Django's limit is left to the view, which answers it in Open311's error format (reading
        # it here would consume the stream the view then finds empty).
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and int(request.META.get("CONTENT_LENGTH") or 0) > limit:
            return ""
        try:
            value = request.POST.get(name) or ""
        except RequestDataTooBig:
            return ""
    return value.strip() if "\x00" not in value else ""


def district_of(request: Any, view_kwargs: dict) -> int | None:
    code = _param(request, "jurisdiction_id")
    if code:
        return door_lookup("capillary_door_district_code", code)
    key = _param(request, "api_key")
    if key:
        with reading_users():
            found = key_for(key)
            user = found.user if found is not None else None
        if user is None or user.is_platform_admin:
            return None
        return user.district_id
    return door_lookup("capillary_door_only_district", "-")
