"""The report room 报告室: one row per report (a kind for a period of a district) and one per build of it.

Rebuilding keeps every earlier version: a build is a new row with the next version number and its own
file, so a link to an older version keeps working and the room shows the latest finished one. A build's
status and progress are read by the page that polls while it runs.
"""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.policy import WHOLE_DISTRICT
from accounts.roles import STAFF_ROLES
from compounds.models import DistrictOwned
from reports import registry


@pghistory.track()
class Report(DistrictOwned):
    """报告: e.g. the 2026-Q3 "2+4" coverage report of 长安区."""

    district = models.ForeignKey(
        "compounds.District", verbose_name=_("区"), on_delete=models.PROTECT, db_index=True, related_name="room_reports"
    )
    kind = models.CharField(_("报告类型"), max_length=60)
    key = models.CharField(_("期间"), max_length=20, help_text=_("2026-Q3、2026-10、2026 或生成日期"))
    title = models.CharField(_("标题"), max_length=200)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # Which kinds a role reads is the registry's rule (reports.view); rows are district-wide for staff.
    scope_view = {role: WHOLE_DISTRICT for role in STAFF_ROLES}
    scope_change = {}

    class Meta:
        verbose_name = pgettext_lazy("singular", "报告")
        verbose_name_plural = pgettext_lazy("plural", "报告")
        ordering = ["kind", "-key"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "kind", "key"],
                name="report_room_once_per_period",
                violation_error_message=_("该期间的这份报告已存在。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the reader's language (the stored title, and the document, stay Chinese)."""
        kind = registry.KINDS.get(self.kind)
        return kind.shown_title(self.district, self.key) if kind else self.title


class BuildStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("生成失败")


def build_upload_to(build: "ReportBuild", filename: str) -> str:
    return f"reports/{build.district_id}/{build.report.kind}/{build.report.key}/v{build.version}.pdf"


@pghistory.track()
class ReportBuild(DistrictOwned):
    """One build (version) of a report."""

    report = models.ForeignKey(
        Report, verbose_name=pgettext_lazy("singular", "报告"), on_delete=models.CASCADE, related_name="builds"
    )
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=10, choices=BuildStatus.choices, default=BuildStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    file = models.FileField(_("文件"), upload_to=build_upload_to, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    requested_by_name = models.CharField(_("申请人名称"), max_length=100, blank=True)
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    build_seconds = models.DecimalField(_("生成耗时（秒）"), max_digits=8, decimal_places=2, default=0)

    scope_view = {role: WHOLE_DISTRICT for role in STAFF_ROLES}
    scope_change = {}

    class Meta:
        verbose_name = _("报告生成记录")
        verbose_name_plural = pgettext_lazy("plural", "报告生成记录")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "version"],
                name="report_build_version_unique",
                violation_error_message=_("版本号重复。"),
            ),
            models.CheckConstraint(
                name="report_build_progress_0_100",
                condition=Q(progress__lte=100),
                violation_error_message=_("进度应在 0–100 之间。"),
            ),
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(status__in=["queued", "running"]),
                name="report_one_build_in_flight",
                violation_error_message=_("这份报告正在生成，请稍候。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.version}"

    @property
    def in_flight(self) -> bool:
        return self.status in (BuildStatus.QUEUED, BuildStatus.RUNNING)
