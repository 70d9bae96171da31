"""The API's one exception handler: every error of every endpoint reads the same, JSON and Chinese, in one shape
(documented in the schema as `Error`, accounts.api.schema):

    {"detail": "未找到该对象。"}                          # an error of the request as a whole
    {"description": ["请填写诉求内容。"], "compound": [...]}   # a refusal naming the fields at fault

- `accounts.permissions.Forbidden` (and Django's PermissionDenied) → 403 with the rule's Chinese message;
- Django's `ValidationError` raised by a service → 400 with `{field: [messages]}`;
- `Http404` (a miss or another district's object: policy.access) → 404 "未找到该对象。";
- a body too big, too many fields or otherwise unreadable → 400; a body that does not parse → 400 in Chinese;
- a value PostgreSQL or date arithmetic cannot take (DataError, OverflowError: accounts.errors.OUT_OF_RANGE) →
  400 `{"detail": …}`, the transaction rolled back;
- anything else (a bug) → logged with its traceback, 500 `{"detail": "服务器内部错误…"}`, the transaction
  rolled back. Never Django's HTML page.
- `accounts.errors.Conflict` (a clash with what is stored, both kept) → 409 with `detail`, `code` and the ids.

An /api/ URL that names nothing (an unknown route, a non-numeric id) is `api_not_found`'s JSON 404.
Viewsets call services directly; they do not catch and translate errors themselves.
"""

import logging
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.http.request import UnreadablePostError
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from accounts.api.serializers import drf_validation_errors
from accounts.errors import OUT_OF_RANGE, OUT_OF_RANGE_MESSAGE, Conflict

logger = logging.getLogger(__name__)

NOT_FOUND = "未找到该对象。"
ROUTE_NOT_FOUND = "未找到该接口或对象：请对照 /api/docs/ 检查网址（对象编号应为数字）。"
BODY_TOO_BIG = "请求内容过大（超过 2.5 MB）或字段过多，无法处理：请精简后重新提交。"
UNREADABLE = "请求内容无法读取，请检查后重新提交。"
PARSE_ERROR = "请求内容无法解析：请检查格式是否为有效的 JSON（或表单），编码是否为 UTF-8。"
SERVER_ERROR = "服务器内部错误，请稍后重试；如一再出现，请联系管理员。"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


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
    elif isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        exc = exceptions.ParseError(BODY_TOO_BIG)
    elif isinstance(exc, SuspiciousOperation | UnreadablePostError):
        exc = exceptions.ParseError(UNREADABLE)
    elif isinstance(exc, OUT_OF_RANGE):
        # A value past every serializer's bounds that PostgreSQL or date arithmetic cannot take: the client's, a 400.
        transaction.set_rollback(True)
        exc = exceptions.ValidationError({"detail": OUT_OF_RANGE_MESSAGE}, code="out_of_range")
    elif isinstance(exc, exceptions.ParseError) and not CHINESE.search(str(exc.detail)):
        exc = exceptions.ParseError(PARSE_ERROR)  # DRF's own reads "JSON parse error - Expecting value: …"
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    view = context.get("view")
    request = context.get("request")
    logger.error(
        "API %s %s failed in %s",
        getattr(request, "method", "?"),
        getattr(request, "path", "?"),
        type(view).__name__,
        exc_info=exc,
    )
    set_rollback()
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is unreachable: nothing the client did was wrong, a retry in a minute is the advice
        # (the pages' 503, accounts.errors).
        return Response(
            {"detail": "系统维护中：数据库暂时无法连接，请稍后再试。"},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "60"},
        )
    return Response({"detail": SERVER_ERROR}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)


@csrf_exempt  # a PUT to a route that does not exist is a 404, not a CSRF page
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any /api/ URL that no endpoint takes (config.urls routes the rest of /api/ here). A URL that lacks only
    its final slash is redirected to it, as Django's APPEND_SLASH did before this route caught everything."""
    if settings.APPEND_SLASH and not request.path_info.endswith("/"):
        try:
            match = resolve(f"{request.path_info}/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "api-not-found":
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return JsonResponse({"detail": ROUTE_NOT_FOUND}, status=404, json_dumps_params={"ensure_ascii": False})


def bad_input_response(request: HttpRequest, field: str | None, message: str) -> JsonResponse:
    """accounts.text.BadInputMiddleware's answer under /api/: the API's error shape, in Chinese."""
    body = {field: [message]} if field else {"detail": message}
    return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
