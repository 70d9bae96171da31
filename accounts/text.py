"""The one input-cleaning rule for text, and the three places that apply it to every input of the site.

The rule: text may hold any character that XML 1.0 can carry (tab, new line and carriage return included),
and no other — no NUL, no other C0 control character (U+0001–U+0008, U+000B, U+000C, U+000E–U+001F), no
lone surrogate, no U+FFFE/U+FFFF. PostgreSQL refuses a NUL (a 500 if it reaches the database) and one
control character stored in a description breaks every XML feed that shows it. Such text is *refused*
with a Chinese message at intake, never silently changed; output writers (Open311 XML, spreadsheets) use
`strip_forbidden` so that what is already stored can never break them. Every value is also bounded:
INPUT_MAX characters for any single value anywhere, TEXT_MAX for free text unless its field says less.

Where it is applied (each one covers a whole class of inputs, not one field at a time):
- `BadInputMiddleware`: the URL path and the query string of every request (pages, API, Open311) — a NUL,
  a control character or invalid UTF-8 there is a 400 before any view runs.
- `CleanInputFormMixin` (bases `accounts.forms.CleanForm` / `CleanModelForm`): every field of a Django form
  checks its raw value first; a CharField without a max_length gets TEXT_MAX.
- `accounts.api.parsers`: every JSON, form and multipart body of the REST API (the project's default parsers).
- Open311 parameters, organisation and 12345 imports call `text_problem` / `clean_text` on each value.

    clean_text("路灯坏了\\u0007", field="description")   # ValidationError: 含有不允许的控制字符（U+0007）…
    strip_forbidden(stored_text)                        # for writers of XML and spreadsheets
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core import validators as django_validators
from django.core.exceptions import ValidationError
from django.forms import (
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    Field,
    FloatField,
    IntegerField,
    SplitDateTimeField,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Characters that XML 1.0 cannot carry (https://www.w3.org/TR/xml/#charsets), surrogates included.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What a hidden field that declares no error_messages["hidden"] of its own says when refused (a row id of the page,
# tampered with or gone): nobody typed it, so the rule that refused it would only puzzle.
HIDDEN_MESSAGE = _("页面上的数据已失效，请刷新页面后重试。")
TEXT_MAX = 4000  # free text (descriptions, resolutions, minutes) unless the field says less
INPUT_MAX = 10_000  # any single value anywhere: query parameters, form fields, JSON strings, file cells

CONTROL_CODE = "control_character"
TOO_LONG_CODE = "too_long"


def forbidden_character(value: str) -> str | None:
    """The first character of `value` that the rule refuses, or None."""
    match = FORBIDDEN.search(value)
    return match.group() if match else None


def describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def control_problem(char: str) -> str:
    """What is wrong, without the advice: "含有不允许的控制字符（U+0007）" (the URL message gives its own advice)."""
    if char == "\x00":
        return gettext("含有空字符（U+0000）")
    return gettext("含有不允许的控制字符（%(char)s）") % {"char": describe(char)}


def control_message(char: str) -> str:
    return gettext("%(problem)s，请删除后重新提交。") % {"problem": control_problem(char)}


def length_message(limit: int, length: int) -> str:
    return gettext("内容过长：不能超过 %(limit)s 字（当前 %(length)s 字）。") % {"limit": limit, "length": length}


def text_problem(value: Any, *, max_length: int | None = INPUT_MAX) -> ValidationError | None:
    """What is wrong with one input value (a ValidationError with a Chinese message), or None. Values that
    are not text (numbers, files, None) have nothing wrong with them here."""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return ValidationError(gettext("不是有效的 UTF-8 文本。"), code="invalid_utf8")
    if not isinstance(value, str):
        return None
    char = forbidden_character(value)
    if char is not None:
        return ValidationError(control_message(char), code=CONTROL_CODE)
    if max_length is not None and len(value) > max_length:
        return ValidationError(length_message(max_length, len(value)), code=TOO_LONG_CODE)
    return None


def clean_text(value: str, *, max_length: int | None = INPUT_MAX, field: str | None = None) -> str:
    """`value` unchanged if the rule accepts it; otherwise a ValidationError ({field: message} when named)."""
    problem = text_problem(value, max_length=max_length)
    if problem is not None:
        raise ValidationError({field: problem}) if field else problem
    return value


def validate_text(value: Any) -> None:
    """The rule as a Django validator (models, forms)."""
    problem = text_problem(value, max_length=None)
    if problem is not None:
        raise problem


def strip_forbidden(value: str) -> str:
    """`value` without the characters the rule refuses: for writers of XML and spreadsheets, so that text
    stored before the rule (or by a path that bypassed it) can never break them."""
    return FORBIDDEN.sub("", value) if value else value


def _values(raw: Any) -> Iterable[Any]:
    return raw if isinstance(raw, list | tuple) else (raw,)


# ---------------------------------------------------------------------------------------------------- forms


class CleanInputFormMixin:
    """For Django forms: every field checks its raw value against the rule before its own cleaning (so a NUL
    posted as a model choice never reaches PostgreSQL), and every CharField without a max_length gets
    TEXT_MAX. Django's own NUL validator is replaced (its zh-hans message reads "不允许是用空字符串。")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            guard_field(field)

    def _post_clean(self) -> None:
        super()._post_clean()
        # A hidden field's error would be shown nowhere (the templates show visible fields' errors and the form's):
        # it becomes the form's own, so that a refused form always says why. The person never typed a hidden value,
        # so it is said in the field's own words (error_messages["hidden"]) or HIDDEN_MESSAGE, whatever rule refused it.
        for name in [name for name in self._errors if name in self.fields and self.fields[name].widget.is_hidden]:
            del self._errors[name]
            self.add_error(None, self.fields[name].error_messages.get("hidden", HIDDEN_MESSAGE))


def guard_field(field: Field) -> Field:
    """Make one form field apply the rule (idempotent). The field becomes an instance of a subclass of its own
    class whose `clean` checks first, so that copies of the field (formsets deep-copy them) keep the check."""
    if getattr(field, "clean_input_guarded", False):
        return field
    if isinstance(field, CharField):
        field.validators = [
            v for v in field.validators if not isinstance(v, django_validators.ProhibitNullCharactersValidator)
        ]
        if field.max_length is None:
            field.max_length = TEXT_MAX
            field.validators.append(django_validators.MaxLengthValidator(TEXT_MAX))
            field.widget.attrs.update(field.widget_attrs(field.widget))
    _bound(field)
    field.__class__ = _guarded_class(type(field))
    return field


# What a form's numbers and dates may be at most, unless the field says less: a number a PostgreSQL integer
# column holds, a date whose arithmetic (deadlines, quarters, a year ahead) cannot leave Python's calendar.
NUMBER_MAX = 2**31 - 1
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2199, 12, 31)


def number_message(limit: int, *, above: bool) -> str:
    if above:
        return gettext("数值超出范围：不能大于 %(limit)s。") % {"limit": limit}
    return gettext("数值超出范围：不能小于 %(limit)s。") % {"limit": limit}


def date_problem(value: Any) -> ValidationError | None:
    """A date or time outside EARLIEST_DATE–LATEST_DATE (0001-01-01 and 9999-12-31 parse, but a deadline or a
    quarter computed from them overflows), as a Chinese ValidationError."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    if isinstance(day, datetime.date) and not EARLIEST_DATE <= day <= LATEST_DATE:
        return ValidationError(
            gettext("日期超出范围：应在 %(first)s 年至 %(last)s 年之间。")
            % {"first": EARLIEST_DATE.year, "last": LATEST_DATE.year},
            code="date_out_of_range",
        )
    return None


def _date_in_range(value: Any) -> None:
    problem = date_problem(value)
    if problem is not None:
        raise problem


def _bound(field: Field) -> None:
    """Numbers within a PostgreSQL integer (or the field's own bounds), dates within the range above."""
    if isinstance(field, IntegerField) and not isinstance(field, DecimalField | FloatField):
        if field.max_value is None:
            field.max_value = NUMBER_MAX
            field.validators.append(
                django_validators.MaxValueValidator(NUMBER_MAX, message=number_message(NUMBER_MAX, above=True))
            )
        if field.min_value is None:
            field.min_value = -NUMBER_MAX
            field.validators.append(
                django_validators.MinValueValidator(-NUMBER_MAX, message=number_message(-NUMBER_MAX, above=False))
            )
    if isinstance(field, DateField | DateTimeField | SplitDateTimeField):
        field.validators.append(_date_in_range)


_GUARDED: dict[type, type] = {}


def _guarded_class(cls: type) -> type:
    if cls not in _GUARDED:

        def clean(self: Field, value: Any, *args: Any, **kwargs: Any) -> Any:
            # The hard bound only: a CharField's own max_length keeps its own (often friendlier) message.
            limit = max(getattr(self, "max_length", None) or 0, INPUT_MAX)
            for item in _values(value):
                problem = text_problem(item, max_length=limit)
                if problem is not None:
                    raise problem
            return super(guarded, self).clean(value, *args, **kwargs)

        guarded = type(
            cls.__name__, (cls,), {"clean": clean, "clean_input_guarded": True, "__module__": cls.__module__}
        )
        _GUARDED[cls] = guarded
    return _GUARDED[cls]


# ---------------------------------------------------------------------------------------------------- URLs

PATH_MESSAGE = _("网址中%(problem)s，请检查链接是否完整、正确。")


class BadInputMiddleware:
    """Answers 400 for a URL path or query string that holds a character the rule refuses, invalid UTF-8,
    or a value longer than INPUT_MAX — before any view (or the database) sees it.

    The answer takes the shape of the part of the site that was asked: `settings.BAD_INPUT_RESPONDERS` maps a
    path prefix to a function (request, field, message) -> HttpResponse (the API answers JSON, Open311 its
    errors format); anything else gets the 400 page, in the resident pages' layout under
    `settings.PUBLIC_PATH_PREFIXES`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = url_problem(request)
        if problem is not None:
            field, message = problem
            return bad_input_response(request, field, message)
        return self.get_response(request)


def url_problem(request: HttpRequest) -> tuple[str | None, str] | None:
    """(the query parameter at fault or None for the path, the Chinese message), or None when all is well."""
    # Django has decoded the path as UTF-8 already, percent-encoding again any byte that is not UTF-8
    # (request.path_info; META["PATH_INFO"] is the same text). A "%" left in it is such a byte, or a "%25".
    path = request.path_info
    if "%" in path:
        # Django's test client (and Django itself, for path_info) re-percent-encodes bytes that are not UTF-8
        try:
            unquote_to_bytes(path).decode("utf-8")
        except UnicodeDecodeError:
            return None, gettext("网址含有无效的字节（不是 UTF-8 编码），请检查链接是否完整、正确。")
    char = forbidden_character(path)
    if char is not None:
        return None, PATH_MESSAGE % {"problem": control_problem(char)}
    for name, value in _query_pairs(request.META.get("QUERY_STRING", "")):
        if value is None:
            return name, gettext("查询参数不是有效的 UTF-8 编码。")
        for part in (name, value):
            problem = text_problem(part)
            if problem is not None:
                return name, gettext("查询参数“%(name)s”%(problem)s") % {
                    "name": strip_forbidden(name)[:40],
                    "problem": problem.messages[0],
                }
    return None


def _query_pairs(query: str) -> Iterable[tuple[str, str | None]]:
    """(name, value) of a raw query string, decoded strictly as UTF-8 (value None when it is not UTF-8)."""
    for chunk in query.split("&"):
        if not chunk:
            continue
        name, _, value = chunk.partition("=")
        try:
            name_text = unquote_to_bytes(name.replace("+", " ")).decode("utf-8")
        except UnicodeDecodeError:
            yield "?", None
            continue
        try:
            yield name_text, unquote_to_bytes(value.replace("+", " ")).decode("utf-8")
        except UnicodeDecodeError:
            yield name_text, None


def bad_input_response(request: HttpRequest, field: str | None, message: str) -> HttpResponse:
    path = request.path_info
    for prefix, responder in getattr(settings, "BAD_INPUT_RESPONDERS", {}).items():
        if path.startswith(prefix):
            return import_string(responder)(request, field, message)
    public = any(path.startswith(prefix) for prefix in getattr(settings, "PUBLIC_PATH_PREFIXES", ()))
    layout = "workorders/public/base.html" if public else "base.html"
    return render(request, "400.html", {"message": message, "layout": layout}, status=400)
