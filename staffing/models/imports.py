"""A spreadsheet import of staffing data, kept so that a long file can run in a Celery task while the
page shows its progress, and so that its outcome (counts, per-row errors) can be read afterwards."""

from __future__ import annotations

import pghistory
from django.db import models

from accounts.roles import Role
from compounds.models import DistrictOwned

R = Role


class ImportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "导入中"
    DONE = "done", "已完成"
    FAILED = "failed", "有错误，未保存"


def import_path(instance: StaffingImport, filename: str) -> str:
    return f"staffing/imports/{instance.district_id}/{filename}"


@pghistory.track(exclude=["result"])
class StaffingImport(DistrictOwned):
    file = models.FileField("文件", upload_to=import_path)
    file_name = models.CharField("文件名", max_length=200)
    dry_run = models.BooleanField("只检查，不保存", default=False)
    status = models.CharField("状态", max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField("行数", default=0)
    result = models.JSONField("结果", default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name="上传人", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    scope_view = {}
    scope_change = {}

    class Meta:
        verbose_name = "人员配备导入"
        verbose_name_plural = "人员配备导入"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def errors(self) -> list[dict]:
        return self.result.get("errors", [])

    @property
    def counts(self) -> dict:
        return self.result.get("counts", {})
