"""A district's privacy settings (workorders.models.PrivacySettings): read them, change them.

settings = privacy_settings(district_id=district.pk)     # the defaults when the district has no row
privacy_settings_update(actor=official, district=district, open311_public_reads=True,
                        public_categories=[lamp, parking], retention_years=5)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import require
from compounds.models import District
from workorders.models import Category, PrivacySettings
from workorders.models.settings import OPEN311_DEDUPE_MINUTES, OPEN311_MATCH_DISTANCE, RETENTION_YEARS


def privacy_settings(*, district_id: int) -> PrivacySettings:
    """The district's settings; an unsaved row with the defaults when it has none (reading never writes)."""
    found = PrivacySettings.objects.filter(district_id=district_id).first()
    return found if found is not None else PrivacySettings(district_id=district_id)


def on_the_spot_categories(*, district_id: int) -> list[Category]:
    """The categories the district lets grid workers resolve on the spot (rule workorders.resolve_on_the_spot)."""
    return list(
        Category.objects.filter(district_id=district_id, grid_resolves_on_the_spot=True).order_by("sort_order", "code")
    )


def open311_public_categories(*, district_id: int) -> list[Category]:
    return list(Category.objects.filter(district_id=district_id, open311_public=True).order_by("sort_order", "code"))


@transaction.atomic
def privacy_settings_update(
    *,
    actor: Any,
    district: District,
    open311_public_reads: bool | None = None,
    retention_years: int | None = None,
    open311_match_distance_m: int | None = None,
    open311_dedupe_minutes: int | None = None,
    public_categories: Iterable[Category] | None = None,
    on_the_spot_categories: Iterable[Category] | None = None,
) -> PrivacySettings:
    """Change what is given (None leaves a setting as it is). `public_categories` are the district's categories
    whose requests Open311 shows without a key when public reads are on (every other category is not public).
    `on_the_spot_categories` are those a grid worker may resolve on the spot when they reported the order
    themselves (小事当场办结). District officials only (rule workorders.configure_privacy)."""
    settings = PrivacySettings.objects.select_for_update().filter(district=district).first()
    settings = settings or PrivacySettings(district=district)
    require(actor, "workorders.configure_privacy", settings)
    if open311_public_reads is not None:
        settings.open311_public_reads = bool(open311_public_reads)
    if retention_years is not None:
        first, last = RETENTION_YEARS
        if not isinstance(retention_years, int) or not first <= retention_years <= last:
            raise ValidationError(
                {
                    "retention_years": _("个人信息保存年限应为 %(first)s 至 %(last)s 之间的整数（年）。")
                    % {"first": first, "last": last}
                }
            )
        settings.retention_years = retention_years
    if open311_match_distance_m is not None:
        first, last = OPEN311_MATCH_DISTANCE
        if not isinstance(open311_match_distance_m, int) or not first <= open311_match_distance_m <= last:
            raise ValidationError(
                {
                    "open311_match_distance_m": _("Open311 坐标匹配距离应为 %(first)s 至 %(last)s 之间的整数（米）。")
                    % {"first": first, "last": last}
                }
            )
        settings.open311_match_distance_m = open311_match_distance_m
    if open311_dedupe_minutes is not None:
        first, last = OPEN311_DEDUPE_MINUTES
        if not isinstance(open311_dedupe_minutes, int) or not first <= open311_dedupe_minutes <= last:
            raise ValidationError(
                {
                    "open311_dedupe_minutes": _(
                        "Open311 重复提交合并时限应为 %(first)s 至 %(last)s 之间的整数（分钟）。"
                    )
                    % {"first": first, "last": last}
                }
            )
        settings.open311_dedupe_minutes = open311_dedupe_minutes
    settings.updated_by = actor if getattr(actor, "pk", None) else None
    settings.full_clean(exclude=["district", "updated_by"])
    settings.save()
    if public_categories is not None:
        chosen = {category.pk for category in public_categories}
        categories = Category.objects.filter(district=district)
        if not chosen <= set(categories.values_list("pk", flat=True)):
            raise ValidationError({"public_categories": _("所选诉求类别不存在或不属于本区。")})
        categories.filter(pk__in=chosen, open311_public=False).update(open311_public=True)
        categories.exclude(pk__in=chosen).filter(open311_public=True).update(open311_public=False)
    if on_the_spot_categories is not None:
        chosen = {category.pk for category in on_the_spot_categories}
        categories = Category.objects.filter(district=district)
        if not chosen <= set(categories.values_list("pk", flat=True)):
            raise ValidationError({"on_the_spot_categories": _("所选诉求类别不存在或不属于本区。")})
        categories.filter(pk__in=chosen, grid_resolves_on_the_spot=False).update(grid_resolves_on_the_spot=True)
        categories.exclude(pk__in=chosen).filter(grid_resolves_on_the_spot=True).update(grid_resolves_on_the_spot=False)
    return settings
