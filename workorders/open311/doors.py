"""Open311's public door (settings.TENANCY_PUBLIC_DOORS): the district a request is for, found before the view
runs by narrow lookups only, so that the request then runs inside that district (accounts.tenancy).

The same order as the view's `jurisdiction`: `jurisdiction_id` (a district's code), else the district of the
integration key sent as `api_key`, else the only district when the server has one. None when none is found:
the view then sees no district and answers the spec's 404 or 400 itself.

The key sent as `api_key` is looked up here, once, and handed on to the view (`request.open311_key`,
`key_lookup`): the view's check of the caller reads that lookup instead of asking the database again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig

from accounts.apikeys import key_for
from accounts.models import ApiKey
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


@dataclass(frozen=True)
class KeyLookup:
    """The door's one lookup of the `api_key` sent (`key` None: unknown, expired, revoked or inactive), handed on
    to the view as `request.open311_key` so that the view does not look the same key up again."""

    plain: str
    key: ApiKey | None

    @property
    def user(self) -> Any:
        return self.key.user if self.key is not None else None


def key_lookup(request: Any) -> KeyLookup | None:
    """The key sent with the request, looked up once per request (None when no key was sent)."""
    if not hasattr(request, "open311_key"):
        plain = _param(request, "api_key")
        found = None
        if plain:
            with reading_users():
                found = KeyLookup(plain, key_for(plain))
        request.open311_key = found
    return request.open311_key


def district_of(request: Any, view_kwargs: dict) -> int | None:
    code = _param(request, "jurisdiction_id")
    lookup = key_lookup(request)
    if code:
        return door_lookup("capillary_door_district_code", code)
    if lookup is not None:
        user = lookup.user
        if user is None or user.is_platform_admin:
            return None
        return user.district_id
    return door_lookup("capillary_door_only_district", "-")
