"""Staff stars 星级评定: the quarterly assessment of community and grid staff on the five dimensions of the
Wenjiang report. The rule that turns the dimensions into a score and stars is staffing.grading."""

from decimal import Decimal

import pghistory
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.policy import ActorPath
from accounts.roles import Role
from compounds.models import DistrictOwned
from staffing.models.people import PersonRole

R = Role
PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


@pghistory.track()
class StarAssessment(DistrictOwned):
    """One person's assessment for one quarter. The case figures are copied from the work orders
    (workorders.selectors.staff_case_figures) when the quarter is prepared; the assessor enters
    proficiency and attitude; the score and the stars follow from staffing.grading. An approved assessment
    is frozen: it is what the performance bonus pools (funding) read."""

    person = models.ForeignKey(
        "staffing.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="stars"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    role = models.CharField(_("身份"), max_length=30, choices=PersonRole.choices)
    street = models.ForeignKey(
        "compounds.Street", verbose_name=_("街道"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    community = models.ForeignKey(
        "compounds.Community", verbose_name=_("社区"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    proficiency = models.DecimalField(
        _("业务能力"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    attitude = models.DecimalField(
        _("服务态度"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    # Work-order figures of the quarter; empty when the person has no login account (no data, not zero).
    cases_accepted = models.PositiveIntegerField(_("受理案件数"), null=True, blank=True)
    cases_completed = models.PositiveIntegerField(_("办结案件数"), null=True, blank=True)
    cases_rated = models.PositiveIntegerField(_("评价案件数"), null=True, blank=True)
    cases_satisfied = models.PositiveIntegerField(_("满意案件数"), null=True, blank=True)

    score = models.DecimalField(_("综合得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    stars = models.PositiveSmallIntegerField(_("星级"), null=True, blank=True)
    note = models.CharField(_("评语"), max_length=200, blank=True)

    assessed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("评定人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        "accounts.User", verbose_name=_("审定人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    figures_at = models.DateTimeField(_("案件数据提取时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_view = {
        R.STREET_STAFF: "street",
        R.COMMUNITY_CADRE: "community",
        R.GRID_WORKER: ActorPath("person__account"),
    }
    scope_change = {R.STREET_STAFF: "street", R.COMMUNITY_CADRE: "community"}

    class Meta:
        verbose_name = _("星级评定")
        verbose_name_plural = _("星级评定")
        ordering = ["-year", "-quarter", "-score", "person__name", "pk"]
        indexes = [models.Index(fields=["district", "year", "quarter"], name="star_district_quarter")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year", "quarter"],
                name="star_once_per_person_quarter",
                violation_error_message=_("该人员本季度已有星级评定。"),
            ),
            models.CheckConstraint(
                name="star_quarter_1_to_4",
                condition=Q(quarter__gte=1, quarter__lte=4) & Q(year__gte=2000, year__lte=2100),
                violation_error_message=_("季度应为 1 至 4，年度应在 2000 至 2100 之间。"),
            ),
            models.CheckConstraint(
                name="star_grades_in_range",
                condition=(Q(stars__isnull=True) | Q(stars__gte=1, stars__lte=5))
                & (Q(score__isnull=True) | Q(score__gte=0, score__lte=100)),
                violation_error_message=_("星级应为 1 至 5 星，得分应在 0 至 100 之间。"),
            ),
            models.CheckConstraint(
                name="star_approved_is_graded",
                condition=Q(approved_at__isnull=True) | Q(score__isnull=False, stars__isnull=False),
                violation_error_message=_("尚未评分的评定不能审定。"),
            ),
        ]

    def __str__(self) -> str:
        quarter = gettext("%(year)s年第%(quarter)s季度") % {"year": self.year, "quarter": self.quarter}
        return f"{self.person} {quarter}"

    @property
    def approved(self) -> bool:
        return self.approved_at is not None

    @property
    def complete(self) -> bool:
        return self.proficiency is not None and self.attitude is not None
