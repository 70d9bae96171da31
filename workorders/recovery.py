"""找回查询码: a resident who lost the tracking code of an order finds it again with the phone number they gave.

1. `tracking_recovery_send` — the resident types their number; if orders were filed with it, a six-digit code
   goes to that phone by text message (accounts.sms) and its hash is kept in the cache for
   settings.TRACK_RECOVERY_CODE_MINUTES. A number that filed nothing gets no message and the same answer, so
   the page never tells whether a number filed (no enumeration).
2. `tracking_recovery_verify` — the resident types the code; right, it is spent and the orders filed with the
   number are returned (their tracking codes lead to the tracking pages); wrong, the answer is the same as for
   an expired or never-sent code, and after settings.TRACK_RECOVERY_TRIES wrong guesses the code is dead.

Neither the number nor the code is stored in the clear: the cache key and the code are HMACs under the site's
secret key. The views count requests per number and per address (settings.RATE_LIMITS "track-recovery-*")."""

from __future__ import annotations

import logging
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.actors import SystemActor
from accounts.privacy import mask_phone, personal_data_logger
from accounts.sms import send_sms
from accounts.tenancy import tenant_context
from workorders.models import WorkOrder

logger = logging.getLogger(__name__)

SALT = "capillary.workorders.recovery"
MAX_ORDERS = 20  # the most recent orders listed for one number


def _key(phone: str) -> str:
    return "track-recovery:" + salted_hmac(f"{SALT}.key", phone, algorithm="sha256").hexdigest()


def _digest(phone: str, code: str) -> str:
    return salted_hmac(f"{SALT}.code", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _require(actor: SystemActor) -> None:
    if actor is None:
        raise TypeError("tracking recovery needs an explicit actor (accounts.actors.SystemActor)")


def _districts(phone: str) -> list[int]:
    """The districts where orders were filed with `phone`: the page has no code to find a district by, so it asks
    the door's narrow SECURITY DEFINER lookup (workorders migration 0017), which tells nothing else."""
    if not phone or "\x00" in phone or len(phone) > 32:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT capillary_door_reporter_phone(%s)", [phone])
        (ids,) = cursor.fetchone()
    return list(ids or [])


def _orders(phone: str, district_id: int):
    return WorkOrder.objects.filter(district_id=district_id, reporter_phone=phone).exclude(tracking_code="")


def tracking_recovery_send(*, actor: SystemActor, phone: str) -> bool:
    """Send a one-time code to `phone` (normalised, accounts.phones) when orders were filed with it. Returns
    whether a message went out — for the logs and tests only: the page must answer the same either way."""
    _require(actor)
    if not _districts(phone):
        return False
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = settings.TRACK_RECOVERY_CODE_MINUTES
    entry = {"digest": _digest(phone, code), "tries": 0, "expires": time.time() + minutes * 60}
    cache.set(_key(phone), entry, timeout=minutes * 60)
    send_sms(to=phone, text=f"【末梢】您找回查询码的验证码是 {code}，{minutes} 分钟内有效。如非本人操作，请忽略。")
    personal_data_logger().info("tracking recovery code sent to %s by %s", mask_phone(phone), actor.display_name)
    return True


def tracking_recovery_verify(*, actor: SystemActor, phone: str, code: str) -> list[WorkOrder] | None:
    """The orders filed with `phone`, newest first, when `code` is the one sent to it (the code is then spent);
    None when it is wrong, expired, used up or never sent."""
    _require(actor)
    key = _key(phone)
    entry = cache.get(key)
    left = int(entry["expires"] - time.time()) if entry else 0
    if left <= 0:
        return None
    if not constant_time_compare(entry["digest"], _digest(phone, code.strip())):
        entry["tries"] += 1
        if entry["tries"] >= settings.TRACK_RECOVERY_TRIES:
            cache.delete(key)
        else:
            cache.set(key, entry, timeout=left)
        return None
    cache.delete(key)
    orders = []
    for district_id in _districts(phone):
        # each district's orders in that district's scope (row-level security), as the system of the door
        with tenant_context(SystemActor(name=actor.name, district_id=district_id)):
            orders += (
                _orders(phone, district_id).select_related("category", "compound").order_by("-created_at")[:MAX_ORDERS]
            )
    orders = sorted(orders, key=lambda order: order.created_at, reverse=True)[:MAX_ORDERS]
    personal_data_logger().info(
        "orders of %s listed by tracking recovery (%d) by %s", mask_phone(phone), len(orders), actor.display_name
    )
    return orders
