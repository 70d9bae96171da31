"""Personal data (PIPL): the one place that masks names, phone numbers, e-mails and ID-card numbers, and
that records every reveal of them.

    mask_phone("13812341234")   -> "138****1234"
    mask_name("张三丰")          -> "张**"
    mask_text(description)      -> free text with mobiles, landlines, e-mails, ID numbers and the names
                                   after 联系/先生/女士 masked
    record_reveal(actor=request.user, obj=person, fields=["phone"], via=request.get_full_path())

Lists, exports, Open311, PDFs and history show masked values; a page that shows a value in full calls
`record_reveal` first (who, when, which record, which field), which the district can read back.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings

MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3})[- ]?(\d{7,8})(?!\d)")
EMAIL_RE = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
ID_CARD_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
# A name written after 联系/联系人/先生/女士 cues: 联系张三 → 联系张*, 王先生 → 王先生 (surname kept).
NAME_AFTER_CUE_RE = re.compile(r"(联系人?[：:\s]*|姓名[：:\s]*)([\u4e00-\u9fff])([\u4e00-\u9fff]{1,3})")
NAME_BEFORE_TITLE_RE = re.compile(r"([\u4e00-\u9fff])([\u4e00-\u9fff]{1,2})(?=(?:先生|女士|师傅|阿姨))")


def mask_phone(value: str) -> str:
    """138****1234 for a mobile; 029****5678 for a landline; anything else keeps its last 4."""
    digits = re.sub(r"\D", "", value or "")
    if not digits:
        return ""
    if len(digits) >= 11 and digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) <= 4:
        return "*" * len(digits)
    head = digits[:3] if len(digits) >= 7 else ""
    return f"{head}****{digits[-4:]}"


def mask_name(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    return value[0] + "*" * max(1, len(value) - 1)


def mask_email(value: str) -> str:
    return EMAIL_RE.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", value or "")


def mask_text(text: str) -> str:
    """Free text as it may leave the platform: contact details and names after contact cues masked."""
    if not text:
        return text or ""
    text = ID_CARD_RE.sub(lambda m: f"{m.group(1)[:3]}{'*' * 11}{m.group(2)}", text)
    text = MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = LANDLINE_RE.sub(lambda m: f"{m.group(1)}-****{m.group(2)[-4:]}", text)
    text = EMAIL_RE.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    text = NAME_AFTER_CUE_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{'*' * len(m.group(3))}", text)
    text = NAME_BEFORE_TITLE_RE.sub(lambda m: f"{m.group(1)}{'*' * len(m.group(2))}", text)
    return text


def personal_data_logger() -> logging.Logger:
    return logging.getLogger(getattr(settings, "PERSONAL_DATA_LOGGER", "capillary.personal_data"))


def record_reveal(*, actor: Any, obj: Any, fields: Iterable[str], via: str = "") -> list[str]:
    """Record that `actor` saw `fields` of `obj` in full; returns the fields recorded (none: nothing).

    Only fields that hold a value are recorded. The record goes to the district's reveal log (and the
    personal-data logger)."""
    fields = [name for name in fields if getattr(obj, name, "")]
    if fields:
        personal_data_logger().info(
            "personal data read: user=%s %s=%s fields=%s via=%s",
            getattr(actor, "pk", None),
            obj._meta.label_lower,
            obj.pk,
            ",".join(fields),
            via,
            extra={
                "actor_id": getattr(actor, "pk", None),
                "object": obj._meta.label_lower,
                "object_id": obj.pk,
                "fields": fields,
                "via": via,
            },
        )
    return fields
