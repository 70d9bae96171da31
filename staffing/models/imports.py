"""A spreadsheet import of staffing data: the shape of compounds.models.ImportJob (a kept file, its status,
progress and outcome), shared with the organisation import."""

from __future__ import annotations

import pghistory
from django.db import models
from django.utils.translation import gettext_lazy as _

from compounds.models import ImportJob, ImportStatus


def import_path(instance: StaffingImport, filename: str) -> str:
    return f"staffing/imports/{instance.district_id}/{filename}"


@pghistory.track(exclude=["result"])
class StaffingImport(ImportJob):
    file = models.FileField(_("文件"), upload_to=import_path)

    class Meta(ImportJob.Meta):
        verbose_name = _("人员配备导入")
        verbose_name_plural = _("人员配备导入")


__all__ = ["ImportStatus", "StaffingImport", "import_path"]
