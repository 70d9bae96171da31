"""The work order 工单, its append-only timeline, photos and SLA escalations."""

import contextlib

import pghistory
import pgtrigger
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.policy import ActorPath, TenantQuerySet
from accounts.privacy import EMAIL, NAME, PHONE, TEXT, mask_name, mask_phone
from accounts.roles import Role
from accounts.text import TEXT_MAX, validate_text
from compounds.models import DistrictOwned
from workorders.models.catalogue import HandlerLevel

R = Role
NOTE_MAX = TEXT_MAX + 1000


class Channel(models.TextChoices):
    GRID = "grid", pgettext_lazy("channel", "格格发现")  # the nav item 格格发现 is "Report an issue"
    RESIDENT_QR = "resident_qr", _("码上反馈")
    ASSIGNED_FROM_ABOVE = "assigned_from_above", _("上级下派")
    HOTLINE_12345 = "hotline_12345", _("平台转办")
    PHONE = "phone", _("电话来访")
    WALK_IN = "walk_in", _("来访")
    OPEN311 = "open311", _("开放接口（Open311）")


class State(models.TextChoices):
    """See workorders.statemachine.TRANSITIONS for the moves between them."""

    SUBMITTED = "submitted", _("已提交")
    ASSIGNED = "assigned", _("已派单")
    ACCEPTED = "accepted", _("已受理")
    IN_PROGRESS = "in_progress", _("处理中")
    RESOLVED = "resolved", _("已办结")
    RATED = "rated", _("已评价")
    CLOSED = "closed", _("已归档")
    RETURNED = "returned", _("已退回")
    TRANSFERRED = "transferred", _("已转办")
    ESCALATED = "escalated", _("已上报")
    MERGED = "merged", _("已合并")
    REJECTED = "rejected", _("不予受理")
    REOPENED = "reopened", _("已重办")


class Satisfaction(models.TextChoices):
    """六级满意度: the first two count as satisfied."""

    VERY_SATISFIED = "very_satisfied", _("很满意")
    SATISFIED = "satisfied", _("满意")
    NEUTRAL = "neutral", pgettext_lazy("satisfaction", "一般")  # 一般 is also an urgency class
    TOO_SLOW = "too_slow", _("时间长")
    BAD_ATTITUDE = "bad_attitude", _("态度差")
    POOR_SERVICE = "poor_service", _("业务差")


SATISFIED_LEVELS = (Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED)

# Exactly the handler column that matches handler_level is set (or none, with no level, before routing).
HANDLER_COLUMNS = {
    HandlerLevel.PROPERTY_FIRM: "handler_firm",
    HandlerLevel.COMMUNITY: "handler_community",
    HandlerLevel.STREET: "handler_street",
    HandlerLevel.DEPARTMENT: "handler_department",
    HandlerLevel.USER: "handler_user",
}


def _handler_check() -> Q:
    def only(column: str | None) -> Q:
        return Q(**{f"{c}__isnull": c != column for c in HANDLER_COLUMNS.values()})

    condition = Q(handler_level="") & only(None)
    for level, column in HANDLER_COLUMNS.items():
        condition |= Q(handler_level=level) & only(column)
    return condition


class WorkOrderQuerySet(TenantQuerySet):
    def open(self) -> "WorkOrderQuerySet":
        return self.exclude(state__in=[State.CLOSED, State.MERGED, State.REJECTED, State.RESOLVED, State.RATED])

    def unrouted(self) -> "WorkOrderQuerySet":
        return self.filter(state=State.SUBMITTED, routed_at__isnull=True)


@pghistory.track()
class WorkOrder(DistrictOwned):
    """工单 (诉求). The compound's community and street are copied onto the order so that dashboards
    filter and group on one table; `property_firm` is the compound's firm when the order was filed (the
    firm accountable for it in its KPIs). Change the state only through workorders.services.

    Foreign keys that lead one of Meta.indexes carry no single-column index of their own (db_index=False):
    the composite serves the same lookups (migration 0013 says which covers which)."""

    district = models.ForeignKey("compounds.District", verbose_name=_("区"), on_delete=models.PROTECT, db_index=False)
    compound = models.ForeignKey(
        "compounds.Compound", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="work_orders"
    )
    community = models.ForeignKey(
        "compounds.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    street = models.ForeignKey(
        "compounds.Street", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    property_firm = models.ForeignKey(
        "compounds.PropertyFirm",
        verbose_name=_("责任物业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    category = models.ForeignKey(
        "workorders.Category", verbose_name=_("诉求类别"), on_delete=models.PROTECT, related_name="work_orders"
    )
    channel = models.CharField(_("来源渠道"), max_length=30, choices=Channel.choices)
    title = models.CharField(_("标题"), max_length=100, validators=[validate_text])
    description = models.TextField(
        _("诉求内容"), max_length=TEXT_MAX, validators=[validate_text, MaxLengthValidator(TEXT_MAX)]
    )
    reporter_name = models.CharField(_("反映人"), max_length=50, blank=True, validators=[validate_text])
    reporter_phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_text])
    reporter_email = models.EmailField(_("电子邮箱"), max_length=254, blank=True, help_text=_("Open311 提交时附带"))
    reported_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_work_orders",
        help_text=_("格格发现、电话、来访等由工作人员登记；居民扫码为空"),
    )
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    external_number = models.CharField(_("外部工单号"), max_length=64, blank=True, help_text=_("如 12345 热线工单号"))
    media_url = models.URLField(
        _("图片链接"),
        max_length=1000,
        blank=True,
        help_text=_("Open311 提交时附带的图片地址：原样保存并在 Open311 中返回，平台不会去抓取"),
    )
    external_clash_of = models.ForeignKey(
        "self",
        verbose_name=_("外部工单号冲突"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="external_clashes",
        help_text=_("同一外部工单号下内容不同的另一次提交：两张工单都保留，由工作人员核对"),
    )
    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True, editable=False)

    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    handler_level = models.CharField(_("承办层级"), max_length=20, choices=HandlerLevel.choices, blank=True)
    handler_firm = models.ForeignKey(
        "compounds.PropertyFirm",
        verbose_name=_("承办物业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_work_orders",
        db_index=False,
    )
    handler_community = models.ForeignKey(
        "compounds.Community",
        verbose_name=_("承办社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_work_orders",
        db_index=False,
    )
    handler_street = models.ForeignKey(
        "compounds.Street",
        verbose_name=_("承办街道"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_work_orders",
        db_index=False,
    )
    handler_department = models.ForeignKey(
        "compounds.Department",
        verbose_name=_("承办部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_work_orders",
        db_index=False,
    )
    handler_user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("承办人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_work_orders",
        db_index=False,
    )
    departments = models.ManyToManyField(
        "compounds.Department",
        verbose_name=_("参与部门"),
        blank=True,
        related_name="joint_work_orders",
        help_text=_("承办或协同整治过此工单的全部部门"),
    )
    first_receiver = models.ForeignKey(
        "accounts.User",
        verbose_name=_("首接负责人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="first_received_work_orders",
    )
    is_pooled = models.BooleanField(_("待认领"), default=False)

    respond_by = models.DateTimeField(_("响应时限"), null=True, blank=True)
    resolve_by = models.DateTimeField(_("办结时限"), null=True, blank=True)
    committed_respond_by = models.DateTimeField(
        _("承诺响应时限"), null=True, blank=True, help_text=_("首次分派时的时限")
    )
    committed_resolve_by = models.DateTimeField(
        _("承诺办结时限"), null=True, blank=True, help_text=_("首次分派时的时限")
    )

    possible_duplicate_of = models.ForeignKey(
        "self", verbose_name=_("疑似重复"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("合并至"), on_delete=models.PROTECT, null=True, blank=True, related_name="merged_orders"
    )
    meeting = models.ForeignKey(
        "workorders.DeliberationMeeting",
        verbose_name=_("议事会"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="work_orders",
    )

    satisfaction = models.CharField(_("满意度"), max_length=20, choices=Satisfaction.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True, validators=[validate_text])
    resolution = models.TextField(
        _("办理结果"), max_length=TEXT_MAX, blank=True, validators=[validate_text, MaxLengthValidator(TEXT_MAX)]
    )
    reject_reason = models.CharField(_("不予受理原因"), max_length=500, blank=True, validators=[validate_text])

    created_at = models.DateTimeField(_("提交时间"), db_index=False)
    routed_at = models.DateTimeField(_("分派时间"), null=True, blank=True)
    responded_at = models.DateTimeField(_("响应时间"), null=True, blank=True, help_text=_("首次受理或认领"))
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    anonymised_at = models.DateTimeField(
        _("个人信息匿名化时间"),
        null=True,
        blank=True,
        help_text=_("超过本区个人信息保存年限后由系统匿名化（workorders.retention）"),
    )
    returned_count = models.PositiveIntegerField(_("退回次数"), default=0)
    transferred_count = models.PositiveIntegerField(_("转办次数"), default=0)
    escalated_count = models.PositiveIntegerField(_("上报次数"), default=0)
    reopened_count = models.PositiveIntegerField(_("重办次数"), default=0)

    objects = WorkOrderQuerySet.as_manager()
    # What lists, exports, Open311 and history show masked (accounts.privacy).
    personal_fields = {
        "reporter_name": NAME,
        "reporter_phone": PHONE,
        "reporter_email": EMAIL,
        "title": TEXT,
        "description": TEXT,
        "resolution": TEXT,
        "rating_comment": TEXT,
        "reject_reason": TEXT,
    }
    scope_view = {
        R.STREET_STAFF: "street",
        R.COMMUNITY_CADRE: "community",
        # a grid worker follows the orders of their grids and every order they reported
        R.GRID_WORKER: ("compound__buildings__grids", ActorPath("reported_by")),
        # a firm sees only what it handles: residents' complaints about the firm itself stay out of its sight
        R.FIRM_STAFF: "handler_firm",
        R.DEPARTMENT_STAFF: "departments",
    }
    scope_change = {
        R.STREET_STAFF: "street",
        R.COMMUNITY_CADRE: "community",
        R.GRID_WORKER: ("compound__buildings__grids", ActorPath("reported_by")),
        R.FIRM_STAFF: "handler_firm",
        R.DEPARTMENT_STAFF: "departments",
    }

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["district", "state", "created_at"], name="wo_district_state_created"),
            models.Index(fields=["district", "street", "created_at"], name="wo_district_street_created"),
            models.Index(fields=["district", "community", "created_at"], name="wo_district_comm_created"),
            models.Index(fields=["district", "compound", "created_at"], name="wo_district_compound_created"),
            models.Index(fields=["district", "property_firm", "created_at"], name="wo_district_firm_created"),
            models.Index(fields=["district", "created_at"], name="wo_district_created"),
            models.Index(fields=["handler_firm", "state"], name="wo_handler_firm_state"),
            models.Index(fields=["handler_community", "state"], name="wo_handler_comm_state"),
            models.Index(fields=["handler_street", "state"], name="wo_handler_street_state"),
            models.Index(fields=["handler_department", "state"], name="wo_handler_dept_state"),
            models.Index(fields=["handler_user", "state"], name="wo_handler_user_state"),
            models.Index(
                fields=["compound", "category", "created_at"],
                name="wo_duplicate_candidates",
                condition=~Q(state__in=["merged", "rejected"]),
            ),
            models.Index(fields=["created_at"], name="wo_unrouted", condition=Q(routed_at__isnull=True)),
            # The queue opens on the open orders (WorkOrderQuerySet.open, the filter's is_open): their count and
            # their newest page read the open orders only, however many a district has closed.
            models.Index(
                fields=["district", "created_at"],
                name="wo_open_district_created",
                condition=~Q(state__in=["closed", "merged", "rejected", "resolved", "rated"]),
            ),
            # … and so do a street's and a community's staff (their queue is their unit's open orders): at 5 M
            # orders the busiest street's queue read its 23,000 orders to find its 250 open ones (0.3 s).
            models.Index(
                fields=["district", "street", "created_at"],
                name="wo_open_street_created",
                condition=~Q(state__in=["closed", "merged", "rejected", "resolved", "rated"]),
            ),
            models.Index(
                fields=["district", "community", "created_at"],
                name="wo_open_comm_created",
                condition=~Q(state__in=["closed", "merged", "rejected", "resolved", "rated"]),
            ),
            # A lost tracking code found again by the phone the resident gave (workorders.recovery).
            models.Index(fields=["reporter_phone"], name="wo_reporter_phone", condition=~Q(reporter_phone="")),
            # Partial indexes whose conditions contain every arm of the SLA sweep's and the "overdue" filter's
            # OR (statemachine.overdue_condition, services._overdue), so that each arm is an index scan.
            models.Index(
                fields=["respond_by"],
                name="wo_due_respond_by",
                condition=Q(state__in=["submitted", "assigned", "transferred", "escalated", "reopened"]),
            ),
            models.Index(
                fields=["resolve_by"],
                name="wo_due_resolve_by",
                condition=Q(
                    state__in=[
                        "submitted",
                        "assigned",
                        "accepted",
                        "in_progress",
                        "transferred",
                        "escalated",
                        "reopened",
                        "returned",
                    ]
                ),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "channel", "external_number"],
                condition=~Q(external_number="") & Q(external_clash_of__isnull=True),
                name="wo_external_number_unique",
                violation_error_message=_("该渠道已有相同外部工单号的工单。"),
            ),
            models.CheckConstraint(
                name="wo_one_handler",
                condition=_handler_check(),
                violation_error_message=_("承办单位与承办层级不符：须且只能填写与层级对应的一个承办单位。"),
            ),
            models.CheckConstraint(
                name="wo_merged_has_main",
                condition=Q(state="merged", duplicate_of__isnull=False) | (~Q(state="merged") & Q(duplicate_of=None)),
                violation_error_message=_("合并的工单须指明主工单。"),
            ),
            models.CheckConstraint(
                name="wo_not_own_duplicate",
                condition=~Q(duplicate_of=models.F("pk")),
                violation_error_message=_("工单不能合并到自身。"),
            ),
            models.CheckConstraint(
                name="wo_rated_has_satisfaction",
                condition=Q(rated_at__isnull=True) | ~Q(satisfaction=""),
                violation_error_message=_("已评价的工单须有满意度。"),
            ),
            models.CheckConstraint(
                name="wo_location_pair",
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__range=(-90, 90),
                    longitude__range=(-180, 180),
                ),
                violation_error_message=_("经纬度须同时填写且在有效范围内。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title}"

    @property
    def handler(self):
        """The current handler (a PropertyFirm, Community, Street, Department or User), or None."""
        column = HANDLER_COLUMNS.get(self.handler_level)
        return getattr(self, column) if column else None

    @property
    def masked_phone(self) -> str:
        """138****1234: the phone as lists show it."""
        return mask_phone(self.reporter_phone)

    @property
    def masked_name(self) -> str:
        return mask_name(self.reporter_name)

    @property
    def reveal_label(self) -> str:
        """How the reveal log names the order (no personal data)."""
        return self.tracking_code

    @property
    def is_satisfied(self) -> bool | None:
        return None if not self.satisfaction else self.satisfaction in SATISFIED_LEVELS


class TimelineKind(models.TextChoices):
    FILED = "filed", _("提交")
    TRANSITION = "transition", _("状态变更")
    ROUTED = "routed", _("自动分派")
    SLA_ESCALATION = "sla_escalation", _("超时上报")
    DUPLICATE_FLAGGED = "duplicate_flagged", _("疑似重复")
    NOTE = "note", _("备注")
    MEETING = "meeting", _("议事会")


@pgtrigger.register(
    pgtrigger.Protect(name="timeline_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
)
class TimelineEntry(DistrictOwned):
    """工单流转记录: append-only (a database trigger refuses updates and deletes)."""

    # (district, at) serves the district's update feeds by time (Open311 servicerequestupdates) and every
    # district lookup: no single-column district index beside it.
    district = models.ForeignKey("compounds.District", verbose_name=_("区"), on_delete=models.PROTECT, db_index=False)
    order = models.ForeignKey(WorkOrder, verbose_name=_("工单"), on_delete=models.PROTECT, related_name="timeline")
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        "accounts.User", verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=30, choices=TimelineKind.choices)
    from_state = models.CharField(_("原状态"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=State.choices, blank=True)
    # the longest input (a resolution, TEXT_MAX) and the service's own words around it
    note = models.TextField(_("说明"), max_length=NOTE_MAX, blank=True)
    handler_label = models.CharField(_("承办单位"), max_length=120, blank=True)

    personal_fields = {"note": TEXT}

    scope_view = {
        R.STREET_STAFF: "order__street",
        R.COMMUNITY_CADRE: "order__community",
        R.GRID_WORKER: ("order__compound__buildings__grids", ActorPath("order__reported_by")),
        R.FIRM_STAFF: "order__handler_firm",
        R.DEPARTMENT_STAFF: "order__departments",
    }
    scope_change = {}

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["order", "at", "pk"]
        indexes = [
            models.Index(fields=["order", "at"], name="timeline_order_at"),
            models.Index(fields=["district", "at"], name="timeline_district_at"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    @property
    def actor_label(self) -> str:
        return self.actor.display_name if self.actor_id else gettext("系统")


def photo_path(instance: "Photo", filename: str) -> str:
    return f"workorders/{instance.district_id}/{instance.order_id}/{filename}"


class StoredImageField(models.ImageField):
    """An ImageField whose row still loads when its file is gone from storage (a restore without the media): Django
    reads a photo's dimensions from its file when a row without them is loaded, and a missing file made every page
    and API answer listing that order a 500. The dimensions stay unknown; the photo's own download is a 404."""

    def update_dimension_fields(self, instance, force=False, *args, **kwargs):
        with contextlib.suppress(OSError):  # FileNotFoundError included
            super().update_dimension_fields(instance, force, *args, **kwargs)

    def deconstruct(self):  # the same column as Django's field: no migration
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs


@pghistory.track()
class Photo(DistrictOwned):
    """现场照片, stored through Django's storage API. Checking, re-encoding and stripping location metadata
    happen in the upload service before the file reaches this model."""

    order = models.ForeignKey(WorkOrder, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="photos")
    image = StoredImageField(_("照片"), upload_to=photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(_("宽"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("高"), null=True, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("上传人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_resolution = models.BooleanField(_("办结照片"), default=False)
    # Resolution photos: before and after the work (处理前 / 处理后); "" for the photos of the report itself.
    stage = models.CharField(
        _("照片阶段"), max_length=10, blank=True, choices=[("before", _("处理前")), ("after", _("处理后"))], default=""
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_view = TimelineEntry.scope_view
    scope_change = TimelineEntry.scope_view

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")
        ordering = ["order", "created_at"]

    def __str__(self) -> str:
        return self.image.name


@pghistory.track()
class Escalation(DistrictOwned):
    """One escalation of an order by the SLA sweep or by hand. (order, to_level, breached deadline) is unique,
    so that running the sweep twice, or two sweeps at once, escalates an order once per breach."""

    class Reason(models.TextChoices):
        RESPOND_OVERDUE = "respond_overdue", _("超时未响应")
        RESOLVE_OVERDUE = "resolve_overdue", _("超时未办结")
        MANUAL = "manual", _("人工上报")

    order = models.ForeignKey(WorkOrder, verbose_name=_("工单"), on_delete=models.PROTECT, related_name="escalations")
    from_level = models.CharField(_("原层级"), max_length=20, choices=HandlerLevel.choices, blank=True)
    to_level = models.CharField(_("上报层级"), max_length=20, help_text=_("district 表示已到顶层、通报区级"))
    reason = models.CharField(_("原因"), max_length=20, choices=Reason.choices)
    deadline = models.DateTimeField(_("被超过的时限"), null=True, blank=True)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        "accounts.User", verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope_view = TimelineEntry.scope_view
    scope_change = {}

    class Meta:
        verbose_name = _("上报记录")
        verbose_name_plural = _("上报记录")
        ordering = ["order", "at"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "to_level", "deadline"],
                name="escalation_once_per_breach",
                violation_error_message=_("该工单已因同一时限上报到该层级。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} → {self.to_level}"


__all__ = [
    "HANDLER_COLUMNS",
    "SATISFIED_LEVELS",
    "Channel",
    "Escalation",
    "Photo",
    "Satisfaction",
    "State",
    "TimelineEntry",
    "TimelineKind",
    "WorkOrder",
]
