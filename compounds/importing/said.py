"""An import's messages, kept in their source words and said in the reader's language when a page shows them.

A job's outcome is stored once (ImportJob.result) and read later by Chinese and English readers alike, so a
message is not stored in the language of whoever uploaded the file: it is kept as its msgid (the Chinese
source text) with its values, `{"id": "“%(header)s”不能为空。", "params": {"header": "街道名称"}}`. A value that is
itself a translatable text (a lazy label, another kept message) is kept the same way, a `Day` as its date and
format; any other value (a code, a column header, a name: data from the file) is kept as it is. `say` puts a
kept message into the active language; `chinese` into the language of record (what the command prints and the
tests read).

The import runs under `translation.override(None)` (compounds.importing.service), so that a message made
with gettext (a model's clean(), a constraint's message, Django's own) comes out as its msgid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext

from config.locale import of_record

Said = dict[str, Any]


@dataclass(frozen=True)
class Day:
    """A day inside a message (3月7日, Mar 7): `format` is a date format that is itself a msgid, so that the day is
    worded in the language the message is said in — on a page now, or later from a kept outcome."""

    day: date
    format: str

    def __str__(self) -> str:
        return date_format(self.day, gettext(self.format))


def said(message: Any, params: dict[str, Any] | None = None) -> Said:
    """A message to keep: its msgid and its values."""
    kept: Said = {"id": of_record(message)}
    if params:
        kept["params"] = {name: _kept_value(value) for name, value in params.items()}
    return kept


def _kept_value(value: Any) -> Any:
    if isinstance(value, Promise):
        return {"id": of_record(value)}
    if isinstance(value, dict) and "id" in value:
        return value
    if isinstance(value, Day):
        return {"day": value.day.isoformat(), "format": value.format}
    if isinstance(value, int | float):
        return value
    return of_record(value)


def from_error(error: ValidationError) -> list[Said]:
    """Every message of a ValidationError (a model's, a field's, a check's), kept."""
    if hasattr(error, "error_dict"):
        return [kept for leaves in error.error_dict.values() for kept in from_error(ValidationError(leaves))]
    return [said(leaf.message, leaf.params) for leaf in error.error_list]


def say(kept: Said | str) -> str:
    """A kept message in the active language (an outcome kept before messages were kept as msgids is a plain
    text: said as it is, translated if the catalogue knows it)."""
    if isinstance(kept, str):
        return gettext(kept) if kept else ""
    text = gettext(kept["id"])
    params = kept.get("params")
    if params:
        text = text % {name: _said_value(value) for name, value in params.items()}
    return text


def _said_value(value: Any) -> Any:
    if isinstance(value, dict) and "day" in value:
        return str(Day(date.fromisoformat(value["day"]), value["format"]))
    return say(value) if isinstance(value, dict) else value


def say_or_stored(kept: list[Said | str], stored: str) -> str:
    """Kept messages said now, or `stored` (the Chinese text kept beside them) if one cannot be (a value that does
    not fit its placeholder): a result page never fails for a message."""
    try:
        return " ".join(say(k) for k in kept)
    except (KeyError, TypeError, ValueError):
        return stored


def shown_error(error: dict[str, Any]) -> str:
    """A kept error (`{"sheet", "row", "message", "said"}`) said in the active language; one kept before messages
    were kept as msgids has only its Chinese `message`: shown as it is (translated if the catalogue knows it)."""
    return say_or_stored([error.get("said", error["message"])], error["message"])


def chinese(kept: Said | str) -> str:
    """A kept message in the language of record (Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        return say(kept)
