"""An import's messages, kept in their source words and said in the reader's language when a page shows them.

A job's outcome is stored once (ImportJob.result) and read later by Chinese and English readers alike, so a
message is not stored in the language of whoever uploaded the file: it is kept as its msgid (the Chinese
source text) with its values, `{"id": "“%(header)s”不能为空。", "params": {"header": "街道名称"}}`. A value that is
itself a translatable text (a lazy label, another kept message) is kept the same way; any other value (a code,
a column header, a name: data from the file) is kept as it is. `say` puts a kept message into the active
language; `chinese` into the language of record (what the command prints and the tests read).

The import runs under `translation.override(None)` (compounds.importing.service), so that a message made
with gettext (a model's clean(), a constraint's message, Django's own) comes out as its msgid.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from config.locale import of_record

Said = dict[str, Any]


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
        text = text % {name: say(value) if isinstance(value, dict) else value for name, value in params.items()}
    return text


def chinese(kept: Said | str) -> str:
    """A kept message in the language of record (Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        return say(kept)
