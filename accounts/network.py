"""Who is asking: the client's address, the same answer for the login lockout (django-axes), every rate limit
(django-ratelimit) and the logs.

    client_address(request)  -> "203.0.113.7"

`REMOTE_ADDR` is the peer that opened the connection. Behind our own reverse proxy that peer is the proxy, and
the client is the address the proxy appended to `X-Forwarded-For`. A client can put anything it likes into the
header before it reaches the proxy, so only the hops added by proxies listed in `TRUSTED_PROXIES` are believed:
the header is read from the right, past each trusted proxy, and the first address that is not a trusted proxy
is the client. With no trusted proxies (the default) the header is ignored altogether.
"""

from __future__ import annotations

import contextvars
import ipaddress
import logging
from functools import lru_cache

import pghistory.middleware
from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

UNKNOWN = "0.0.0.0"


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()))))


def client_address(request: HttpRequest) -> str:
    """The client's IP address as text: REMOTE_ADDR, or, when REMOTE_ADDR is a trusted proxy, the right-most
    X-Forwarded-For hop that is not itself a trusted proxy. A malformed hop stops the walk at the last address
    a trusted proxy vouched for, never at what the client wrote."""
    meta = getattr(request, "META", {})
    peer = _address(meta.get("REMOTE_ADDR", ""))
    if peer is None:
        return UNKNOWN
    if not _trusted(peer):
        return str(peer)
    client = peer
    for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            break
        client = address
        if not _trusted(address):
            break
    return str(client)


def ratelimit_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit's `key=` callable: the client address (see client_address)."""
    return client_address(request)


def rate_limited(
    request: HttpRequest | None, *, limit: str, key: str | None = None, scope: str = "", increment: bool = True
) -> bool:
    """Count one use of the door `limit` (a name in settings.RATE_LIMITS) by `key` — by default the client's
    address, plus `scope` (a compound, say) — through django-ratelimit; True when over the limit.

    With increment=False nothing is counted and the answer is whether the *next* use would be over (checked
    before expensive work, such as decoding photos). If the cache is unreachable the door stays open: losing a
    resident's complaint is worse than letting some spam in (logged)."""
    rate = settings.RATE_LIMITS[limit]
    value = key if key is not None else client_address(request)
    if scope:
        value = f"{scope}:{value}"
    try:
        usage = get_usage(
            request, group=f"capillary:{limit}", key=lambda group, req: value, rate=rate, increment=increment
        )
    except Exception:  # the cache backend is unreachable
        logger.warning("rate-limit cache unavailable; %s not limited", limit, exc_info=True)
        return False
    if usage is None:  # RATELIMIT_ENABLE off, or the cache failed with RATELIMIT_FAIL_OPEN
        return False
    if increment:
        return bool(usage["should_limit"])
    return usage["count"] >= usage["limit"]


def rate_take(request: HttpRequest | None, *, limit: str, scope: str = "") -> bool:
    """Count one use of the door `limit` by the client (plus `scope`) and say whether it is over the limit, in
    one round trip to Redis where `rate_limited`'s peek and count take two to four (issue 12: the filing door
    takes its use before the form and gives it back with `rate_give_back` when the form is refused). The
    counter is `rate_limited`'s (django-ratelimit's key and window); another cache goes through django-ratelimit.
    If the cache is unreachable the door stays open (logged)."""
    from django_ratelimit.core import EXPIRATION_FUDGE

    key, period, most = _rate_key(request, limit=limit, scope=scope)
    redis = _redis(key)
    if redis is None:
        return rate_limited(request, limit=limit, scope=scope)
    client, full_key = redis
    try:
        pipe = client.pipeline(transaction=False)
        pipe.set(full_key, 0, ex=period + EXPIRATION_FUDGE, nx=True)
        pipe.incr(full_key)
        count = pipe.execute()[1]
    except Exception:  # the cache backend is unreachable
        logger.warning("rate-limit cache unavailable; %s not limited", limit, exc_info=True)
        return False
    return count > most


def rate_give_back(request: HttpRequest | None, *, limit: str, scope: str = "") -> None:
    """Undo one `rate_take` (a use that turned out not to count: a form refused for what it says)."""
    from django.core.cache import caches

    key, _, _ = _rate_key(request, limit=limit, scope=scope)
    try:
        redis = _redis(key)
        if redis is not None:
            client, full_key = redis
            if client.decr(full_key) < 0:  # the window ended meanwhile: no counter (and none left without expiry)
                client.delete(full_key)
        else:
            caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")].decr(key)
    except Exception:  # the counter expired (nothing to give back) or the cache is unreachable
        logger.info("rate-limit: nothing given back to %s", limit, exc_info=True)


def _rate_key(request: HttpRequest | None, *, limit: str, scope: str) -> tuple[str, int, int]:
    """The counter's cache key as django-ratelimit's get_usage makes it, the window's length and the limit."""
    from django_ratelimit.core import ALL, _get_window, _make_cache_key, _split_rate

    rate = settings.RATE_LIMITS[limit]
    value = client_address(request)
    if scope:
        value = f"{scope}:{value}"
    most, period = _split_rate(rate)
    return _make_cache_key(f"capillary:{limit}", _get_window(value, period), rate, value, ALL), period, most


def _redis(key: str):
    """(the Redis client, the full key) behind Django's RedisCache; None for another cache or limits off."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return None
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    if not isinstance(cache, RedisCache):
        return None
    full_key = cache.make_and_validate_key(key)
    return cache._cache.get_client(full_key, write=True), full_key


def rate_window_seconds(limit: str) -> int:
    """The window of the door `limit`, for Retry-After."""
    from django_ratelimit.core import _split_rate

    return _split_rate(settings.RATE_LIMITS[limit])[1]


_current = contextvars.ContextVar("capillary_client_address", default="")


def current_client_address() -> str:
    """The address of the request being served in this context ("" outside a request: a task, a command)."""
    return _current.get()


class ClientAddressMiddleware:
    """Puts client_address(request) on `request.client_address` and in a context variable for the code that has
    no request at hand (the reveal log, accounts.privacy.record_reveal)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.client_address = client_address(request)
        token = _current.set(request.client_address)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


class HistoryMiddleware(pghistory.middleware.HistoryMiddleware):
    """pghistory's context (user, url) plus the client's address: the audit trail says where a change came from."""

    def get_context(self, request) -> dict:
        return {**super().get_context(request), "address": client_address(request)}
