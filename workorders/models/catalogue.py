"""The catalogue of a district: urgency classes with their SLA, and the category tree."""

import pghistory
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import WHOLE_DISTRICT
from accounts.roles import STAFF_ROLES
from compounds.models import DistrictOwned

ALL_ROLES_SEE_DISTRICT = {role: WHOLE_DISTRICT for role in STAFF_ROLES}


class HandlerLevel(models.TextChoices):
    """Who holds an order. The ladder is firm → community → street → department (小事不出小区、大事不出社区、
    难事不出街镇); USER is a named person and sits at the community rung.

    STATIONED_CADRE is a routing target only (a RoutingRule's or a category's first handler): the compound's
    stationed cadre (Compound.stationed_cadre), to whom the order goes as a named USER; a compound without one
    sends the order to its community (workorders.routing)."""

    PROPERTY_FIRM = "property_firm", _("物业企业")
    COMMUNITY = "community", _("社区")
    STREET = "street", _("街道")
    DEPARTMENT = "department", _("职能部门")
    USER = "user", _("指定人员")
    STATIONED_CADRE = "stationed_cadre", _("驻点干部")


@pghistory.track()
class UrgencyClass(DistrictOwned):
    """紧急程度: the SLA of a category, editable per district.

    `respond_hours` and `resolve_hours` count working time on China's official calendar (workorders.worktime),
    unless `calendar_time` is set: emergencies (紧急) run on the wall clock, nights and holidays included.
    """

    code = models.SlugField(_("编码"), max_length=30)
    name = models.CharField(_("名称"), max_length=30)
    respond_hours = models.PositiveIntegerField(_("响应时限（小时）"))
    resolve_hours = models.PositiveIntegerField(_("办结时限（小时）"))
    calendar_time = models.BooleanField(
        _("按自然时间计时"), default=False, help_text=_("否则按法定工作日计时（含调休）")
    )
    description = models.CharField(_("适用情形"), max_length=200, blank=True)

    scope_view = ALL_ROLES_SEE_DISTRICT
    scope_change = {}

    class Meta:
        verbose_name = _("紧急程度")
        verbose_name_plural = _("紧急程度")
        ordering = ["district", "resolve_hours"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "code"],
                name="urgency_code_unique_in_district",
                violation_error_message=_("本区已有该编码的紧急程度。"),
            ),
            models.CheckConstraint(
                name="urgency_respond_within_resolve",
                condition=Q(respond_hours__gt=0, respond_hours__lte=models.F("resolve_hours")),
                violation_error_message=_("响应时限应大于 0 且不超过办结时限。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class Category(DistrictOwned):
    """诉求类别: a tree per district, each with its first handler level and urgency class."""

    parent = models.ForeignKey(
        "self", verbose_name=_("上级类别"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    code = models.SlugField(_("编码"), max_length=50)
    name = models.CharField(_("名称"), max_length=50)
    urgency = models.ForeignKey(UrgencyClass, verbose_name=_("紧急程度"), on_delete=models.PROTECT, related_name="+")
    default_handler_level = models.CharField(
        _("默认首办层级"), max_length=20, choices=HandlerLevel.choices, default=HandlerLevel.COMMUNITY
    )
    department = models.ForeignKey(
        "compounds.Department",
        verbose_name=_("主管部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("首办层级为职能部门时派往此部门；街道上报时也呼叫此部门"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    open311_public = models.BooleanField(
        _("Open311 公开"),
        default=False,
        help_text=_("本区开放 Open311 公开查询时，此类别的诉求无需接口密钥即可查询（内容已脱敏）"),
    )
    grid_resolves_on_the_spot = models.BooleanField(
        _("网格员可当场办结"),
        default=False,
        help_text=_("本区允许网格员对自己上报的此类小问题当场解决、当场办结（如楼道杂物清理、井盖复位）"),
    )

    scope_view = ALL_ROLES_SEE_DISTRICT
    scope_change = {}

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["district", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "code"],
                name="category_code_unique_in_district",
                violation_error_message=_("本区已有该编码的诉求类别。"),
            ),
            models.CheckConstraint(
                name="category_level_is_a_unit",
                condition=~Q(default_handler_level=HandlerLevel.USER),
                violation_error_message=_("默认首办层级应为物业企业、驻点干部、社区、街道或职能部门。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name
