"""API keys (accounts.models.ApiKey): issue, check, revoke.

    key, plain = api_key_issue(actor=user, user=user, name="脚本")   # `plain` is shown once, never stored
    user = user_for_key(request.GET.get("api_key", ""))               # an active User, or None
    api_key_revoke(actor=user, key=key)

A key is 48 letters and digits (about 285 bits): the first 8 are its `prefix` (stored, shown in lists, used to
find the row), the whole key is stored only as its SHA-256 — a key this random needs no slow hash. A key
answers only while it is neither expired nor revoked and its user is active. Callers check what the account
may do (Open311 and the 12345 push: an integration account of that kind in the district)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext

from accounts.actors import require_actor
from accounts.models import ApiKey, User

KEY_LENGTH = 48
MAX_KEY_LENGTH = 128
KEY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# last_used_at is written at most once per this many seconds per key (no write on every request).
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def key_digest(plain: str) -> str:
    return hashlib.sha256(plain.encode("ascii")).hexdigest()


def _well_formed(plain: str) -> bool:
    return bool(plain) and len(plain) <= MAX_KEY_LENGTH and plain.isascii() and plain.isalnum()


@transaction.atomic
def api_key_issue(*, actor: Any, user: User, name: str, days: int | None = None) -> tuple[ApiKey, str]:
    """A new key for `user`, valid for `days` (default: settings.API_KEY_LIFETIME_DAYS). Returns the row and the
    key itself, which the caller shows once."""
    require_actor(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": gettext("请为密钥填写一个名称，便于日后识别和撤销。")})
    if len(name) > 100:
        raise ValidationError({"name": gettext("名称不能超过 100 个字符。")})
    days = settings.API_KEY_LIFETIME_DAYS if days is None else days
    if days < 1 or days > 3650:
        raise ValidationError({"days": gettext("有效期应在 1 到 3650 天之间。")})
    if not user.is_active:
        raise ValidationError(gettext("该用户已停用，不能签发密钥。"))
    while True:
        plain = get_random_string(KEY_LENGTH, KEY_CHARS)
        prefix = plain[: ApiKey.PREFIX_LENGTH]
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    now = timezone.now()
    key = ApiKey.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=key_digest(plain),
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    return key, plain


def key_for(plain: str) -> ApiKey | None:
    """The live key `plain` is (not expired, not revoked, its user active), or None. Touches last_used_at."""
    plain = (plain or "").strip()
    if not _well_formed(plain) or len(plain) < ApiKey.PREFIX_LENGTH:
        return None
    # Not the user's district: the key is read before the district is in scope (row-level security would hide
    # the joined row and leave `user.district` cached as None); it loads in the request's own scope when asked.
    key = ApiKey.objects.select_related("user").filter(prefix=plain[: ApiKey.PREFIX_LENGTH]).first()
    if key is None or not hmac.compare_digest(key.key_hash, key_digest(plain)):
        return None
    now = timezone.now()
    if not key.is_live(now) or not key.user.is_active:
        return None
    if key.last_used_at is None or key.last_used_at < now - LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def user_for_key(key: str) -> User | None:
    """The active user whose live API key `key` is, or None (unknown, empty, malformed, expired, revoked or
    inactive)."""
    found = key_for(key)
    return found.user if found else None


def api_key_revoke(*, actor: Any, key: ApiKey) -> ApiKey:
    """Revoke one key (idempotent: a revoked key keeps its first revocation time). The owner revokes their own
    keys; operators revoke through the command (a SystemActor)."""
    require_actor(actor)
    if isinstance(actor, User) and actor.pk != key.user_id and not actor.is_platform_admin:
        raise ValidationError(gettext("只能撤销自己的密钥。"))
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=key.revoked_at)
    return key


def api_keys_revoke_for_user(*, actor: Any, user: User) -> int:
    """Revoke every live key of `user` (a password change, an account disabled, an operator's order)."""
    require_actor(actor)
    return ApiKey.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_keys_purge(*, actor: Any, older_than_days: int = 30) -> int:
    """Delete keys that expired or were revoked more than `older_than_days` ago (a beat task)."""
    require_actor(actor)
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    deleted, _ = ApiKey.objects.filter(Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff)).delete()
    return deleted
