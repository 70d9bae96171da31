"""The REST API's parsers (settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]): DRF's own, each followed by
accounts.text's rule over every string of the body, so that no serializer, view or service of any endpoint
ever receives a NUL, another control character or a string longer than INPUT_MAX. A refusal is a 400 that
names the top-level field, like any serializer error:

    {"description": ["含有不允许的控制字符（U+0007），请删除后重新提交。"]}

A JSON body nested too deep for Python's parser (`[[[[…` twenty thousand times) is a 400 as well.
A view that names its own `parser_classes` must take them from here (tests/test_bad_input.py checks).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.datastructures import MultiValueDict
from rest_framework import exceptions, parsers
from rest_framework.settings import api_settings

from accounts.text import text_problem

# Deeper than any body of this API; deeper than this is refused before anything walks it.
MAX_DEPTH = 32


class CleanInputParserMixin:
    """Checks the parsed body with accounts.text; see the module's docstring."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        try:
            parsed = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise exceptions.ParseError("请求内容嵌套过深，无法解析。") from error
        data = parsed.data if isinstance(parsed, parsers.DataAndFiles) else parsed
        errors = body_problems(data)
        if errors:
            raise exceptions.ValidationError(errors)
        return parsed


def body_problems(data: Any) -> dict[str, list[str]]:
    """{top-level field: [message]} for each field of a parsed body that breaks the rule."""
    errors: dict[str, list[str]] = {}
    if isinstance(data, MultiValueDict):
        items = ((key, data.getlist(key)) for key in data)
    elif isinstance(data, dict):
        items = data.items()
    else:
        items = [(api_settings.NON_FIELD_ERRORS_KEY, data)]
    for key, value in items:
        refused_key = _problem(key, 0)
        if refused_key:
            errors.setdefault(api_settings.NON_FIELD_ERRORS_KEY, [refused_key])
            continue
        message = _problem(value, 0)
        if message:
            errors[str(key)] = [message]
    return errors


def _problem(value: Any, depth: int) -> str | None:
    if depth > MAX_DEPTH:
        return "请求内容嵌套过深。"
    if isinstance(value, dict):
        for key, item in value.items():
            found = _problem(key, depth + 1) or _problem(item, depth + 1)
            if found:
                return found
        return None
    if isinstance(value, list | tuple):
        for item in value:
            found = _problem(item, depth + 1)
            if found:
                return found
        return None
    problem: DjangoValidationError | None = text_problem(value)
    return problem.messages[0] if problem is not None else None


class JSONParser(CleanInputParserMixin, parsers.JSONParser):
    pass


class FormParser(CleanInputParserMixin, parsers.FormParser):
    pass


class MultiPartParser(CleanInputParserMixin, parsers.MultiPartParser):
    pass


DEFAULT_PARSERS = [JSONParser, FormParser, MultiPartParser]
