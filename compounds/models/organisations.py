"""Organisations that handle work: property firms 物业企业 and district departments 职能部门."""

import pghistory
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.policy import WHOLE_DISTRICT
from accounts.roles import STAFF_ROLES, Role
from compounds import validators
from compounds.models.base import DistrictOwned


@pghistory.track()
class PropertyFirm(DistrictOwned):
    """物业企业, keyed in its district by the 18-character unified social credit code."""

    name = models.CharField(_("名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, validators=[validators.validate_credit_code])
    is_state_fallback = models.BooleanField(_("国有兜底企业"), default=False)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    scope_view = {
        Role.STREET_STAFF: WHOLE_DISTRICT,
        Role.COMMUNITY_CADRE: WHOLE_DISTRICT,
        Role.GRID_WORKER: WHOLE_DISTRICT,
        Role.FIRM_STAFF: "pk",
        Role.DEPARTMENT_STAFF: WHOLE_DISTRICT,
    }
    scope_change = {}

    class Meta:
        verbose_name = _("物业企业")
        verbose_name_plural = pgettext_lazy("plural", "物业企业")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "credit_code"],
                name="firm_credit_code_unique_in_district",
                violation_error_message=_("本区已登记该统一社会信用代码的企业。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DepartmentKind(models.TextChoices):
    POLICE = "police", _("公安")
    URBAN_MANAGEMENT = "urban_management", _("城管")
    JUSTICE = "justice", _("司法")
    MARKET_SUPERVISION = "market_supervision", _("市场监管")
    HOUSING = "housing", _("住建")
    OTHER = "other", _("其他")


@pghistory.track()
class Department(DistrictOwned):
    """职能部门 of the district that responds when the street calls (街道吹哨、部门报到)."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=30, choices=DepartmentKind.choices)

    scope_view = {role: WHOLE_DISTRICT for role in STAFF_ROLES}
    scope_change = {}

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = pgettext_lazy("plural", "职能部门")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"],
                name="department_name_unique_in_district",
                violation_error_message=_("本区已有同名部门。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name
