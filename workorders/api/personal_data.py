"""The data-access log for reporters' personal data (names and phone numbers).

Lists show the phone masked (138****1234) and no name; a page or API answer that shows them in full calls
`log_personal_data_read` first, which writes one line to the logger named in settings.PERSONAL_DATA_LOGGER
(who, which order, which fields, through which URL)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

PERSONAL_FIELDS = ("reporter_name", "reporter_phone")


def personal_data_logger() -> logging.Logger:
    return logging.getLogger(getattr(settings, "PERSONAL_DATA_LOGGER", "capillary.personal_data"))


def log_personal_data_read(*, actor: Any, order: Any, via: str) -> list[str]:
    """Log that `actor` read the personal data of `order`; returns the fields read (none: nothing logged)."""
    fields = [name for name in PERSONAL_FIELDS if getattr(order, name, "")]
    if fields:
        personal_data_logger().info(
            "personal data read: user=%s order=%s fields=%s via=%s",
            getattr(actor, "pk", None),
            order.pk,
            ",".join(fields),
            via,
            extra={"actor_id": getattr(actor, "pk", None), "order_id": order.pk, "fields": fields, "via": via},
        )
    return fields
