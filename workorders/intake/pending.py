"""Photos kept while a form comes back with an error (待提交照片): a browser never re-fills a file input, so
without this a resident who forgot the phone number chose their photos again — or, more often, filed without
them. The photos that passed the upload rules (photo_prepare: checked by content, re-encoded, metadata
stripped) are kept server-side under the form's one-time token and the form's scope, for an hour; the corrected
form, posted without files, files them with the order.

Kept in the cache (Redis in production), not in a table: they are transient, expire on their own, reach the
media storage only once an order exists, and so need no row-level security, retention sweep or clean-up task.
A cache outage loses only what it always lost (the photos of a refused form). The scope binds a token to one
form of one compound, order or person, so a token cannot move photos to another form or district."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from django.core.cache import cache

from workorders.intake.photos import MAX_PHOTOS, PreparedPhoto

logger = logging.getLogger(__name__)

PENDING_SECONDS = 3600
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _key(scope: str, token: str) -> str:
    return f"pending-photos:{scope}:{token}"


def pending_photos(*, scope: str, token: str) -> list[PreparedPhoto]:
    """The photos kept for this form (none for a token of the wrong shape, or when the cache is down)."""
    if not TOKEN.match(token or ""):
        return []
    try:
        kept = cache.get(_key(scope, token)) or []
    except Exception:  # the cache is down: the form goes on without the kept photos
        logger.warning("pending photos unavailable", exc_info=True)
        return []
    return [PreparedPhoto(content=content, width=width, height=height) for content, width, height in kept]


def pending_keep(*, scope: str, token: str, photos: Sequence[PreparedPhoto]) -> int:
    """Keep `photos` (already prepared) beside those kept before, at most MAX_PHOTOS; returns how many are kept."""
    kept = pending_photos(scope=scope, token=token)
    if not photos or not TOKEN.match(token or ""):
        return len(kept)
    kept = [*kept, *photos][:MAX_PHOTOS]
    try:
        cache.set(_key(scope, token), [(p.content, p.width, p.height) for p in kept], PENDING_SECONDS)
    except Exception:
        logger.warning("pending photos not kept", exc_info=True)
        return 0
    return len(kept)


def pending_clear(*, scope: str, token: str) -> None:
    if TOKEN.match(token or ""):
        try:
            cache.delete(_key(scope, token))
        except Exception:
            logger.warning("pending photos not cleared", exc_info=True)


def with_pending(*, scope: str, token: str, photos: Sequence[PreparedPhoto]) -> list[PreparedPhoto]:
    """The photos to file with a valid form: those kept from its earlier, refused posts, then the new ones."""
    return [*pending_photos(scope=scope, token=token), *photos][:MAX_PHOTOS]
