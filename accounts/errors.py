"""The site's error answers (config/urls.py handler403/404/500, CSRF_FAILURE_VIEW): Chinese pages in the site's
design, or, under a prefix of settings.ERROR_RESPONDERS (/api/, /open311/), that interface's own error shape.

A 500 whose cause is the database being unreachable is a 503 ("系统维护中") with Retry-After: nothing the user
did was wrong, and a retry in a minute is the right advice. The 500 and 503 pages are rendered without the
request's context (no user, no database).

The one conflict (Conflict): what an actor asked for clashes with what is already stored (two filings of one
external number, say). The API answers 409 (accounts.api.exceptions) and a page its 409 page
(ConflictMiddleware); neither side is dropped or merged silently: the service has stored what it could and
the error names both."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.db import DatabaseError, DataError, InterfaceError, OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Forbidden

MESSAGES = {
    400: _("请求无法处理，请检查后重试。"),
    403: _("您无权执行此操作。"),
    404: _("未找到该对象。"),
    429: _("请求过于频繁，请稍后再试。"),
    500: _("服务器内部错误，请稍后再试。"),
    503: _("系统维护中：数据库暂时无法连接，请稍后再试。"),
}
DATABASE_DOWN = (OperationalError, InterfaceError)
# A value that passed every check and still cannot be stored or computed with: PostgreSQL's DataError (a number
# out of its column's range, text longer than its column), Python's OverflowError (a date too far for a deadline).
OUT_OF_RANGE = (DataError, OverflowError)
OUT_OF_RANGE_MESSAGE = _(
    "提交的数值、日期或文字超出可处理的范围（过大、过远或过长），请检查后重新提交；已保存的内容未受影响。"
)


def json_error_response(request: HttpRequest, status: int, message: str) -> JsonResponse:
    """The API's error shape ({"detail": …}, accounts.api.exceptions)."""
    return JsonResponse({"detail": message}, status=status, json_dumps_params={"ensure_ascii": False})


def _responder(request: HttpRequest):
    path = getattr(request, "path_info", "") or ""
    for prefix, responder in getattr(settings, "ERROR_RESPONDERS", {}).items():
        if path.startswith(prefix):
            return import_string(responder)
    return None


def _layout(request: HttpRequest) -> str:
    path = getattr(request, "path_info", "") or ""
    public = any(path.startswith(prefix) for prefix in getattr(settings, "PUBLIC_PATH_PREFIXES", ()))
    return "workorders/public/base.html" if public else "base.html"


def error_page(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    responder = _responder(request)
    if responder is not None:
        return responder(request, status, str(message or MESSAGES[status]))
    context = {"layout": _layout(request), "message": message}
    return render(request, f"{status}.html", context, status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A registry refusal carries the rule's Chinese message; Django's own PermissionDenied says nothing useful.
    message = exception.message if isinstance(exception, Forbidden) else ""
    return error_page(request, 403, message)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(request, 403, gettext("页面已过期或来源无法验证，请刷新页面后重新提交。"))


def server_error(request: HttpRequest) -> HttpResponse:
    status = 503 if isinstance(sys.exception(), DATABASE_DOWN) else 500
    responder = _responder(request)
    if responder is not None:
        response = responder(request, status, str(MESSAGES[status]))
    else:
        response = HttpResponse(loader.get_template(f"{status}.html").render(), status=status)
    if status == 503:
        response["Retry-After"] = "60"
    return response


class Conflict(Exception):
    """Raised after the fact (outside the service's transaction, so that what was kept stays kept)."""

    status_code = 409

    def __init__(self, message: str, *, code: str = "conflict", objects: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        # What clashed, for the answer: e.g. {"existing_order": 12, "new_order": 13}.
        self.objects = dict(objects or {})


class ConflictMiddleware:
    """A page that lets a Conflict through answers 409 with the message (never a 500)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Conflict):
            context = {"layout": _layout(request), "message": exception.message}
            return render(request, "409.html", context, status=409)
        return None


class OutOfRangeMiddleware:
    """The last net under the forms' and serializers' own bounds (accounts.text): a value that reaches the database
    or date arithmetic out of range is a 400 in the interface's shape, its transaction rolled back — never a 500.
    When the error left the transaction unusable, the page is rendered without the request's context (as the
    500 page is)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OUT_OF_RANGE):
            return None
        responder = _responder(request)
        context = {"layout": _layout(request), "message": OUT_OF_RANGE_MESSAGE}
        try:
            if responder is not None:
                response = responder(request, 400, str(OUT_OF_RANGE_MESSAGE))
            else:
                response = render(request, "400.html", context, status=400)
        except DatabaseError:  # the error left the transaction unusable: the page without the request's context
            response = HttpResponse(loader.get_template("400.html").render(context), status=400)
        if connection.in_atomic_block:
            transaction.set_rollback(True)  # whatever the request wrote before the error is undone
        return response
