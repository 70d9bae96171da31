"""The GeoReport v2 endpoints. Plain Django views (the spec's XML and its error bodies are not DRF's).

Jurisdiction: `jurisdiction_id` is a district code; unknown → 404. Without it, a server with one district
uses that one, an api_key uses the key's district, otherwise 400 (the spec requires it when the endpoint
serves several jurisdictions). Every query filters by that district, so a request of another district is a
404 like a missing one.

api_key: the key of the district's Open311 integration account (Role.INTEGRATION, Integration.OPEN311;
issued with `manage.py issue_api_key --integration open311`), looked up by accounts.apikeys.user_for_key.
A key that is unknown, of another kind of account or of another district → 403, whatever was asked.

Who reads what (the district's read policy, workorders.models.PrivacySettings):
- service discovery, the service list and service definitions: anyone (the catalogue, no personal data);
- requests, one request, tokens and the updates feed: with the district's key, all of the district's; without
  a key, only if the district opened public reads, and then only the requests of the categories it marked
  public; otherwise 403 for every id alike. An id that the caller may not read is the same 404 as a missing
  one, so ids cannot be enumerated.
- POST requests and POST updates: the district's key, always.
Every description and note that leaves here is masked (accounts.privacy.mask_text).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    ValidationError,
)
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.request import UnreadablePostError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from accounts.apikeys import user_for_key
from accounts.models import User
from accounts.network import rate_limited
from accounts.roles import Integration, Role
from accounts.text import strip_forbidden, text_problem
from compounds.models import District
from workorders import idempotency
from workorders.models import Category, WorkOrder
from workorders.open311 import selectors
from workorders.open311.formats import JSON_CONTENT_TYPE, XML_CONTENT_TYPE, Nested, Open311Error, render
from workorders.open311.services import RequestIn, open311_request_create, open311_update_apply
from workorders.privacy import privacy_settings
from workorders.worktime import BEIJING

logger = logging.getLogger(__name__)
WINDOW = timedelta(days=90)
# Dates outside these are nobody's request: refused (a 400) instead of reaching date arithmetic at the edges.
EARLIEST = datetime(2000, 1, 1, tzinfo=BEIJING)
LATEST = datetime(2100, 1, 1, tzinfo=BEIJING)
# The date this API's behaviour last changed (Service Discovery's changeset).
CHANGESET = "2026-11-23T00:00:00+08:00"


def _checked(name: str, value: str) -> str:
    """One parameter's value under accounts.text's rule (a NUL or a control character is a 400)."""
    problem = text_problem(value)
    if problem is not None:
        raise Open311Error(400, f"{strip_forbidden(name)}：{problem.messages[0]}")
    return value


def _text(params: QueryDict, name: str) -> str:
    """A parameter as sent (free text keeps its lines), checked."""
    return _checked(name, params.get(name) or "")


def _param(params: QueryDict, name: str) -> str:
    return _text(params, name).strip()


def _list(params: QueryDict, name: str) -> list[str]:
    """A comma-separated parameter that may also be given several times."""
    values = [_checked(name, value) for value in params.getlist(name)]
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _id(text: str) -> int | None:
    """A request id: ASCII digits only ("²" is a digit to Python, not an id)."""
    return int(text) if text.isascii() and text.isdecimal() else None


def jurisdiction(params: QueryDict, key_user: User | None = None) -> District:
    code = _param(params, "jurisdiction_id")
    if code:
        district = District.objects.filter(code=code).first()
        if district is None:
            raise Open311Error(404, f"jurisdiction_id“{code}”不存在：应为本平台所服务的区的 6 位区划代码。")
        return district
    if key_user is not None and key_user.district_id is not None and not key_user.is_platform_admin:
        return key_user.district
    districts = list(District.objects.all()[:2])
    if len(districts) == 1:
        return districts[0]
    raise Open311Error(400, "缺少 jurisdiction_id：本服务覆盖多个区，请填写区的 6 位区划代码。")


KEY_INVALID = "api_key 无效：请使用本区 Open311 接口账号的密钥。"
KEY_REQUIRED = "缺少 api_key：此操作需要本区 Open311 接口账号的密钥。"
READS_CLOSED = "本区未开放 Open311 公开查询：查询诉求须使用本区 Open311 接口账号的 api_key。"


def key_user(params: QueryDict, *, required: bool, request: HttpRequest | None = None) -> User | None:
    """The Open311 integration account whose key `api_key` is; None when no key was sent and none is required.
    Any other key (unknown, of a person, of the 12345 integration) → 403. The key is the door's lookup of it
    (workorders.open311.doors: `request.open311_key`) when the door looked the same key up."""
    key = _param(params, "api_key")
    if not key:
        if required:
            raise Open311Error(403, KEY_REQUIRED)
        return None
    looked_up = getattr(request, "open311_key", None)
    user = looked_up.user if looked_up is not None and looked_up.plain == key else user_for_key(key)
    if user is None or user.role != Role.INTEGRATION or user.integration != Integration.OPEN311:
        raise Open311Error(403, KEY_INVALID)
    return user


@dataclass(frozen=True)
class Caller:
    """Who asks, for which district: `user` is the district's integration account, or None for a public read
    (then only the categories the district marked public)."""

    district: District
    user: User | None

    @property
    def public_only(self) -> bool:
        return self.user is None


def caller(params: QueryDict, *, request: HttpRequest, writes: bool = False) -> Caller:
    """The district asked for and the caller's standing in it, by the district's read policy (module docstring)."""
    user = key_user(params, required=writes, request=request)
    district = jurisdiction(params, key_user=user)
    if user is not None:
        if user.district_id != district.pk:
            raise Open311Error(403, KEY_INVALID)
        return Caller(district=district, user=user)
    if not privacy_settings(district_id=district.pk).open311_public_reads:
        raise Open311Error(403, READS_CLOSED)
    return Caller(district=district, user=None)


def moment(params: QueryDict, name: str) -> datetime | None:
    text = _param(params, name)
    if not text:
        return None
    try:
        value = parse_datetime(text.replace(" ", "+")) if "T" in text else None
        if value is None and "T" not in text:
            day = parse_date(text)
            value = datetime.combine(day, time.min) if day is not None else None
    except ValueError:  # well-formed but impossible: 2026-02-30
        value = None
    if value is None:
        raise Open311Error(400, f"{name}“{text}”格式不正确：应为 ISO 8601 时间，如 2026-11-23T09:30:00+08:00。")
    try:
        value = timezone.make_aware(value, BEIJING) if timezone.is_naive(value) else value
        in_range = EARLIEST <= value <= LATEST
    except (OverflowError, ValueError):  # 0001-01-01 or 9999-12-31 moved to another offset
        in_range = False
    if not in_range:
        raise Open311Error(400, f"{name}“{text}”超出可查询的时间范围（{EARLIEST:%Y-%m-%d} 至 {LATEST:%Y-%m-%d}）。")
    return value


def window(params: QueryDict) -> tuple[datetime, datetime]:
    """start_date/end_date, by default the most recent 90 days; a range may not span more than 90 days."""
    start, end = moment(params, "start_date"), moment(params, "end_date")
    if start is None and end is None:
        end = timezone.now()
    try:
        if start is None:
            start = end - WINDOW
        if end is None:
            end = start + WINDOW
    except OverflowError as error:  # 0001-01-02 or 9999-12-31: no 90-day window fits
        raise Open311Error(400, "start_date 或 end_date 超出可查询的时间范围。") from error
    if end < start:
        raise Open311Error(400, "end_date 不能早于 start_date。")
    if end - start > WINDOW:
        raise Open311Error(400, "start_date 与 end_date 的跨度不能超过 90 天。")
    return start, end


def _validation_descriptions(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{field}：{m}" if field != "__all__" else m for field, ms in error.message_dict.items() for m in ms]
    return list(error.messages)


def requested_format(request: HttpRequest) -> str:
    """The format an error answers in: the path's suffix, XML (the spec's default) for anything else."""
    return "json" if request.path_info.endswith(".json") else "xml"


def error_response(request: HttpRequest, error: Exception, fmt: str | None = None) -> HttpResponse:
    """Any exception raised while answering an Open311 request, as the spec's errors document in the requested
    format. An unexpected one is logged with its traceback and answers 500 without its details."""
    fmt = fmt or requested_format(request)
    if isinstance(error, Open311Error):
        return error.response(fmt)
    if isinstance(error, Http404):
        return Open311Error(404, str(error) or "未找到。").response(fmt)
    if isinstance(error, PermissionDenied):
        return Open311Error(403, str(error) or "无权执行此操作。").response(fmt)
    if isinstance(error, ValidationError):
        return Open311Error(400, *_validation_descriptions(error)).response(fmt)
    if isinstance(error, RequestDataTooBig | TooManyFieldsSent):
        return Open311Error(400, BODY_TOO_BIG).response(fmt)
    if isinstance(error, SuspiciousOperation | UnreadablePostError):
        return Open311Error(400, "请求无法解析，请检查后重新提交。").response(fmt)
    logger.exception("Open311 %s %s failed", request.method, request.path, exc_info=error)
    return Open311Error(500, SERVER_ERROR).response(fmt)


BODY_TOO_BIG = "请求内容过大，无法处理：请精简后重新提交。"
SERVER_ERROR = "服务器内部错误，请稍后重试；如一再出现，请联系本区管理员。"


def _post_problem(request: HttpRequest) -> None:
    """accounts.text's rule over every field of a POST body, read or not (the query string is the middleware's)."""
    for name, values in request.POST.lists():
        for part in (name, *values):
            problem = text_problem(part)
            if problem is not None:
                raise Open311Error(400, f"{strip_forbidden(name)[:40]}：{problem.messages[0]}")


@method_decorator(csrf_exempt, name="dispatch")
class Open311View(View):
    """Answers in the suffix's format, errors included: every exception becomes the errors document
    (error_response), an unexpected one a logged 500."""

    http_method_names = ["get", "head", "options"]
    tenancy_model: type | None = None

    def dispatch(self, request: HttpRequest, *args: Any, format: str, **kwargs: Any) -> HttpResponse:
        self.fmt = format
        try:
            if request.method == "POST":
                _post_problem(request)
            return super().dispatch(request, *args, **kwargs)
        except Exception as error:
            return error_response(request, error, format)

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        allowed = [m.upper() for m in self._allowed_methods()]
        response = Open311Error(405, f"不支持 {request.method} 方法：可用 {'、'.join(allowed)}。").response(self.fmt)
        response["Allow"] = ", ".join(allowed)
        return response

    def options(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = HttpResponse(status=200)
        response["Allow"] = ", ".join(m.upper() for m in self._allowed_methods())
        response["Content-Length"] = "0"
        return response

    def render(self, root: str, item: str | None, body: Any, status: int = 200) -> HttpResponse:
        return render(self.fmt, root, item, body, status=status)


@csrf_exempt  # a POST to a path that does not exist is the spec's 404, not a CSRF page
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any /open311/v2/ path that names no resource: the errors document, in the format its suffix asks for."""
    return Open311Error(404, "没有这个 Open311 资源：请参阅 discovery.xml 列出的接口。").response(
        requested_format(request)
    )


class DiscoveryView(Open311View):
    """Service Discovery: where the GeoReport v2 endpoint is and which formats it speaks."""

    def get(self, request: HttpRequest) -> HttpResponse:
        base = request.build_absolute_uri(reverse("open311:services", kwargs={"format": "xml"}))
        endpoint = {
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": base.rsplit("/", 1)[0],
            "changeset": CHANGESET,
            "type": "production",
            "formats": Nested("format", [XML_CONTENT_TYPE.split(";")[0], JSON_CONTENT_TYPE.split(";")[0]]),
        }
        body = {
            "changeset": CHANGESET,
            "contact": "各区 12345 热线与城市运行管理平台：接口密钥（api_key）请向本区区级管理员申请。",
            "key_service": "api_key 为本区接口账号（区级人员）的令牌；jurisdiction_id 为区的 6 位区划代码。",
            "endpoints": Nested("endpoint", [endpoint]),
        }
        return self.render("discovery", None, body)


class ServiceListView(Open311View):
    tenancy_model = Category

    def get(self, request: HttpRequest) -> HttpResponse:
        district = jurisdiction(request.GET)
        rows = [selectors.service_row(c) for c in selectors.services(district=district)]
        return self.render("services", "service", rows)


class ServiceDefinitionView(Open311View):
    tenancy_model = Category

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        district = jurisdiction(request.GET)
        category = selectors.services(district=district).filter(code=code).first()
        if category is None:
            raise Open311Error(404, f"service_code“{code}”不存在。")
        return self.render("service_definition", None, selectors.service_definition(category=category))


class RequestListView(Open311View):
    """GET: the district's requests with the spec's filters; POST: file one (api_key required)."""

    http_method_names = ["get", "post", "head", "options"]
    tenancy_model = WorkOrder

    def get(self, request: HttpRequest) -> HttpResponse:
        params = request.GET
        asking = caller(params, request=request)
        ids = None
        if _list(params, "service_request_id"):
            ids = [_id(i) for i in _list(params, "service_request_id")][: selectors.MAX_ROWS]
            if None in ids:
                raise Open311Error(400, "service_request_id 应为以逗号分隔的数字。")
            start = end = None
        else:
            start, end = window(params)
        statuses = [s.lower() for s in _list(params, "status")]
        if any(s not in ("open", "closed") for s in statuses):
            raise Open311Error(400, "status 只能是 open 或 closed（可用逗号分隔）。")
        orders = selectors.requests(
            district=asking.district,
            public_only=asking.public_only,
            ids=ids,
            service_codes=_list(params, "service_code"),
            start=start,
            end=end,
            statuses=statuses,
        )
        return self.render("service_requests", "request", [selectors.request_row(o) for o in orders])

    def post(self, request: HttpRequest) -> HttpResponse:
        # Per client address (settings.RATE_LIMITS["open311-post"]), counted before the key is even checked.
        if rate_limited(request, limit="open311-post"):
            raise Open311Error(429, "请求过于频繁，请稍后再试。")
        params = request.POST
        asking = caller(params, writes=True, request=request)
        district, user = asking.district, asking.user
        service_code = _param(params, "service_code")
        if not service_code:
            raise Open311Error(400, "缺少 service_code。")
        category = selectors.services(district=district).filter(code=service_code).first()
        if category is None:
            raise Open311Error(404, f"service_code“{service_code}”不存在。")
        data = RequestIn(
            service_code=service_code,
            description=_text(params, "description"),
            lat=_param(params, "lat"),
            long=_param(params, "long"),
            address_string=_param(params, "address_string"),
            address_id=_param(params, "address_id"),
            compound_code=_param(params, f"attribute[{selectors.COMPOUND_ATTRIBUTE}]"),
            title=_param(params, f"attribute[{selectors.TITLE_ATTRIBUTE}]"),
            first_name=_param(params, "first_name"),
            last_name=_param(params, "last_name"),
            phone=_param(params, "phone"),
            email=_param(params, "email"),
            media_url=_param(params, "media_url"),
        )
        # The standard has no idempotency key: identical content from the same account within the district's
        # window is one request, and the answer names it (workorders.idempotency.claim_content).
        minutes = privacy_settings(district_id=district.pk).open311_dedupe_minutes
        with transaction.atomic():
            key = earlier = None
            if minutes:
                content = {k: v for k, v in params.lists() if k != "api_key"}
                key, earlier = idempotency.claim_content(
                    district_id=district.pk,
                    scope=f"open311:{user.pk}",
                    endpoint="open311:requests",
                    digest=idempotency.fingerprint(content),
                    window=timedelta(minutes=minutes),
                )
            if earlier is not None:
                notice = (
                    f"与 {timezone.localtime(key.created_at):%Y-%m-%d %H:%M} 提交的诉求 {earlier.pk} 内容相同，"
                    f"未重复登记；查询码 {earlier.tracking_code}。"
                )
                row = {"service_request_id": str(earlier.pk), "service_notice": notice, "account_id": None}
                return self.render("service_requests", "request", [row])
            order = open311_request_create(actor=user, district=district, category=category, data=data)
            if key is not None:
                idempotency.record(key, order=order)
        notice = f"已受理，查询码 {order.tracking_code}；预计 {order.resolve_by:%Y-%m-%d %H:%M} 前办结。"
        row = {"service_request_id": str(order.pk), "service_notice": notice, "account_id": None}
        return self.render("service_requests", "request", [row])


class RequestDetailView(Open311View):
    tenancy_model = WorkOrder

    def get(self, request: HttpRequest, service_request_id: str) -> HttpResponse:
        asking = caller(request.GET, request=request)
        pk = _id(service_request_id)
        order = None
        if pk is not None:
            order = selectors.requests(district=asking.district, public_only=asking.public_only, ids=[pk]).first()
        if order is None:  # missing, another district's or not readable by this caller: one answer
            raise Open311Error(404, f"service_request_id“{strip_forbidden(service_request_id)}”不存在。")
        return self.render("service_requests", "request", [selectors.request_row(order)])


class TokenView(Open311View):
    """Requests are realtime here (POST answers with the service_request_id), so no token is ever issued;
    for clients that look one up anyway, a token is the request's own id."""

    tenancy_model = WorkOrder

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        asking = caller(request.GET, request=request)
        pk = _id(token)
        readable = selectors.readable_requests(district=asking.district, public_only=asking.public_only)
        if pk is None or not readable.filter(pk=pk).exists():
            raise Open311Error(404, f"token“{strip_forbidden(token)}”不存在。")
        return self.render("service_requests", "request", [{"service_request_id": token, "token": token}])


class ServiceRequestUpdatesView(Open311View):
    """FixMyStreet's extension. GET (api_key): the district's updates from our timeline between start_date and
    end_date (default: the last 90 days). POST (api_key, service_request_id, update_id, status, description,
    updated_datetime): apply a platform's update once per update_id."""

    http_method_names = ["get", "post", "head", "options"]
    tenancy_model = WorkOrder

    def get(self, request: HttpRequest) -> HttpResponse:
        asking = caller(request.GET, request=request)
        start, end = window(request.GET)
        entries = selectors.updates(district=asking.district, public_only=asking.public_only, start=start, end=end)
        rows = [selectors.update_row(e) for e in entries]
        return self.render("service_request_updates", "request_update", rows)

    def post(self, request: HttpRequest) -> HttpResponse:
        """As FixMyStreet posts it: update_id_ext (our update_id is accepted too), updated_datetime, status (any
        case), description, names and email (not kept: the platform's own users are not our reporters)."""
        params = request.POST
        asking = caller(params, writes=True, request=request)
        district, user = asking.district, asking.user
        update_id = _param(params, "update_id_ext") or _param(params, "update_id")
        missing = [name for name in ("service_request_id", "status", "updated_datetime") if not _param(params, name)]
        if not update_id:
            missing.insert(1, "update_id_ext")
        if missing:
            raise Open311Error(400, *(f"缺少 {name}。" for name in missing))
        entry = open311_update_apply(
            actor=user,
            district=district,
            service_request_id=_param(params, "service_request_id"),
            update_id=update_id,
            status=_param(params, "status"),
            description=_text(params, "description"),
            updated_datetime=moment(params, "updated_datetime"),
        )
        return self.render("service_request_updates", "request_update", [{"update_id": str(entry.pk)}])
