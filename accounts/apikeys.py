"""API keys as integrations send them (Open311's `api_key` parameter): one function that says whose key it is.

    user = user_for_key(request.GET.get("api_key", ""))   # an active User, or None

Interim implementation on DRF's Token: helper "gate" replaces this module with hashed, expiring, revocable
keys and `manage.py issue_api_key`; the function's name and answer stay. Callers check what the account may do
(Open311 reads and writes: an integration account of Integration.OPEN311 in the jurisdiction's district)."""

from __future__ import annotations

from rest_framework.authtoken.models import Token

from accounts.models import User

MAX_KEY_LENGTH = 128


def user_for_key(key: str) -> User | None:
    """The active user whose API key `key` is, or None (unknown, empty, malformed or inactive)."""
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isalnum():
        return None
    token = Token.objects.select_related("user__district").filter(key=key).first()
    if token is None or not token.user.is_active:
        return None
    return token.user
