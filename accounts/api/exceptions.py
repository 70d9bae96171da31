"""The API's one exception handler: a service's refusal reads the same through every endpoint.

- `accounts.permissions.Forbidden` (and Django's PermissionDenied) → 403 with the rule's Chinese message;
- Django's `ValidationError` raised by a service → 400 with `{field: [messages]}`;
- `Http404` (a miss or another district's object: policy.access) → 404 "未找到该对象。";
- `accounts.errors.Conflict` (a clash with what is stored, both kept) → 409 with `detail`, `code` and the ids.

Viewsets call services directly; they do not catch and translate errors themselves.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.api.serializers import drf_validation_errors
from accounts.errors import Conflict

NOT_FOUND = "未找到该对象。"


class ConflictError(exceptions.APIException):
    status_code = 409
    default_detail = "与已有记录冲突。"
    default_code = "conflict"


def conflict_response(exc: Conflict) -> Response:
    """The 409 answer of a Conflict, for a view that returns it rather than raising (inside a transaction that
    must keep what the service stored, e.g. an idempotent filing that records its answer)."""
    return Response({"detail": exc.message, "code": exc.code, **exc.objects}, status=409)


def api_exception_handler(exc: Exception, context: dict) -> Any:
    if isinstance(exc, Conflict):
        response = drf_exception_handler(ConflictError(exc.message, code=exc.code), context)
        response.data = {"detail": exc.message, "code": exc.code, **exc.objects}
        return response
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(drf_validation_errors(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "您无权执行此操作。")
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND)
    return drf_exception_handler(exc, context)


def bad_input_response(request: HttpRequest, field: str | None, message: str) -> JsonResponse:
    """accounts.text.BadInputMiddleware's answer under /api/: the API's error shape, in Chinese."""
    body = {field: [message]} if field else {"detail": message}
    return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
