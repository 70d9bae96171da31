"""The key written into the note that records a platform's update (workorders.open311.services), and its removal
from everything Open311 shows: the key is ours, internal to the idempotency check."""

import re

MARKER_RE = re.compile(r"\s*〔外部更新号 [^〕]*〕")


def update_marker(update_id: str) -> str:
    """Written at the end of the note that records an external update: the key that makes a replay a no-op."""
    return f"〔外部更新号 {update_id}〕"


def without_marker(note: str) -> str:
    return MARKER_RE.sub("", note or "")
