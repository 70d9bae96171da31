"""A district's settings for what leaves the platform and how long personal data stays (隐私与开放设置)."""

import pghistory
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compounds.models import DistrictOwned

RETENTION_DEFAULT_YEARS = 3
RETENTION_YEARS = (1, 30)
OPEN311_MATCH_DISTANCE_DEFAULT = 500  # metres
OPEN311_MATCH_DISTANCE = (0, 5000)
OPEN311_DEDUPE_DEFAULT_MINUTES = 10
OPEN311_DEDUPE_MINUTES = (0, 1440)


@pghistory.track()
class PrivacySettings(DistrictOwned):
    """One row per district (a district without one has the defaults: workorders.selectors.privacy_settings).

    - `open311_public_reads`: Open311 reads need the api_key of the district's Open311 integration account;
      with this on, anyone may also read the requests of the categories marked `Category.open311_public`
      (their text masked like every text that leaves the platform).
    - `open311_match_distance_m`: a request POSTed with lat/long but no compound is filed to the nearest
      compound within this distance (0: coordinates alone never choose a compound).
    - `retention_years`: closed resident requests older than this are anonymised by the nightly task
      (workorders.retention), history included.
    - `open311_dedupe_minutes`: an Open311 client's identical POSTs within this window make one request (the
      standard has no idempotency key; workorders.idempotency.claim_content)."""

    open311_public_reads = models.BooleanField(
        _("开放 Open311 公开查询"),
        default=False,
        help_text=_(
            "开启后，无需接口密钥即可通过 Open311 查询标记为“公开”的诉求类别的诉求（内容已脱敏）；"
            "关闭时，查询须使用本区 Open311 接口账号的 api_key。"
        ),
    )
    open311_match_distance_m = models.PositiveIntegerField(
        _("Open311 坐标匹配距离（米）"),
        default=OPEN311_MATCH_DISTANCE_DEFAULT,
        validators=[MinValueValidator(OPEN311_MATCH_DISTANCE[0]), MaxValueValidator(OPEN311_MATCH_DISTANCE[1])],
        help_text=_("Open311 提交只带经纬度时，取该距离内最近的小区；超出该距离则要求填写小区。"),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("个人信息保存年限"),
        default=RETENTION_DEFAULT_YEARS,
        validators=[MinValueValidator(RETENTION_YEARS[0]), MaxValueValidator(RETENTION_YEARS[1])],
        help_text=_(
            "诉求办结（或不予受理、合并）满该年限后，自动删除反映人姓名、电话并脱敏诉求内容，历史记录一并处理。"
        ),
    )
    open311_dedupe_minutes = models.PositiveSmallIntegerField(
        _("Open311 重复提交合并时限（分钟）"),
        default=OPEN311_DEDUPE_DEFAULT_MINUTES,
        validators=[MinValueValidator(OPEN311_DEDUPE_MINUTES[0]), MaxValueValidator(OPEN311_DEDUPE_MINUTES[1])],
        help_text=_(
            "同一接口账号在该时限内提交内容完全相同的诉求，只登记一张工单，应答给出已有的诉求编号；0 为不合并。"
        ),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        "accounts.User", verbose_name=_("更新人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Read and changed by the district's officials only (every other role is missing from the maps).
    scope_view: dict = {}
    scope_change: dict = {}

    class Meta:
        verbose_name = _("隐私与开放设置")
        verbose_name_plural = _("隐私与开放设置")
        constraints = [
            models.UniqueConstraint(
                fields=["district"],
                name="privacy_settings_one_per_district",
                violation_error_message=_("本区已有设置。"),
            ),
            models.CheckConstraint(
                name="privacy_retention_years_range",
                condition=Q(retention_years__gte=RETENTION_YEARS[0], retention_years__lte=RETENTION_YEARS[1]),
                violation_error_message=f"个人信息保存年限应在 {RETENTION_YEARS[0]} 至 {RETENTION_YEARS[1]} 年之间。",
            ),
            models.CheckConstraint(
                name="privacy_open311_dedupe_minutes_range",
                condition=Q(
                    open311_dedupe_minutes__gte=OPEN311_DEDUPE_MINUTES[0],
                    open311_dedupe_minutes__lte=OPEN311_DEDUPE_MINUTES[1],
                ),
                violation_error_message=f"Open311 重复提交合并时限应在 {OPEN311_DEDUPE_MINUTES[0]} 至 "
                f"{OPEN311_DEDUPE_MINUTES[1]} 分钟之间。",
            ),
            models.CheckConstraint(
                name="privacy_open311_match_distance_range",
                condition=Q(open311_match_distance_m__lte=OPEN311_MATCH_DISTANCE[1]),
                violation_error_message=f"Open311 坐标匹配距离应在 0 至 {OPEN311_MATCH_DISTANCE[1]} 米之间。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district_id} 隐私与开放设置"
