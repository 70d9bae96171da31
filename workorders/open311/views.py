"""The GeoReport v2 endpoints. Plain Django views (the spec's XML and its error bodies are not DRF's).

Jurisdiction: `jurisdiction_id` is a district code; unknown → 404. Without it, a server with one district
uses that one, an api_key of a district official uses the key's district, otherwise 400 (the spec requires
it when the endpoint serves several jurisdictions). Every query filters by that district, so a request of
another district is a 404 like a missing one.

api_key (POST requests, both servicerequestupdates calls): the DRF token of an active district official of
the jurisdiction (the district's API account) or of a platform administrator; missing or not valid for the
jurisdiction → 403.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.roles import Role
from accounts.text import strip_forbidden, text_problem
from compounds.models import District
from workorders.models import Category, WorkOrder
from workorders.open311 import selectors
from workorders.open311.formats import JSON_CONTENT_TYPE, XML_CONTENT_TYPE, Nested, Open311Error, render
from workorders.open311.services import RequestIn, open311_request_create, open311_update_apply
from workorders.worktime import BEIJING

WINDOW = timedelta(days=90)
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


def api_key_user(params: QueryDict) -> User:
    key = _param(params, "api_key")
    if not key:
        raise Open311Error(403, "缺少 api_key：此操作需要本区的接口密钥。")
    token = Token.objects.select_related("user__district").filter(key=key).first()
    user = token.user if token is not None else None
    if user is None or not user.is_active or not (user.is_platform_admin or user.role == Role.DISTRICT_OFFICIAL):
        raise Open311Error(403, "api_key 无效。")
    return user


def check_key_for(user: User, district: District) -> None:
    if not (user.is_platform_admin or user.district_id == district.pk):
        raise Open311Error(403, "api_key 无效：该密钥无权访问此区。")


def moment(params: QueryDict, name: str) -> datetime | None:
    text = _param(params, name)
    if not text:
        return None
    value = parse_datetime(text.replace(" ", "+")) if "T" in text else None
    if value is None and "T" not in text:
        day = parse_date(text)
        value = datetime.combine(day, time.min) if day is not None else None
    if value is None:
        raise Open311Error(400, f"{name}“{text}”格式不正确：应为 ISO 8601 时间，如 2026-11-23T09:30:00+08:00。")
    return timezone.make_aware(value, BEIJING) if timezone.is_naive(value) else value


def window(params: QueryDict) -> tuple[datetime, datetime]:
    """start_date/end_date, by default the most recent 90 days; a range may not span more than 90 days."""
    start, end = moment(params, "start_date"), moment(params, "end_date")
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if end < start:
        raise Open311Error(400, "end_date 不能早于 start_date。")
    if end - start > WINDOW:
        raise Open311Error(400, "start_date 与 end_date 的跨度不能超过 90 天。")
    return start, end


def _validation_descriptions(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{field}：{m}" if field != "__all__" else m for field, ms in error.message_dict.items() for m in ms]
    return list(error.messages)


@method_decorator(csrf_exempt, name="dispatch")
class Open311View(View):
    """Answers in the suffix's format, errors included (Open311Error, 404, validation, permission)."""

    http_method_names = ["get", "head", "options"]
    tenancy_model: type | None = None

    def dispatch(self, request: HttpRequest, *args: Any, format: str, **kwargs: Any) -> HttpResponse:
        self.fmt = format
        try:
            return super().dispatch(request, *args, **kwargs)
        except Open311Error as error:
            return error.response(format)
        except Http404 as error:
            return Open311Error(404, str(error) or "未找到。").response(format)
        except PermissionDenied as error:
            return Open311Error(403, str(error) or "无权执行此操作。").response(format)
        except ValidationError as error:
            return Open311Error(400, *_validation_descriptions(error)).response(format)

    def render(self, root: str, item: str | None, body: Any, status: int = 200) -> HttpResponse:
        return render(self.fmt, root, item, body, status=status)


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
        district = jurisdiction(params)
        ids = None
        if _list(params, "service_request_id"):
            try:
                ids = [int(i) for i in _list(params, "service_request_id")][: selectors.MAX_ROWS]
            except ValueError as error:
                raise Open311Error(400, "service_request_id 应为以逗号分隔的数字。") from error
            start = end = None
        else:
            start, end = window(params)
        statuses = [s.lower() for s in _list(params, "status")]
        if any(s not in ("open", "closed") for s in statuses):
            raise Open311Error(400, "status 只能是 open 或 closed（可用逗号分隔）。")
        orders = selectors.requests(
            district=district,
            ids=ids,
            service_codes=_list(params, "service_code"),
            start=start,
            end=end,
            statuses=statuses,
        )
        return self.render("service_requests", "request", [selectors.request_row(o) for o in orders])

    def post(self, request: HttpRequest) -> HttpResponse:
        params = request.POST
        code = _param(params, "jurisdiction_id")
        district = jurisdiction(params) if code else None
        user = api_key_user(params)
        district = district or jurisdiction(params, key_user=user)
        check_key_for(user, district)
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
        )
        order = open311_request_create(actor=user, district=district, category=category, data=data)
        notice = f"已受理，查询码 {order.tracking_code}；预计 {order.resolve_by:%Y-%m-%d %H:%M} 前办结。"
        row = {"service_request_id": str(order.pk), "service_notice": notice, "account_id": None}
        return self.render("service_requests", "request", [row])


class RequestDetailView(Open311View):
    tenancy_model = WorkOrder

    def get(self, request: HttpRequest, service_request_id: str) -> HttpResponse:
        district = jurisdiction(request.GET)
        order = None
        if service_request_id.isdigit():
            order = selectors.requests(district=district, ids=[int(service_request_id)]).first()
        if order is None:
            raise Open311Error(404, f"service_request_id“{service_request_id}”不存在。")
        return self.render("service_requests", "request", [selectors.request_row(order)])


class TokenView(Open311View):
    """Requests are realtime here (POST answers with the service_request_id), so no token is ever issued;
    for clients that look one up anyway, a token is the request's own id."""

    tenancy_model = WorkOrder

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        district = jurisdiction(request.GET)
        exists = token.isdigit() and WorkOrder.objects.filter(district=district, pk=int(token)).exists()
        if not exists:
            raise Open311Error(404, f"token“{token}”不存在。")
        return self.render("service_requests", "request", [{"service_request_id": token, "token": token}])


class ServiceRequestUpdatesView(Open311View):
    """FixMyStreet's extension. GET (api_key): the district's updates from our timeline between start_date and
    end_date (default: the last 90 days). POST (api_key, service_request_id, update_id, status, description,
    updated_datetime): apply a platform's update once per update_id."""

    http_method_names = ["get", "post", "head", "options"]
    tenancy_model = WorkOrder

    def _district_and_user(self, params: QueryDict) -> tuple[District, User]:
        district = jurisdiction(params) if _param(params, "jurisdiction_id") else None
        user = api_key_user(params)
        district = district or jurisdiction(params, key_user=user)
        check_key_for(user, district)
        return district, user

    def get(self, request: HttpRequest) -> HttpResponse:
        district, _ = self._district_and_user(request.GET)
        start, end = window(request.GET)
        rows = [selectors.update_row(e) for e in selectors.updates(district=district, start=start, end=end)]
        return self.render("service_request_updates", "request_update", rows)

    def post(self, request: HttpRequest) -> HttpResponse:
        params = request.POST
        district, user = self._district_and_user(params)
        missing = [name for name in ("service_request_id", "update_id", "status") if not _param(params, name)]
        if missing:
            raise Open311Error(400, *(f"缺少 {name}。" for name in missing))
        entry = open311_update_apply(
            actor=user,
            district=district,
            service_request_id=_param(params, "service_request_id"),
            update_id=_param(params, "update_id"),
            status=_param(params, "status"),
            description=_text(params, "description"),
            updated_datetime=_param(params, "updated_datetime"),
        )
        return self.render("service_request_updates", "request_update", [{"update_id": str(entry.pk)}])
