"""Serializers for work orders and their catalogue.

Orders are read with WorkOrderSerializer (lists: the reporter's phone masked, no name) or
WorkOrderDetailSerializer (one order: name and phone in full, every read logged by the view). They are
written only through workorders.services: WorkOrderCreateSerializer validates the input of
`work_order_file`, and each transition has its own small serializer."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.fields import OptionalRelatedText, ScopedPrimaryKeyRelatedField, actor_from
from accounts.api.serializers import ReadOnlyModelSerializer, TenantModelSerializer
from accounts.phones import PhoneSerializerField
from accounts.privacy import mask_fields
from accounts.text import TEXT_MAX
from compounds.models import Community, Compound, Department
from workorders.forms import UNIT_LEVELS, unit_lookup
from workorders.models import (
    Category,
    Channel,
    DeliberationMeeting,
    HandlerLevel,
    Notification,
    PrivacySettings,
    RoutingRule,
    Satisfaction,
    State,
    TimelineEntry,
    UrgencyClass,
    WorkOrder,
)
from workorders.models.settings import OPEN311_DEDUPE_MINUTES, OPEN311_MATCH_DISTANCE, RETENTION_YEARS
from workorders.selectors import MONTH_YEARS
from workorders.statemachine import is_overdue

API = "workorders-api"


@extend_schema_field(OpenApiTypes.STR)
class PlainChoiceField(serializers.ChoiceField):
    """A choice validated like any other, described in the schema as a string whose values the description
    lists: the same choice set under several field names (handler levels, states) would otherwise become
    several competing enum components."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        listed = "、".join(f"{key}（{label}）" for key, label in self.choices.items())
        self.help_text = f"{self.help_text or ''}可选值：{listed}".strip()


UNIT_LEVEL_CHOICES = [(level.value, level.label) for level in UNIT_LEVELS]
# Rules and categories may also name the compound's stationed cadre (workorders.routing).
ROUTING_LEVEL_CHOICES = [*UNIT_LEVEL_CHOICES, (HandlerLevel.STATIONED_CADRE.value, HandlerLevel.STATIONED_CADRE.label)]
HANDLER_RELATED = (
    "handler_firm",
    "handler_community",
    "handler_street",
    "handler_department",
    "handler_user",
)
# What the order serializers read, in one query (the list's query count does not grow with its length).
ORDER_RELATED = ("compound", "community", "street", "category", "category__urgency", *HANDLER_RELATED)


# ---------------------------------------------------------------------------------------------------- catalogue


class UrgencyClassSerializer(TenantModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name=f"{API}:urgency-class-detail")

    class Meta:
        model = UrgencyClass
        fields = [
            "id",
            "url",
            "display",
            "district",
            "code",
            "name",
            "respond_hours",
            "resolve_hours",
            "calendar_time",
            "description",
        ]


class CategorySerializer(TenantModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name=f"{API}:category-detail")
    urgency_name = serializers.CharField(source="urgency.name", read_only=True, label="紧急程度名称")
    parent_name = OptionalRelatedText(source="parent.name", label="上级类别名称")
    default_handler_level = PlainChoiceField(choices=ROUTING_LEVEL_CHOICES, required=False, label="默认首办层级")

    class Meta:
        model = Category
        fields = [
            "id",
            "url",
            "display",
            "district",
            "parent",
            "parent_name",
            "code",
            "name",
            "urgency",
            "urgency_name",
            "default_handler_level",
            "department",
            "is_active",
            "sort_order",
            "open311_public",
            "grid_resolves_on_the_spot",
        ]


class RoutingRuleSerializer(TenantModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name=f"{API}:routing-rule-detail")
    category_name = OptionalRelatedText(source="category.name", label="类别名称")
    target_level = PlainChoiceField(choices=ROUTING_LEVEL_CHOICES, label="首办层级")

    class Meta:
        model = RoutingRule
        fields = [
            "id",
            "url",
            "display",
            "district",
            "priority",
            "name",
            "category",
            "category_name",
            "tier",
            "management_mode",
            "three_no",
            "target_level",
            "target_department",
            "mode",
            "is_active",
        ]


# ---------------------------------------------------------------------------------------------------- orders


class TimelineEntrySerializer(ReadOnlyModelSerializer):
    actor_name = serializers.CharField(source="actor_label", read_only=True, label="操作人")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="类型名称")
    from_state_label = serializers.CharField(source="get_from_state_display", read_only=True, label="原状态名称")
    to_state_label = serializers.CharField(source="get_to_state_display", read_only=True, label="新状态名称")
    from_state = PlainChoiceField(choices=State.choices, read_only=True, label="原状态")
    to_state = PlainChoiceField(choices=State.choices, read_only=True, label="新状态")

    class Meta:
        model = TimelineEntry
        fields = [
            "id",
            "display",
            "order",
            "at",
            "actor",
            "actor_name",
            "kind",
            "kind_label",
            "from_state",
            "from_state_label",
            "to_state",
            "to_state_label",
            "note",
            "handler_label",
        ]


class WorkOrderSerializer(ReadOnlyModelSerializer):
    """An order as lists show it: the reporter's phone masked (138****1234), no name."""

    url = serializers.HyperlinkedIdentityField(view_name=f"{API}:work-order-detail")
    state_label = serializers.CharField(source="get_state_display", read_only=True, label="状态名称")
    channel_label = serializers.CharField(source="get_channel_display", read_only=True, label="来源渠道名称")
    category_name = serializers.CharField(source="category.name", read_only=True, label="诉求类别名称")
    urgency_name = serializers.CharField(source="category.urgency.name", read_only=True, label="紧急程度")
    compound_name = serializers.CharField(source="compound.name", read_only=True, label="小区名称")
    community_name = serializers.CharField(source="community.name", read_only=True, label="社区名称")
    street_name = serializers.CharField(source="street.name", read_only=True, label="街道名称")
    handler_name = serializers.SerializerMethodField(label="承办单位")
    reporter_phone = serializers.CharField(source="masked_phone", read_only=True, label="联系电话（已脱敏）")
    is_overdue = serializers.SerializerMethodField(label="已超时")

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "url",
            "display",
            "district",
            "tracking_code",
            "title",
            "state",
            "state_label",
            "channel",
            "channel_label",
            "category",
            "category_name",
            "urgency_name",
            "compound",
            "compound_name",
            "community",
            "community_name",
            "street",
            "street_name",
            "property_firm",
            "handler_level",
            "handler_name",
            "is_pooled",
            "reporter_phone",
            "external_number",
            "possible_duplicate_of",
            "duplicate_of",
            "meeting",
            "created_at",
            "routed_at",
            "respond_by",
            "resolve_by",
            "responded_at",
            "resolved_at",
            "is_overdue",
            "satisfaction",
        ]

    def get_handler_name(self, obj: WorkOrder) -> str:
        handler = obj.handler
        return str(handler) if handler is not None else ""

    def get_is_overdue(self, obj: WorkOrder) -> bool:
        return is_overdue(obj, timezone.now())


REPORTER_FIELDS = ("reporter_name", "reporter_phone")


class WorkOrderDetailSerializer(WorkOrderSerializer):
    """One order, with the reporter's name and phone in full when the view says so (context `reveal_reporter`,
    after writing the reveal to the log), masked otherwise."""

    reporter_phone = serializers.CharField(read_only=True, label="联系电话")
    photos = serializers.SerializerMethodField(label="照片编号")

    class Meta(WorkOrderSerializer.Meta):
        fields = [
            *WorkOrderSerializer.Meta.fields,
            "description",
            "reporter_name",
            "reported_by",
            "latitude",
            "longitude",
            "first_receiver",
            "departments",
            "committed_respond_by",
            "committed_resolve_by",
            "resolution",
            "reject_reason",
            "rating_comment",
            "rated_at",
            "closed_at",
            "returned_count",
            "transferred_count",
            "escalated_count",
            "reopened_count",
            "photos",
        ]

    def get_photos(self, obj: WorkOrder) -> list[int]:
        return [photo.pk for photo in obj.photos.all()]

    def to_representation(self, instance: WorkOrder) -> dict:
        data = super().to_representation(instance)
        if not self.context.get("reveal_reporter"):
            data.update(mask_fields(WorkOrder, {name: data.get(name) for name in REPORTER_FIELDS}))
        return data


class WorkOrderCreateSerializer(serializers.Serializer):
    """登记工单 by staff (phone calls, walk-ins, orders from above, grid discoveries). Residents file through
    the compound's QR page, the 12345 platform through its own endpoint."""

    compound = ScopedPrimaryKeyRelatedField(queryset=Compound.objects.all(), label="小区")
    category = ScopedPrimaryKeyRelatedField(queryset=Category.objects.filter(is_active=True), label="诉求类别")
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        label="来源渠道",
        error_messages={"invalid_choice": "来源渠道“{input}”无效。"},
    )
    title = serializers.CharField(max_length=100, label="标题")
    description = serializers.CharField(max_length=TEXT_MAX, label="诉求内容")
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True, label="反映人")
    reporter_phone = PhoneSerializerField(label="联系电话")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    external_number = serializers.CharField(max_length=64, required=False, allow_blank=True, label="外部工单号")

    def validate_channel(self, value: str) -> str:
        if value == Channel.RESIDENT_QR:
            raise serializers.ValidationError("居民扫码反映请使用小区二维码页面，工作人员请选择其他来源渠道。")
        return value


# ---------------------------------------------------------------------------------------------------- transitions


class UnitFieldsMixin(serializers.Serializer):
    """`level` + `unit` (the id of a property firm, community, street, department or user of that level),
    looked up among what the actor may view."""

    level = PlainChoiceField(
        choices=UNIT_LEVEL_CHOICES,
        label="承办层级",
        error_messages={"invalid_choice": "承办层级“{input}”无效。"},
    )
    unit = serializers.IntegerField(label="承办单位编号", error_messages={"invalid": "承办单位编号应为整数。"})

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        attrs["unit"] = unit_lookup(actor_from(self.context), attrs["level"], attrs["unit"])
        return attrs


class AssignSerializer(UnitFieldsMixin):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, label="派单说明")


class TransferSerializer(UnitFieldsMixin):
    reason = serializers.CharField(max_length=500, allow_blank=True, label="转办原因")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, label="说明")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True, label="原因")


class EscalateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True, label="上报原因")
    departments = ScopedPrimaryKeyRelatedField(
        queryset=Department.objects.all(), many=True, required=False, label="呼叫的职能部门（从街道上报时）"
    )


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=4000, allow_blank=True, label="办理结果")


class MergeSerializer(serializers.Serializer):
    into = ScopedPrimaryKeyRelatedField(queryset=WorkOrder.objects.all(), label="主工单")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, label="说明")


class RateSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices, label="满意度", error_messages={"invalid_choice": "请选择满意度。"}
    )
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, label="评价意见")


class EmptySerializer(serializers.Serializer):
    pass


class BulkAssignSerializer(AssignSerializer):
    orders = ScopedPrimaryKeyRelatedField(
        queryset=WorkOrder.objects.all(),
        many=True,
        label="工单",
        allow_empty=False,
        error_messages={"empty": "请至少选择一张工单。"},
    )

    def validate_orders(self, value: list[WorkOrder]) -> list[WorkOrder]:
        if len(value) > 200:
            raise serializers.ValidationError("一次最多派 200 张工单。")
        return value


class BulkAssignResultSerializer(serializers.Serializer):
    assigned = serializers.ListField(child=serializers.IntegerField(), label="已派单的工单编号")


# ---------------------------------------------------------------------------------------------------- inbox, meetings


class NotificationSerializer(ReadOnlyModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name=f"{API}:notification-detail")
    order_code = OptionalRelatedText(source="order.tracking_code", label="工单查询码")
    is_read = serializers.SerializerMethodField(label="已读")

    class Meta:
        model = Notification
        fields = ["id", "url", "display", "order", "order_code", "kind", "message", "created_at", "read_at", "is_read"]

    def get_is_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False, label="消息编号")
    all = serializers.BooleanField(required=False, default=False, label="全部标为已读")


class MarkReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(label="本次标为已读的条数")


class DeliberationMeetingSerializer(TenantModelSerializer):
    """议事会. Created through workorders.services.deliberation_meeting_record (which links `orders`);
    `attendee_count` follows `attendees` (one attendee per line)."""

    url = serializers.HyperlinkedIdentityField(view_name=f"{API}:deliberation-meeting-detail")
    community_name = serializers.CharField(source="community.name", read_only=True, label="社区名称")
    orders = serializers.SerializerMethodField(label="关联工单编号")

    class Meta:
        model = DeliberationMeeting
        fields = [
            "id",
            "url",
            "display",
            "district",
            "community",
            "community_name",
            "compound",
            "topic",
            "held_on",
            "attendees",
            "attendee_count",
            "decision",
            "follow_up",
            "follow_up_done",
            "recorded_by",
            "created_at",
            "orders",
        ]
        read_only_fields = ["attendee_count", "recorded_by", "created_at"]

    def get_orders(self, obj: DeliberationMeeting) -> list[int]:
        return [order.pk for order in obj.work_orders.all()]

    def validate(self, attrs: dict) -> dict:
        if "attendees" in attrs:
            lines = [line.strip() for line in attrs["attendees"].splitlines() if line.strip()]
            attrs["attendees"] = "\n".join(lines)
            attrs["attendee_count"] = len(lines)
        return super().validate(attrs)


class DeliberationMeetingCreateSerializer(serializers.Serializer):
    community = ScopedPrimaryKeyRelatedField(queryset=Community.objects.all(), label="社区")
    compound = ScopedPrimaryKeyRelatedField(
        queryset=Compound.objects.all(), required=False, allow_null=True, label="小区"
    )
    topic = serializers.CharField(max_length=200, label="议题")
    held_on = serializers.DateField(label="召开日期", error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"})
    attendees = serializers.CharField(max_length=TEXT_MAX, label="参会人员（每行一人）")
    decision = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, label="议定事项")
    follow_up = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, label="后续落实")
    orders = ScopedPrimaryKeyRelatedField(queryset=WorkOrder.objects.all(), many=True, required=False, label="关联工单")


# ---------------------------------------------------------------------------------------------------- privacy settings


class PrivacySettingsSerializer(serializers.Serializer):
    """隐私与开放设置 of the official's district (workorders.models.PrivacySettings); `public_categories` are the
    ids of the categories whose requests Open311 shows without a key when public reads are on."""

    open311_public_reads = serializers.BooleanField(required=False, label="开放 Open311 公开查询")
    retention_years = serializers.IntegerField(
        required=False,
        min_value=RETENTION_YEARS[0],
        max_value=RETENTION_YEARS[1],
        label="个人信息保存年限",
        error_messages={
            "min_value": f"个人信息保存年限应为 {RETENTION_YEARS[0]} 至 {RETENTION_YEARS[1]} 年。",
            "max_value": f"个人信息保存年限应为 {RETENTION_YEARS[0]} 至 {RETENTION_YEARS[1]} 年。",
            "invalid": "个人信息保存年限应为整数（年）。",
        },
    )
    open311_match_distance_m = serializers.IntegerField(
        required=False,
        min_value=OPEN311_MATCH_DISTANCE[0],
        max_value=OPEN311_MATCH_DISTANCE[1],
        label="Open311 坐标匹配距离（米）",
        help_text="Open311 提交只带经纬度时，取该距离内最近的小区",
        error_messages={
            "min_value": f"Open311 坐标匹配距离应为 {OPEN311_MATCH_DISTANCE[0]} 至 {OPEN311_MATCH_DISTANCE[1]} 米。",
            "max_value": f"Open311 坐标匹配距离应为 {OPEN311_MATCH_DISTANCE[0]} 至 {OPEN311_MATCH_DISTANCE[1]} 米。",
            "invalid": "Open311 坐标匹配距离应为整数（米）。",
        },
    )
    public_categories = ScopedPrimaryKeyRelatedField(
        queryset=Category.objects.all(), many=True, required=False, label="Open311 公开的诉求类别"
    )
    open311_dedupe_minutes = serializers.IntegerField(
        required=False,
        min_value=OPEN311_DEDUPE_MINUTES[0],
        max_value=OPEN311_DEDUPE_MINUTES[1],
        label="Open311 重复提交合并时限（分钟）",
        error_messages={
            "min_value": f"合并时限应为 {OPEN311_DEDUPE_MINUTES[0]} 至 {OPEN311_DEDUPE_MINUTES[1]} 分钟。",
            "max_value": f"合并时限应为 {OPEN311_DEDUPE_MINUTES[0]} 至 {OPEN311_DEDUPE_MINUTES[1]} 分钟。",
            "invalid": "合并时限应为整数（分钟）。",
        },
    )
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True, label="更新时间")

    def to_representation(self, instance: PrivacySettings) -> dict:
        categories = Category.objects.filter(district_id=instance.district_id, open311_public=True).order_by("pk")
        return {
            "open311_public_reads": instance.open311_public_reads,
            "retention_years": instance.retention_years,
            "open311_match_distance_m": instance.open311_match_distance_m,
            "open311_dedupe_minutes": instance.open311_dedupe_minutes,
            "public_categories": list(categories.values_list("pk", flat=True)),
            "updated_at": serializers.DateTimeField().to_representation(instance.updated_at)
            if instance.updated_at
            else None,
        }


# ---------------------------------------------------------------------------------------------------- KPIs


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2026-03"})
class MonthField(serializers.RegexField):
    """A month written YYYY-MM, between the years of workorders.selectors.MONTH_YEARS; validates to the
    month's first day."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"invalid": "月份格式应为 YYYY-MM，例如 2026-03。"})
        super().__init__(r"^\d{4}-(0[1-9]|1[0-2])$", **kwargs)

    def run_validation(self, data: Any = serializers.empty) -> datetime.date | None:
        value = super().run_validation(data)  # the format (regex) is checked on the text
        if not value:
            return None
        year, month = (int(part) for part in value.split("-"))
        first, last = MONTH_YEARS
        if not first <= year <= last:
            raise serializers.ValidationError(f"月份应在 {first} 年至 {last} 年之间。")
        return datetime.date(year, month, 1)

    def to_representation(self, value: Any) -> str:
        return f"{value:%Y-%m}" if isinstance(value, datetime.date) else str(value)


class KpiQuerySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(
        choices=[
            ("street", "街道"),
            ("community", "社区"),
            ("compound", "小区"),
            ("property_firm", "物业企业"),
            ("department", "职能部门"),
        ],
        default="street",
        label="统计单位",
        error_messages={"invalid_choice": "统计单位“{input}”无效。"},
    )
    month = MonthField(required=False, label="月份（YYYY-MM）")
    start = serializers.DateField(required=False, label="起始日期（含）")
    end = serializers.DateField(required=False, label="截止日期（不含）")
    by_month = serializers.BooleanField(required=False, default=False, label="按月分列")

    def validate(self, attrs: dict) -> dict:
        if "month" in attrs and ("start" in attrs or "end" in attrs):
            raise serializers.ValidationError("请只填写月份，或只填写起止日期。")
        if ("start" in attrs) != ("end" in attrs):
            raise serializers.ValidationError("起始日期和截止日期须同时填写。")
        if "start" in attrs and attrs["start"] >= attrs["end"]:
            raise serializers.ValidationError({"end": ["截止日期应晚于起始日期。"]})
        return attrs


class RankingQuerySerializer(serializers.Serializer):
    month = MonthField(required=False, label="月份（YYYY-MM，默认上月）")


RATE = {"max_digits": 5, "decimal_places": 4, "allow_null": True, "coerce_to_string": False}


class KpiFiguresSerializer(serializers.Serializer):
    """The figures of one unit (or the totals). Written in one pass over the row's dict (`to_representation`):
    a year by compound is ~1,300 rows of 18 fields, and DRF's field-by-field path took half of that answer's
    time (issue 12: 0.25 of 0.48 s in process on the 100 k city). The same JSON as DRF's own
    (tests/workorders/test_kpi_api_fast.py compares them)."""

    orders = serializers.IntegerField(label="工单量")
    responded_on_time = serializers.IntegerField(label="按时响应")
    resolved = serializers.IntegerField(label="已办结")
    resolved_on_time = serializers.IntegerField(label="按时办结")
    rated = serializers.IntegerField(label="已评价")
    satisfied = serializers.IntegerField(label="满意")
    returned = serializers.IntegerField(label="被退回")
    ever_resolved = serializers.IntegerField(label="曾办结")
    reopened = serializers.IntegerField(label="重办")
    response_rate = serializers.DecimalField(**RATE, label="响应率")
    resolution_rate = serializers.DecimalField(**RATE, label="解决率")
    on_time_rate = serializers.DecimalField(**RATE, label="按时办结率")
    satisfaction_rate = serializers.DecimalField(**RATE, label="满意率")
    send_back_rate = serializers.DecimalField(**RATE, label="回退率")
    rehandling_rate = serializers.DecimalField(**RATE, label="重办率")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        if not isinstance(instance, dict):
            return super().to_representation(instance)
        written = {}
        for name, write, allow_null in _writers(type(self), self.fields):
            if name in instance:
                value = instance[name]
                written[name] = None if value is None else write(value)
            elif allow_null:  # as DRF: a missing value of a field that may be null is written as null
                written[name] = None
        return written


def _quantized(field: serializers.DecimalField):
    step = Decimal(1).scaleb(-field.decimal_places)
    return lambda value: (value if isinstance(value, Decimal) else Decimal(str(value))).quantize(
        step, rounding=field.rounding
    )


_WRITERS: dict[type, list] = {}


def _writers(cls: type, fields: Any) -> list:
    """(name, how to write its value) for each field of a KPI serializer, worked out once per class: what DRF's
    IntegerField, CharField, DecimalField (coerce_to_string off) and DateField (ISO) write for a value."""
    if cls not in _WRITERS:
        writers = []
        for name, field in fields.items():
            if isinstance(field, serializers.IntegerField):
                write = int
            elif isinstance(field, serializers.DecimalField):
                write = _quantized(field)
            elif isinstance(field, serializers.DateField):
                write = datetime.date.isoformat
            else:
                write = str
            writers.append((name, write, field.allow_null))
        _WRITERS[cls] = writers
    return _WRITERS[cls]


class KpiRowSerializer(KpiFiguresSerializer):
    id = serializers.IntegerField(label="单位编号")
    name = serializers.CharField(read_only=True, label="单位名称")
    month = serializers.DateField(required=False, label="月份")


class KpiReportSerializer(serializers.Serializer):
    group_by = serializers.CharField(read_only=True)
    start = serializers.DateField()
    end = serializers.DateField()
    totals = KpiFiguresSerializer()
    rows = KpiRowSerializer(many=True)


class RankedStreetSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True, label="名次（无工单为空）")
    street = serializers.IntegerField(source="street.pk", label="街道编号")
    street_name = serializers.CharField(source="street.name", read_only=True, label="街道名称")
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, coerce_to_string=False)
    figures = serializers.SerializerMethodField(label="指标")

    @extend_schema_field(KpiFiguresSerializer(allow_null=True))
    def get_figures(self, obj: Any) -> dict | None:
        return KpiFiguresSerializer(obj.figures).data if obj.figures else None


class RankingSerializer(serializers.Serializer):
    month = serializers.CharField(read_only=True, label="月份")
    streets = RankedStreetSerializer(many=True)
