"""How staffing's texts are worded in the reader's language, and in Chinese where they are kept.

The UI is Chinese first with an English switch (docs/decisions.md "## Language"): labels are marked with
gettext_lazy and read in the language of the page that shows them. Three helpers for the cases in between:

- `interpolate(message, values)`: a lazily translated message with named placeholders, worded when it is shown
  (a vacancy's reason is computed once and shown on an English page, in a Chinese PDF and in the API);
- (a label as written in the source, Chinese, for what is kept or matched against a spreadsheet: config.locale's
  `of_record` and `in_language_of_record`, shared by every app);
- `term_reason(text)`: the reasons the services write when a term ends on its own (由张三接任, 离任, …) are kept
  in Chinese; a page in English shows them in English. Reasons people typed stay as typed.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _


def _interpolate(message: Any, values: dict[str, Any]) -> str:
    return str(message) % {key: str(value) for key, value in values.items()}


interpolate = lazy(_interpolate, str)


# The reasons staffing.services write into `end_reason` when a term ends without a reason typed by a person.
_FIXED_REASONS = {
    "离任": _("离任"),
    "离队": _("离队"),
    "撤出": _("撤出"),
    "结束驻点": _("结束驻点"),
    "物业企业已更换，原物业经理离任": _("物业企业已更换，原物业经理离任"),
}
_NAMED_REASONS = (
    (re.compile(r"^由(.+)接任$"), _("由%(name)s接任")),
    (re.compile(r"^由(.+)接替$"), _("由%(name)s接替")),
    (re.compile(r"^改由(.+)包抓$"), _("改由%(name)s包抓")),
)


def term_reason(text: str) -> str:
    """A stored end reason in the active language when the services wrote it; as typed otherwise."""
    text = text or ""
    if text in _FIXED_REASONS:
        return str(_FIXED_REASONS[text])
    for pattern, message in _NAMED_REASONS:
        match = pattern.match(text)
        if match:
            return str(message) % {"name": match.group(1)}
    return text


# term_reason worded when shown (inside an interpolated message).
term_reason_lazy = lazy(term_reason, str)
