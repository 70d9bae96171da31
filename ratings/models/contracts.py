"""Service contracts 物业服务合同 between a property firm and a compound, kept with their history."""

import pghistory
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import WHOLE_DISTRICT
from accounts.roles import Role
from compounds.models import DistrictOwned

R = Role


class DateRange(models.Func):
    function = "DATERANGE"
    output_field = DateRangeField()


class FeeBasis(models.TextChoices):
    PER_HOUSEHOLD = "per_household", _("按户每月")
    PER_SQUARE_METRE = "per_sqm", _("按建筑面积每平方米每月")


@pghistory.track()
class ServiceContract(DistrictOwned):
    """A firm serves a compound from `start` to `end` (open-ended while `end` is empty). Ended contracts
    stay; two contracts of one compound never overlap in time (an exclusion constraint)."""

    firm = models.ForeignKey(
        "compounds.PropertyFirm", verbose_name=_("物业企业"), on_delete=models.PROTECT, related_name="contracts"
    )
    compound = models.ForeignKey(
        "compounds.Compound", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="service_contracts"
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True, help_text=_("不含当日；为空表示仍在履行"))
    fee_basis = models.CharField(_("收费方式"), max_length=20, choices=FeeBasis.choices, default=FeeBasis.PER_HOUSEHOLD)
    fee_fen = models.PositiveIntegerField(_("收费标准（分/月）"), help_text=_("每户每月或每平方米每月，单位：分"))
    signed_at = models.DateField(_("签订日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_view = {
        R.STREET_STAFF: "compound__community__street",
        R.COMMUNITY_CADRE: "compound__community",
        R.FIRM_STAFF: "firm",
        R.DEPARTMENT_STAFF: WHOLE_DISTRICT,
    }
    scope_change = {}

    class Meta:
        verbose_name = _("物业服务合同")
        verbose_name_plural = _("物业服务合同")
        ordering = ["compound", "-start"]
        constraints = [
            models.CheckConstraint(
                name="contract_end_after_start",
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                violation_error_message=_("合同结束日期应晚于开始日期。"),
            ),
            ExclusionConstraint(
                name="contract_no_overlap_per_compound",
                expressions=[
                    (DateRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("compound", RangeOperators.EQUAL),
                ],
                violation_error_message=_("该小区在这段时间内已有物业服务合同，合同期不能重叠。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compound} · {self.firm}（{self.start}起）"

    @property
    def fee_yuan(self) -> str:
        return f"{self.fee_fen // 100}.{self.fee_fen % 100:02d}"

    def is_active_on(self, day) -> bool:
        return self.start <= day and (self.end is None or day < self.end)
