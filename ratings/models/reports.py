"""PDF reports 报告 built for district officials."""

import pghistory
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compounds.models import DistrictOwned


class ReportKind(models.TextChoices):
    QUARTERLY_LISTS = "quarterly_lists", _("物业企业季度红灰黑榜")
    MONTHLY_STREETS = "monthly_streets", _("街道工单三率月度排名")


@pghistory.track()
class Report(DistrictOwned):
    """A built PDF. Rebuilding the same report replaces its file and build time (one row per report)."""

    kind = models.CharField(_("报告类型"), max_length=30, choices=ReportKind.choices)
    period = models.ForeignKey(
        "ratings.RatingPeriod",
        verbose_name=_("考评季度"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    month = models.DateField(_("月份"), null=True, blank=True, help_text=_("月度报告：该月 1 日"))
    title = models.CharField(_("标题"), max_length=200)
    file = models.FileField(_("文件"), upload_to="ratings/reports/%Y/")
    built_at = models.DateTimeField(_("生成时间"))
    build_seconds = models.DecimalField(_("生成耗时（秒）"), max_digits=8, decimal_places=2, default=0)

    # District officials only (they are always in scope); nobody else downloads district reports.
    scope_view = {}
    scope_change = {}

    class Meta:
        verbose_name = _("报告")
        verbose_name_plural = _("报告")
        ordering = ["-built_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=Q(period__isnull=False),
                name="report_once_per_period",
                violation_error_message=_("该季度的报告已存在。"),
            ),
            models.UniqueConstraint(
                fields=["district", "kind", "month"],
                condition=Q(month__isnull=False),
                name="report_once_per_month",
                violation_error_message=_("该月的报告已存在。"),
            ),
            models.CheckConstraint(
                name="report_has_period_or_month",
                condition=Q(period__isnull=False) | Q(month__isnull=False),
                violation_error_message=_("报告应对应一个考评季度或一个月份。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title
