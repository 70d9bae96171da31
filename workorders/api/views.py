"""REST endpoints for work orders (/api/v1/). Scope, transactions and the post-write scope check live in
accounts.api.viewsets; orders are filed and moved only through workorders.services, each move an `@action`
with its own serializer. An illegal move is a 400 with the state machine's Chinese message; a move the actor
may not make is a 403 with the service's message; another district's order is a 404."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.exceptions import conflict_response
from accounts.api.pagination import KeysFirstPagination
from accounts.api.serializers import drf_validation_errors
from accounts.api.viewsets import TenantReadOnlyViewSet, TenantViewSet
from accounts.errors import Conflict
from accounts.permissions import has, require
from accounts.policy import restrict
from accounts.privacy import record_reveal
from config.dbrouter import replica_reads
from workorders import filtersets, selectors, services
from workorders.api import serializers as api
from workorders.api.idempotency import IDEMPOTENCY_PARAMETER, file_once
from workorders.forms import ACTIONS
from workorders.models import (
    Category,
    DeliberationMeeting,
    Notification,
    RoutingRule,
    TimelineEntry,
    UrgencyClass,
    WorkOrder,
)
from workorders.privacy import privacy_settings, privacy_settings_update
from workorders.worktime import BEIJING


def call_service(function: Any, **kwargs: Any) -> Any:
    """Run a service; its Chinese ValidationError becomes a 400 and its PermissionDenied a 403 (same text)."""
    try:
        return function(**kwargs)
    except DjangoValidationError as error:
        raise serializers.ValidationError(drf_validation_errors(error)) from error
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or gettext("您无权执行此操作。")) from error


# ---------------------------------------------------------------------------------------------------- catalogue


class UrgencyClassViewSet(TenantViewSet):
    """紧急程度 and their SLA (district officials edit)."""

    queryset = UrgencyClass.objects.all()
    serializer_class = api.UrgencyClassSerializer
    filterset_class = filtersets.UrgencyClassFilterSet
    ordering_fields = ["code", "name", "respond_hours", "resolve_hours"]


class CategoryViewSet(TenantViewSet):
    """诉求类别 (district officials edit)."""

    queryset = Category.objects.select_related("urgency", "parent")
    serializer_class = api.CategorySerializer
    filterset_class = filtersets.CategoryFilterSet
    ordering_fields = ["code", "name", "sort_order"]


class RoutingRuleViewSet(TenantViewSet):
    """分派规则 (district officials edit). The first active rule by ascending priority wins."""

    queryset = RoutingRule.objects.select_related("category")
    serializer_class = api.RoutingRuleSerializer
    filterset_class = filtersets.RoutingRuleFilterSet
    ordering_fields = ["priority", "name"]


# ---------------------------------------------------------------------------------------------------- orders


def _transition(
    name: str,
    serializer_class: type[serializers.Serializer],
    summary: str,
    *,
    url_path: str | None = None,
    idempotent: bool = False,
) -> Any:
    """An `@action` that validates with `serializer_class` and makes the move `name` (workorders.forms.ACTIONS).
    `idempotent`: the move honours an `Idempotency-Key` header as filing does (workorders.api.idempotency) — the
    same request sent again answers the first answer and moves nothing; the key is the account's, per order."""
    move = ACTIONS[name]
    url_path = url_path or name

    def handler(self: WorkOrderViewSet, request: Request, *args: Any, **kwargs: Any) -> Response:
        order = self.get_object()  # 404 for another district's order, before reading the body
        incoming = serializer_class(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)

        def run() -> tuple[WorkOrder, Response]:
            moved = call_service(move.run, a=request.user, o=order, d=data)
            return moved, self.order_response(moved)

        if not idempotent:
            return run()[1]
        endpoint = f"api:work-orders:{order.pk}:{url_path}"
        return file_once(request, endpoint=endpoint, district_id=order.district_id, file=run)

    handler.__name__ = name.replace("return", "return_")
    handler.__doc__ = summary
    handler = action(
        detail=True, methods=["post"], url_path=url_path, url_name=url_path, serializer_class=serializer_class
    )(handler)
    parameters = [IDEMPOTENCY_PARAMETER] if idempotent else []
    return extend_schema(
        request=serializer_class, responses={200: api.WorkOrderSerializer}, summary=summary, parameters=parameters
    )(handler)


class WorkOrderViewSet(TenantViewSet):
    """工单. Listed with the reporter's phone masked; one order shows it in full to whoever may call the
    resident back, and the read is written to the district's reveal log (accounts.privacy.record_reveal).
    Created through `work_order_file`; never edited or deleted directly."""

    queryset = WorkOrder.objects.select_related(*api.ORDER_RELATED)
    serializer_class = api.WorkOrderSerializer
    filterset_class = filtersets.WorkOrderFilterSet
    pagination_class = KeysFirstPagination
    ordering_fields = ["created_at", "respond_by", "resolve_by", "updated_at", "state", "tracking_code"]
    ordering = ["-created_at", "-pk"]
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "retrieve":
            return api.WorkOrderDetailSerializer
        if self.action == "create":
            return api.WorkOrderCreateSerializer
        return super().get_serializer_class()

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("departments", "photos")
        return queryset

    def order_response(self, order: WorkOrder, status_code: int = status.HTTP_200_OK) -> Response:
        order = WorkOrder.objects.select_related(*api.ORDER_RELATED).get(pk=order.pk)
        return Response(api.WorkOrderSerializer(order, context=self.get_serializer_context()).data, status=status_code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One order, with the reporter's name and phone in full for whoever may call the resident back (the
        read is written to the district's reveal log); masked for anyone else."""
        order = self.get_object()
        context = self.get_serializer_context()
        if has(request.user, "workorders.reveal_reporter", order):
            record_reveal(actor=request.user, obj=order, fields=api.REPORTER_FIELDS, via=request.get_full_path())
            context["reveal_reporter"] = True
        return Response(api.WorkOrderDetailSerializer(order, context=context).data)

    @extend_schema(
        request=api.WorkOrderCreateSerializer,
        responses={201: api.WorkOrderSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """登记工单 (staff channels). Routing runs in a task after the commit. With an `Idempotency-Key` header,
        the same request sent again answers the first answer and files nothing."""
        incoming = api.WorkOrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = {key: value for key, value in incoming.validated_data.items() if value is not None}

        def file() -> tuple[WorkOrder, Response]:
            order = call_service(services.work_order_file, actor=request.user, **data)
            try:
                services.raise_if_clash(order)  # kept beside the first filing of its number: a 409 naming both
            except Conflict as clash:
                return order, conflict_response(clash)
            return order, self.order_response(order, status.HTTP_201_CREATED)

        return file_once(request, endpoint="api:work-orders", district_id=data["compound"].district_id, file=file)

    @extend_schema(responses=api.TimelineEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], serializer_class=api.TimelineEntrySerializer, filter_backends=[])
    def timeline(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """流转记录, oldest first."""
        order = self.get_object()
        entries = restrict(TimelineEntry.objects.select_related("actor"), request.user).filter(order=order)
        page = self.paginate_queryset(entries.order_by("at", "pk"))
        return self.get_paginated_response(
            api.TimelineEntrySerializer(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(responses=api.WorkOrderSerializer(many=True))
    @action(detail=False, methods=["get"])
    def mine(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """我的工单: open orders whose current handler is the user's unit or the user, soonest due first."""
        orders = selectors.work_orders_for_handler(actor=request.user).select_related(*api.ORDER_RELATED)
        orders = self.filter_queryset(orders).order_by("resolve_by", "pk")
        page = self.paginate_queryset(orders)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=api.BulkAssignSerializer, responses={200: api.BulkAssignResultSerializer})
    @action(detail=False, methods=["post"], url_path="bulk-assign", serializer_class=api.BulkAssignSerializer)
    def bulk_assign(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """批量派单: every order or none (an order that cannot be assigned names itself in the error)."""
        incoming = api.BulkAssignSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        assigned = []
        with transaction.atomic():
            for order in data["orders"]:
                try:
                    services.work_order_assign(
                        actor=request.user,
                        order=order,
                        level=data["level"],
                        unit=data["unit"],
                        note=data.get("note", ""),
                    )
                except DjangoValidationError as error:
                    messages = "；".join(error.messages)
                    raise serializers.ValidationError(
                        {"orders": [f"工单 {order.tracking_code}：{messages}"]}
                    ) from error
                except DjangoPermissionDenied as error:
                    raise PermissionDenied(f"工单 {order.tracking_code}：{error}") from error
                assigned.append(order.pk)
        return Response({"assigned": assigned})

    assign = _transition("assign", api.AssignSerializer, "派单：派给物业、社区、街道或职能部门")
    claim = _transition("claim", api.EmptySerializer, "认领：从本单位的认领池中领取工单")
    accept_start = _transition(
        "accept_start",
        api.NoteSerializer,
        "受理并开始处理（一步完成；承办单位的人员，工单待受理且不在认领池中时）",
        url_path="accept-and-start",
        idempotent=True,
    )
    resolve_on_the_spot = _transition(
        "resolve_on_the_spot",
        api.ResolveSerializer,
        "当场办结（须填写办理结果；网格员本人上报、区里允许当场办结的类别，尚未被受理时）",
        url_path="resolve-on-the-spot",
        idempotent=True,
    )
    accept = _transition("accept", api.NoteSerializer, "受理")
    start = _transition("start", api.NoteSerializer, "开始处理")
    return_ = _transition("return", api.ReasonSerializer, "退回（须填写原因）")
    transfer = _transition("transfer", api.TransferSerializer, "转办（须填写原因）")
    escalate = _transition("escalate", api.EscalateSerializer, "上报上一层级（须填写原因；从街道上报可呼叫多个部门）")
    resolve = _transition("resolve", api.ResolveSerializer, "办结（须填写办理结果）")
    rate = _transition("rate", api.RateSerializer, "录入回访评价（六级满意度）")
    close = _transition("close", api.NoteSerializer, "归档")
    reject = _transition("reject", api.ReasonSerializer, "不予受理（须填写原因）")
    merge = _transition("merge", api.MergeSerializer, "合并至主工单")


# ---------------------------------------------------------------------------------------------------- inbox, meetings


class NotificationViewSet(TenantReadOnlyViewSet):
    """站内消息: the signed-in user's own inbox, newest first. `?unread=true` for unread only."""

    queryset = Notification.objects.select_related("order")
    serializer_class = api.NotificationSerializer
    filterset_class = None
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet:
        unread = self.request.query_params.get("unread", "").lower() in ("1", "true", "yes")
        return selectors.inbox(actor=self.request.user, unread_only=unread).order_by("-created_at", "-pk")

    @extend_schema(request=None, responses={200: api.NotificationSerializer})
    @action(detail=True, methods=["post"], serializer_class=api.EmptySerializer)
    def read(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Mark one message read."""
        notification = self.get_object()
        services.notification_mark_read(actor=request.user, notification_ids=[notification.pk])
        notification.refresh_from_db()
        return Response(api.NotificationSerializer(notification, context=self.get_serializer_context()).data)

    @extend_schema(request=api.MarkReadSerializer, responses={200: api.MarkReadResultSerializer})
    @action(detail=False, methods=["post"], url_path="mark-read", serializer_class=api.MarkReadSerializer)
    def mark_read(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Mark the given messages (`ids`) or every unread message (`all`) read; others' ids are ignored."""
        incoming = api.MarkReadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        ids = incoming.validated_data.get("ids") or []
        if incoming.validated_data["all"]:
            ids = list(selectors.inbox(actor=request.user, unread_only=True).values_list("pk", flat=True))
        if not ids:
            raise serializers.ValidationError({"ids": [gettext("请指定要标为已读的消息，或使用 all。")]})
        marked = services.notification_mark_read(actor=request.user, notification_ids=ids)
        return Response({"marked": marked})


class DeliberationMeetingViewSet(TenantViewSet):
    """议事会 records, linked to the orders they settle."""

    queryset = DeliberationMeeting.objects.select_related("community").prefetch_related(
        Prefetch("work_orders", queryset=WorkOrder.objects.only("pk", "meeting_id"))
    )
    serializer_class = api.DeliberationMeetingSerializer
    filterset_class = filtersets.DeliberationMeetingFilterSet
    ordering_fields = ["held_on", "created_at"]

    @extend_schema(request=api.DeliberationMeetingCreateSerializer, responses={201: api.DeliberationMeetingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = api.DeliberationMeetingCreateSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        meeting = call_service(services.deliberation_meeting_record, actor=request.user, **incoming.validated_data)
        meeting = self.get_queryset().model.objects.get(pk=meeting.pk)
        return Response(
            api.DeliberationMeetingSerializer(meeting, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


# ---------------------------------------------------------------------------------------------------- privacy settings


class PrivacySettingsView(APIView):
    """隐私与开放设置 of the user's district: the Open311 read policy (public reads, public categories) and how
    many years personal data of closed requests is kept. District officials read and change them."""

    permission_classes = [IsAuthenticated]
    serializer_class = api.PrivacySettingsSerializer

    def district(self, request: Request) -> Any:
        district = actor_district(request)
        require(request.user, "workorders.configure_privacy", privacy_settings(district_id=district.pk))
        return district

    @extend_schema(responses=api.PrivacySettingsSerializer)
    def get(self, request: Request) -> Response:
        district = self.district(request)
        return Response(api.PrivacySettingsSerializer(privacy_settings(district_id=district.pk)).data)

    @extend_schema(request=api.PrivacySettingsSerializer, responses=api.PrivacySettingsSerializer)
    def patch(self, request: Request) -> Response:
        district = self.district(request)
        incoming = api.PrivacySettingsSerializer(data=request.data, context={"request": request}, partial=True)
        incoming.is_valid(raise_exception=True)
        settings = privacy_settings_update(actor=request.user, district=district, **incoming.validated_data)
        return Response(api.PrivacySettingsSerializer(settings).data)


# ---------------------------------------------------------------------------------------------------- KPIs


def last_month() -> date:
    today = timezone.now().astimezone(BEIJING).date()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return date(year, month, 1)


def this_month() -> date:
    today = timezone.now().astimezone(BEIJING).date()
    return date(today.year, today.month, 1)


def actor_district(request: Request) -> Any:
    district = getattr(request.user, "district", None)
    if district is None:
        raise serializers.ValidationError({"detail": [gettext("平台管理员请在区级账号下查看统计。")]})
    return district


class WorkOrderKpiView(APIView):
    """三率 and friends per street, community, compound, property firm or department, for a month (default
    this month) or a date range, optionally by month. Counts only the orders the user may view."""

    permission_classes = [IsAuthenticated]
    serializer_class = api.KpiReportSerializer

    @extend_schema(parameters=[api.KpiQuerySerializer], responses=api.KpiReportSerializer)
    def get(self, request: Request) -> Response:
        query = api.KpiQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        district = actor_district(request)
        if "start" in params:
            start, end = params["start"], params["end"]
        else:
            start, end = selectors.month_bounds(params.get("month") or this_month())
        with replica_reads(request.user):  # many rows read, none written: the replica's work when there is one
            rows = selectors.work_order_kpis(
                district=district,
                group_by=params["group_by"],
                start=start,
                end=end,
                by_month=params["by_month"],
                actor=request.user,
            )
            totals = selectors.work_order_totals(district=district, start=start, end=end, actor=request.user)
        report = {"group_by": params["group_by"], "start": start, "end": end, "totals": totals, "rows": rows}
        return Response(api.KpiReportSerializer(report).data)


class StreetRankingView(APIView):
    """街道月度排名 of the user's district (default: last month), on the three rates."""

    permission_classes = [IsAuthenticated]
    serializer_class = api.RankingSerializer

    @extend_schema(parameters=[api.RankingQuerySerializer], responses=api.RankingSerializer)
    def get(self, request: Request) -> Response:
        query = api.RankingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        month = query.validated_data.get("month") or last_month()
        district = actor_district(request)
        ranking = selectors.street_ranking_seen_by(actor=request.user, district=district, month=month)
        return Response(api.RankingSerializer({"month": f"{month:%Y-%m}", "streets": ranking}).data)
