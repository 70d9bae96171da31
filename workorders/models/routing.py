"""Routing rules 分派规则: category × compound attributes → first handler, dispatched or pooled."""

import pghistory
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import WHOLE_DISTRICT
from accounts.roles import STAFF_ROLES
from compounds.models import DistrictOwned, ManagementMode, Tier
from workorders.models.catalogue import HandlerLevel


class RoutingMode(models.TextChoices):
    DISPATCH = "dispatch", _("派单")
    POOL = "pool", _("认领")


@pghistory.track()
class RoutingRule(DistrictOwned):
    """One rule of a district's routing table. Rules are tried by ascending `priority`; the first whose
    conditions all hold wins. An empty condition matches anything. If no rule matches, the category's
    default level applies, and failing that the community (workorders.routing)."""

    priority = models.PositiveIntegerField(_("优先级"), help_text=_("数字小者优先"))
    name = models.CharField(_("规则名称"), max_length=100, blank=True)
    category = models.ForeignKey(
        "workorders.Category",
        verbose_name=_("诉求类别"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="routing_rules",
        help_text=_("空表示任意类别（含其下级类别）"),
    )
    tier = models.CharField(_("社区分类"), max_length=1, choices=Tier.choices, blank=True)
    management_mode = models.CharField(_("管理模式"), max_length=20, choices=ManagementMode.choices, blank=True)
    three_no = models.BooleanField(_("三无小区"), null=True, blank=True, help_text=_("空表示不限"))
    target_level = models.CharField(_("首办层级"), max_length=20, choices=HandlerLevel.choices)
    target_department = models.ForeignKey(
        "compounds.Department",
        verbose_name=_("职能部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    mode = models.CharField(_("派单方式"), max_length=10, choices=RoutingMode.choices, default=RoutingMode.DISPATCH)
    is_active = models.BooleanField(_("启用"), default=True)

    scope_view = {role: WHOLE_DISTRICT for role in STAFF_ROLES}
    scope_change = {}

    class Meta:
        verbose_name = _("分派规则")
        verbose_name_plural = _("分派规则")
        ordering = ["district", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "priority"],
                name="routing_rule_priority_unique_in_district",
                violation_error_message=_("本区已有相同优先级的分派规则。"),
            ),
            models.CheckConstraint(
                name="routing_rule_department_iff_department_level",
                condition=(Q(target_level=HandlerLevel.DEPARTMENT) & Q(target_department__isnull=False))
                | (~Q(target_level=HandlerLevel.DEPARTMENT) & Q(target_department__isnull=True)),
                violation_error_message=_("派往职能部门时须选择部门，其他层级不能选择部门。"),
            ),
            models.CheckConstraint(
                name="routing_rule_level_is_a_unit",
                condition=~Q(target_level=HandlerLevel.USER),
                violation_error_message=_("分派规则的首办层级应为物业企业、驻点干部、社区、街道或职能部门。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"规则 {self.priority}"
