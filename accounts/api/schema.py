"""The OpenAPI schema as every answer is: hooks and extensions for drf-spectacular (settings.SPECTACULAR_SETTINGS).

- `drop_format_suffix_endpoints` (preprocessing): the routers' `.json` suffix routes are the same operations
  again; the schema lists each operation once.
- `document_errors` (postprocessing): every operation documents the error answers any endpoint can give —
  400, 401, 403, 404, 409 and 429 (and 415 where it takes a body, 422 where it takes an `Idempotency-Key`) — with
  the one error body (`Error`, accounts.api.exceptions), unless it documents its own; `/auth/token/` asks for no
  credentials.
- `TypedFilterExtension`: a django-filter `BooleanFilter`/`DateFilter` with a `method` is typed by its class
  (boolean, date) rather than by the method's `value` annotation (`bool | None` read as a bare string).
"""

from __future__ import annotations

from typing import Any

from django_filters import filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension, _NoHint

ERROR_SCHEMA = {
    "type": "object",
    "description": "错误：`detail` 为整体说明；或以字段名为键，值为该字段的错误信息列表（中文）。",
    "properties": {"detail": {"type": "string", "description": "错误说明"}},
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {}}, {"type": "object"}, {"type": "string"}, {"type": "integer"}],
        "description": "该字段的错误信息",
    },
    "example": {"detail": "未找到该对象。"},
}
ERRORS = {
    "400": "请求有误：参数、内容或格式不符合要求（错误信息指明字段）",
    "401": "未登录或令牌无效",
    "403": "无权执行此操作",
    "404": "未找到该对象（不存在或不属于本区）",
    "409": "与现有数据冲突（如仍有关联数据，无法删除）",
    "429": "请求过于频繁或登录失败次数过多，请稍后再试",
}
BODY_ERRORS = {"415": "不支持的请求内容类型"}
KEYED_ERRORS = {"422": "幂等键（Idempotency-Key）已用于另一份内容不同的请求"}
METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")
PUBLIC_OPERATIONS = {("/api/v1/auth/token/", "post")}


def drop_format_suffix_endpoints(endpoints: list[tuple], **kwargs: Any) -> list[tuple]:
    return [endpoint for endpoint in endpoints if "{format}" not in endpoint[0]]


def document_errors(result: dict, generator: Any, request: Any, public: bool) -> dict:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            errors = dict(ERRORS)
            if "requestBody" in operation:
                errors.update(BODY_ERRORS)
            if any(parameter.get("name") == "Idempotency-Key" for parameter in operation.get("parameters", [])):
                errors.update(KEYED_ERRORS)
            for code, description in errors.items():
                documented = responses.get(code)
                if documented is None:
                    responses[code] = {"description": description, "content": {"application/json": _json(reference)}}
                    continue
                # an operation's own error body (an import's report) or, for a refusal of the request, Error
                for media in documented.setdefault("content", {"application/json": {}}).values():
                    own = media.get("schema")
                    media["schema"] = {"oneOf": [own, reference]} if own and own != reference else reference
            if (path, method) in PUBLIC_OPERATIONS:
                operation["security"] = [{}]
                responses.pop("401", None)
                responses.pop("403", None)
    return result


def _json(schema: dict) -> dict:
    return {"schema": schema}


class TypedFilterExtension(DjangoFilterExtension):
    """DjangoFilterExtension, except that a filter class that says its type says it even with a `method`."""

    priority = 1
    typed_by_class = (filters.BooleanFilter, filters.DateFilter, filters.DateTimeFilter, filters.IsoDateTimeFilter)

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        self._class_typed = isinstance(filter_field, self.typed_by_class)
        return super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)

    def _get_filter_method_hint(self, filter_method):
        if getattr(self, "_class_typed", False):
            return _NoHint
        return super()._get_filter_method_hint(filter_method)
