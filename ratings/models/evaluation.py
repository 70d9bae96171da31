"""The quarterly evaluation of property firms 物业企业季度考评: settings per district, periods, inputs
(owner surveys, referee panel, work-order record, serious incidents) and the computed scores and lists."""

import re
from decimal import Decimal

import pghistory
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.lookups import Exact
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.policy import WHOLE_DISTRICT, RowCondition
from accounts.privacy import HOUSEHOLD, TEXT
from accounts.roles import STAFF_ROLES, Role
from compounds.models import DistrictOwned

R = Role
EVERYONE = {role: WHOLE_DISTRICT for role in STAFF_ROLES}
PUBLISHED = RowCondition(period__status="published")
PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


@pghistory.track()
class RatingSettings(DistrictOwned):
    """区考评规则: weights of the three inputs, list thresholds, and the minimum sample."""

    weight_satisfaction = models.DecimalField(_("业主满意度权重（%）"), max_digits=5, decimal_places=2, default=50)
    weight_panel = models.DecimalField(_("评审团评分权重（%）"), max_digits=5, decimal_places=2, default=30)
    weight_work_orders = models.DecimalField(_("工单记录权重（%）"), max_digits=5, decimal_places=2, default=20)
    red_min_score = models.DecimalField(_("红榜最低分"), max_digits=5, decimal_places=2, default=90)
    red_top_percent = models.DecimalField(_("红榜名额（前百分比）"), max_digits=5, decimal_places=2, default=10)
    black_below_score = models.DecimalField(_("黑榜分数线（低于）"), max_digits=5, decimal_places=2, default=60)
    black_bottom_percent = models.DecimalField(_("黑榜名额（后百分比）"), max_digits=5, decimal_places=2, default=5)
    min_answers = models.PositiveIntegerField(_("最少有效问卷数"), default=30)
    complaint_penalty = models.DecimalField(
        _("每百户投诉扣分"),
        max_digits=5,
        decimal_places=2,
        default=10,
        help_text=_("工单记录中投诉率得分 = 100 − 每百户投诉数 × 本值"),
    )

    scope_view = EVERYONE
    scope_change = {}

    class Meta:
        verbose_name = _("考评规则")
        verbose_name_plural = _("考评规则")
        ordering = ["district"]
        constraints = [
            models.UniqueConstraint(fields=["district"], name="rating_settings_one_per_district"),
            models.CheckConstraint(
                name="rating_weights_sum_100",
                condition=Q(weight_satisfaction__gte=0, weight_panel__gte=0, weight_work_orders__gte=0)
                & Q(
                    Exact(
                        models.F("weight_satisfaction") + models.F("weight_panel") + models.F("weight_work_orders"),
                        Decimal(100),
                    )
                ),
                violation_error_message=_("三项权重均不能为负，且合计应为 100。"),
            ),
            models.CheckConstraint(
                name="rating_thresholds_ordered",
                condition=Q(black_below_score__lte=models.F("red_min_score"))
                & Q(red_top_percent__gte=0, red_top_percent__lte=100)
                & Q(black_bottom_percent__gte=0, black_bottom_percent__lte=100),
                violation_error_message=_("黑榜分数线不能高于红榜最低分，名额百分比应在 0 至 100 之间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} 考评规则"


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("征集中")
    SCORING = "scoring", _("评分中")
    COMPUTED = "computed", _("已计算")
    PUBLISHED = "published", _("已发布")


@pghistory.track()
class RatingPeriod(DistrictOwned):
    """考评季度: open (surveys) → scoring (panel) → computed (task) → published (frozen)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    status = models.CharField(_("状态"), max_length=20, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User", verbose_name=_("发布人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_view = EVERYONE
    scope_change = {}

    class Meta:
        verbose_name = _("考评季度")
        verbose_name_plural = _("考评季度")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year", "quarter"],
                name="rating_period_once_per_quarter",
                violation_error_message=_("本区该季度的考评已经建立。"),
            ),
            models.UniqueConstraint(
                fields=["district"],
                condition=Q(status="open"),
                name="rating_period_one_open_per_district",
                violation_error_message=_("本区已有一个正在征集问卷的考评季度。"),
            ),
            models.CheckConstraint(
                name="rating_period_quarter_1_to_4",
                condition=Q(quarter__gte=1, quarter__lte=4),
                violation_error_message=_("季度应为 1 至 4。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年第{self.quarter}季度"

    @property
    def label(self) -> str:
        return str(self)

    @property
    def is_frozen(self) -> bool:
        return self.status == PeriodStatus.PUBLISHED


class SatisfactionLevel(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("很满意")
    SATISFIED = "satisfied", _("满意")
    NEUTRAL = "neutral", pgettext_lazy("satisfaction", "一般")  # 一般 is also an urgency class
    DISSATISFIED = "dissatisfied", _("不满意")
    VERY_DISSATISFIED = "very_dissatisfied", _("很不满意")


# Points of each answer; a firm's satisfaction score is the mean of its answers' points.
SATISFACTION_POINTS = {
    SatisfactionLevel.VERY_SATISFIED: 100,
    SatisfactionLevel.SATISFIED: 80,
    SatisfactionLevel.NEUTRAL: 60,
    SatisfactionLevel.DISSATISFIED: 30,
    SatisfactionLevel.VERY_DISSATISFIED: 0,
}


@pghistory.track()
class SurveyResponse(DistrictOwned):
    """One household's answer for one quarter (业主满意度问卷). The household is its building and room."""

    period = models.ForeignKey(
        RatingPeriod, verbose_name=_("考评季度"), on_delete=models.PROTECT, related_name="answers"
    )
    compound = models.ForeignKey(
        "compounds.Compound", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="survey_answers"
    )
    firm = models.ForeignKey(
        "compounds.PropertyFirm",
        verbose_name=_("被评物业企业"),
        on_delete=models.PROTECT,
        related_name="survey_answers",
    )
    household_key = models.CharField(_("住户（楼栋-房号）"), max_length=60)
    level = models.CharField(_("满意程度"), max_length=20, choices=SatisfactionLevel.choices)
    points = models.PositiveSmallIntegerField(_("得分"))
    comment = models.CharField(_("意见建议"), max_length=500, blank=True)
    client_hash = models.CharField(_("来源摘要"), max_length=64, blank=True)
    answered_at = models.DateTimeField(_("填写时间"), auto_now_add=True)

    # Lists show which building answered, not which household, and the comment masked (accounts.privacy).
    personal_fields = {"household_key": HOUSEHOLD, "comment": TEXT}
    scope_view = {
        R.STREET_STAFF: "compound__community__street",
        R.COMMUNITY_CADRE: "compound__community",
    }
    scope_change = {}

    class Meta:
        verbose_name = _("满意度问卷")
        verbose_name_plural = _("满意度问卷")
        ordering = ["-answered_at"]
        indexes = [models.Index(fields=["period", "firm"], name="survey_period_firm")]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "compound", "household_key"],
                name="survey_one_answer_per_household",
                violation_error_message=_("该住户本季度已经填写过问卷。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compound} {self.household_key} {self.get_level_display()}"


class PanelParty(models.TextChoices):
    PARTY_ORGANISATION = "party_organisation", _("社区党组织")
    COMMITTEE = "committee", _("业委会或物管会")
    RESIDENT_REPRESENTATIVES = "resident_representatives", _("居民代表")
    THIRD_PARTY = "third_party", _("第三方机构")
    STREET = "street", _("街道")


@pghistory.track()
class PanelScore(DistrictOwned):
    """评审团评分: one party's score (0–100) of one firm for one quarter."""

    period = models.ForeignKey(
        RatingPeriod, verbose_name=_("考评季度"), on_delete=models.PROTECT, related_name="panel_scores"
    )
    firm = models.ForeignKey(
        "compounds.PropertyFirm", verbose_name=_("物业企业"), on_delete=models.PROTECT, related_name="panel_scores"
    )
    party = models.CharField(_("评审方"), max_length=30, choices=PanelParty.choices)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2, validators=PERCENT)
    note = models.CharField(_("评语"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("录入时间"), auto_now=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("录入人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Firm staff see their panel scores only in the breakdown of their published score (score_detail). Who
    # enters which party's score is the rule "ratings.enter_panel_score" (ratings.rules).
    scope_view = {R.STREET_STAFF: WHOLE_DISTRICT}
    scope_change = {R.STREET_STAFF: WHOLE_DISTRICT}

    class Meta:
        verbose_name = _("评审团评分")
        verbose_name_plural = _("评审团评分")
        ordering = ["period", "firm", "party"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "firm", "party"],
                name="panel_score_once_per_party",
                violation_error_message=_("该评审方本季度已为该企业评分。"),
            ),
            models.CheckConstraint(
                name="panel_score_0_to_100",
                condition=Q(score__gte=0, score__lte=100),
                violation_error_message=_("评分应在 0 至 100 之间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.firm} {self.get_party_display()} {self.score}"


@pghistory.track()
class WorkOrderRecord(DistrictOwned):
    """工单记录: the firm's work-order figures over the quarter, in its compounds. A snapshot, filled from
    workorders.selectors.firm_kpis when that app is installed, or entered directly."""

    period = models.ForeignKey(
        RatingPeriod, verbose_name=_("考评季度"), on_delete=models.PROTECT, related_name="work_order_records"
    )
    firm = models.ForeignKey(
        "compounds.PropertyFirm",
        verbose_name=_("物业企业"),
        on_delete=models.PROTECT,
        related_name="work_order_records",
    )
    orders = models.PositiveIntegerField(_("工单数"), default=0)
    complaints_per_100_households = models.DecimalField(_("每百户投诉数"), max_digits=7, decimal_places=2, default=0)
    on_time_rate = models.DecimalField(
        _("按时办结率（%）"), max_digits=5, decimal_places=2, validators=PERCENT, null=True, blank=True
    )
    satisfaction_rate = models.DecimalField(
        _("工单满意率（%）"), max_digits=5, decimal_places=2, validators=PERCENT, null=True, blank=True
    )
    source = models.CharField(_("来源"), max_length=50, default="manual")
    captured_at = models.DateTimeField(_("采集时间"), auto_now=True)

    # Firm staff see these only in the breakdown of their published score (score_detail).
    scope_view = {R.STREET_STAFF: WHOLE_DISTRICT}
    scope_change = {}

    class Meta:
        verbose_name = _("工单记录")
        verbose_name_plural = _("工单记录")
        ordering = ["period", "firm"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "firm"],
                name="work_order_record_once_per_quarter",
                violation_error_message=_("该企业本季度的工单记录已存在。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.firm} 工单记录"


@pghistory.track()
class SeriousIncident(DistrictOwned):
    """重大事件 (a fatal accident, a mass complaint...): caps the firm to the black list this quarter."""

    period = models.ForeignKey(
        RatingPeriod, verbose_name=_("考评季度"), on_delete=models.PROTECT, related_name="incidents"
    )
    firm = models.ForeignKey(
        "compounds.PropertyFirm", verbose_name=_("物业企业"), on_delete=models.PROTECT, related_name="serious_incidents"
    )
    date = models.DateField(_("发生日期"))
    description = models.CharField(_("事件说明"), max_length=500)
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("录入人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Firm staff see these only in the breakdown of their published score (score_detail).
    scope_view = {R.STREET_STAFF: WHOLE_DISTRICT}
    scope_change = {}

    class Meta:
        verbose_name = _("重大事件")
        verbose_name_plural = _("重大事件")
        ordering = ["period", "firm", "date"]

    def __str__(self) -> str:
        return f"{self.firm} {self.date} {self.description[:20]}"


class ListKind(models.TextChoices):
    RED = "red", _("红榜")
    GREY = "grey", _("灰榜")
    BLACK = "black", _("黑榜")
    INSUFFICIENT = "insufficient", _("样本不足")


# Why a firm is on its list (FirmScore.reason): stored in Chinese, as the quarterly PDF prints it, and shown on the
# pages in the reader's language by FirmScore.reason_shown, which reads the numbers back out of the stored text.
REASON_INCIDENT = gettext_noop("本季度发生重大事件，直接列入黑榜")
REASON_BELOW_BLACK = gettext_noop("低于黑榜分数线 %(score)s 分")
REASON_BOTTOM = gettext_noop("排名位于后 %(percent)s%%（共 %(count)s 家）")
REASON_TOP = gettext_noop("排名位于前 %(percent)s%% 且不低于 %(score)s 分")
REASON_GREY = gettext_noop("未达红榜条件，也未触及黑榜条件")
REASON_FEW_INCIDENT = gettext_noop(
    "有效问卷 %(answers)s 份，少于最低要求 %(minimum)s 份，不参与排名；本季度发生重大事件，直接列入黑榜"
)
REASON_FEW = gettext_noop("有效问卷 %(answers)s 份，少于最低要求 %(minimum)s 份，不参与排名")
REASONS = (REASON_INCIDENT, REASON_BELOW_BLACK, REASON_BOTTOM, REASON_TOP, REASON_GREY, REASON_FEW_INCIDENT, REASON_FEW)


def _reason_pattern(template: str) -> re.Pattern:
    escaped = re.escape(template.replace("%%", "%"))
    return re.compile("^" + re.sub(r"%\\\((\w+)\\\)s", r"(?P<\1>[^ ，；（）]+?)", escaped) + "$")


REASON_PATTERNS = [(template, _reason_pattern(template)) for template in REASONS]


def reason_shown(reason: str) -> str:
    """A stored list reason in the active language (as stored when no pattern matches, e.g. an older wording)."""
    for template, pattern in REASON_PATTERNS:
        match = pattern.match(reason)
        if match:
            return gettext(template) % match.groupdict()
    return reason


@pghistory.track()
class FirmScore(DistrictOwned):
    """The computed score of one firm for one quarter, with everything needed to explain it."""

    period = models.ForeignKey(
        RatingPeriod, verbose_name=_("考评季度"), on_delete=models.CASCADE, related_name="scores"
    )
    firm = models.ForeignKey(
        "compounds.PropertyFirm", verbose_name=_("物业企业"), on_delete=models.PROTECT, related_name="rating_scores"
    )
    answers = models.PositiveIntegerField(_("有效问卷数"), default=0)
    compounds = models.PositiveIntegerField(_("服务小区数"), default=0)
    households = models.PositiveIntegerField(_("服务户数"), default=0)
    satisfaction = models.DecimalField(_("业主满意度得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    panel = models.DecimalField(_("评审团得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    panel_parties = models.PositiveSmallIntegerField(_("评分方数"), default=0)
    work_orders = models.DecimalField(_("工单记录得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    complaints_per_100_households = models.DecimalField(
        _("每百户投诉数"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    weight_satisfaction = models.DecimalField(_("满意度权重"), max_digits=5, decimal_places=2)
    weight_panel = models.DecimalField(_("评审团权重"), max_digits=5, decimal_places=2)
    weight_work_orders = models.DecimalField(_("工单权重"), max_digits=5, decimal_places=2)
    total = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    list_kind = models.CharField(_("榜单"), max_length=20, choices=ListKind.choices)
    capped_by_incident = models.BooleanField(_("因重大事件列入黑榜"), default=False)
    reason = models.CharField(_("列榜依据"), max_length=300, blank=True)
    published_firm = models.ForeignKey(
        "compounds.PropertyFirm",
        verbose_name=_("发布后可查看的企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("季度发布时由系统填为本企业；发布前为空，企业人员看不到本季度得分和名次"),
    )

    # Scores are internal until the district publishes the quarter: firm staff reach their own firm's
    # score only through `published_firm`, which period_publish fills (the period is frozen from then on).
    # Grid workers and departments read the scores once published (the lists are public then), never before.
    scope_view = {
        R.STREET_STAFF: WHOLE_DISTRICT,
        R.COMMUNITY_CADRE: WHOLE_DISTRICT,
        R.GRID_WORKER: PUBLISHED,
        R.DEPARTMENT_STAFF: PUBLISHED,
        R.FIRM_STAFF: "published_firm",
    }
    scope_change = {}

    class Meta:
        verbose_name = _("企业得分")
        verbose_name_plural = _("企业得分")
        ordering = ["period", "rank", "firm__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "firm"],
                name="firm_score_once_per_quarter",
                violation_error_message=_("该企业本季度已有得分。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.firm} {self.total}"

    @property
    def reason_shown(self) -> str:
        return reason_shown(self.reason)
