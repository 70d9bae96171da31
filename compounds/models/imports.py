"""Spreadsheet import jobs: a file kept with its outcome, so that a long file can run in a Celery task while
the page shows its progress, and the result (counts, what each row became) can be read afterwards.

`ImportJob` is the shape both imports share (the organisation import here, staffing's StaffingImport); the
flow around it is compounds.importing.jobs."""

from __future__ import annotations

import pghistory
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compounds.models.base import DistrictOwned


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("有错误，未保存")


class ImportJob(DistrictOwned):
    file = models.FileField(_("文件"))
    file_name = models.CharField(_("文件名"), max_length=200)
    dry_run = models.BooleanField(_("只检查，不保存"), default=False)
    status = models.CharField(_("状态"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(_("行数"), default=0)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("上传人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_view: dict = {}
    scope_change: dict = {}

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def errors(self) -> list[dict]:
        return self.result.get("errors", [])

    @property
    def counts(self) -> dict:
        return self.result.get("counts", {})

    @property
    def rows(self) -> list[dict]:
        """What each row became: sheet, row, code, name, outcome (created/updated/unchanged/refused), message."""
        return self.result.get("rows", [])


def org_import_path(instance: OrgImport, filename: str) -> str:
    return f"compounds/imports/{instance.district_id}/{filename}"


@pghistory.track(exclude=["result"])
class OrgImport(ImportJob):
    """组织数据导入: streets, communities, compounds and grids of one district (compounds.importing)."""

    file = models.FileField(_("文件"), upload_to=org_import_path)

    class Meta(ImportJob.Meta):
        verbose_name = _("组织数据导入")
        verbose_name_plural = pgettext_lazy("plural", "组织数据导入")
