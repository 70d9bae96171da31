"""Door-knocking visits (敲门行动, 四必访): households that need visits, with an interval, and the visits
grid workers log from their phones."""

from __future__ import annotations

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.policy import ActorPath
from accounts.privacy import mask_name, mask_phone
from accounts.roles import Role
from compounds.models import DistrictOwned
from staffing.models.base import same_district

R = Role


class VisitNeed(models.TextChoices):
    """Why a household is visited (四必访)."""

    ELDERLY_ALONE = "elderly_alone", _("独居老人")
    LOW_INCOME = "low_income", _("低保低收入")
    DISABLED = "disabled", _("残疾人")
    RETURNING = "returning", _("返乡人员")
    NEW_RESIDENT = "new_resident", _("新迁入住户")


# Default visit interval per need, in days; a household with several needs takes the shortest.
DEFAULT_INTERVAL_DAYS = {
    VisitNeed.ELDERLY_ALONE: 7,
    VisitNeed.DISABLED: 14,
    VisitNeed.LOW_INCOME: 30,
    VisitNeed.RETURNING: 30,
    VisitNeed.NEW_RESIDENT: 30,
}


def default_interval(needs: list[str]) -> int:
    return min((DEFAULT_INTERVAL_DAYS[VisitNeed(n)] for n in needs), default=30)


HOUSEHOLD_VIEW = {
    R.STREET_STAFF: "compound__community__street",
    R.COMMUNITY_CADRE: "compound__community",
    R.GRID_WORKER: "grid",
}


@pghistory.track()
class Household(DistrictOwned):
    """A household (住户). The head's name and phone are personal data: lists mask them. `next_visit_on` is
    computed by the database (the last visit that met the household, or the registration date, plus the
    interval), so the overdue list is one indexed query."""

    grid = models.ForeignKey("compounds.Grid", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey(
        "compounds.Compound", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        "compounds.Building", verbose_name=_("楼栋"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    address = models.CharField(_("门牌"), max_length=50, help_text=_("如 2单元501"))
    head_name = models.CharField(_("户主姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    needs = ArrayField(
        models.CharField(max_length=20, choices=VisitNeed.choices), verbose_name=_("走访类别"), default=list, blank=True
    )
    visit_interval_days = models.PositiveSmallIntegerField(_("走访周期（天）"), null=True, blank=True)
    registered_on = models.DateField(_("登记日期"))
    last_visited_on = models.DateField(_("上次走访日期"), null=True, blank=True)
    next_visit_on = models.GeneratedField(
        verbose_name=_("下次应访日期"),
        expression=models.ExpressionWrapper(
            Coalesce(F("last_visited_on"), F("registered_on")) + F("visit_interval_days"),
            output_field=models.DateField(),
        ),
        output_field=models.DateField(),
        db_persist=True,
    )
    party_household = models.ForeignKey(
        "staffing.PartyHousehold",
        verbose_name=_("联系党员中心户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="households",
    )
    is_active = models.BooleanField(_("在册"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_view = HOUSEHOLD_VIEW
    scope_change = {R.STREET_STAFF: "compound__community__street", R.COMMUNITY_CADRE: "compound__community"}

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = _("住户")
        ordering = ["compound__code", "address", "pk"]
        indexes = [
            models.Index(fields=["district", "next_visit_on"], name="household_visit_due", condition=Q(is_active=True)),
            models.Index(fields=["grid", "next_visit_on"], name="household_grid_due"),
        ]
        constraints = [
            models.CheckConstraint(
                name="household_interval_with_needs",
                condition=(Q(needs=[]) & Q(visit_interval_days__isnull=True))
                | (~Q(needs=[]) & Q(visit_interval_days__gte=1, visit_interval_days__lte=365)),
                violation_error_message=_("需要走访的住户须填写 1 至 365 天的走访周期；不需要走访的住户不填周期。"),
            ),
            models.UniqueConstraint(
                fields=["compound", "building", "address"],
                name="household_address_unique",
                nulls_distinct=False,
                violation_error_message=_("该小区该楼栋已登记此门牌的住户。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compound} {self.building.name + ' ' if self.building_id else ''}{self.address}"

    @property
    def masked_head_name(self) -> str:
        return mask_name(self.head_name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def needs_labels(self) -> list[str]:
        return [VisitNeed(n).label for n in self.needs]

    def clean(self) -> None:
        errors = same_district(self, "grid", "compound", "building", "party_household")
        if errors:
            raise ValidationError(errors)
        if self.compound_id and self.grid_id and self.compound.community_id != self.grid.community_id:
            raise ValidationError({"grid": gettext("所选网格与小区不在同一社区。")})
        if self.building_id and self.compound_id and self.building.compound_id != self.compound_id:
            raise ValidationError({"building": gettext("所选楼栋不属于该小区。")})
        if self.building_id and self.grid_id and not self.grid.buildings.filter(pk=self.building_id).exists():
            raise ValidationError({"building": gettext("所选楼栋不在该网格内。")})
        if self.party_household_id and self.grid_id and self.party_household.grid_id != self.grid_id:
            raise ValidationError({"party_household": gettext("党员中心户须在同一网格。")})


class VisitOutcome(models.TextChoices):
    WELL = "well", _("一切正常")
    NEEDS_HELP = "needs_help", _("需要帮助")
    NOT_HOME = "not_home", _("未遇到")


# A visit that met the household resets its visit clock; a door nobody opened does not.
MET = (VisitOutcome.WELL, VisitOutcome.NEEDS_HELP)


@pghistory.track()
class Visit(DistrictOwned):
    """One visit: who, when, what was found; and the work order it raised, if any. Append-only through
    staffing.services.visits (no edits)."""

    household = models.ForeignKey(Household, verbose_name=_("住户"), on_delete=models.PROTECT, related_name="visits")
    # SET_NULL: a removed account leaves its visits (and their visitor_person) in the history.
    visitor = models.ForeignKey(
        "accounts.User", verbose_name=_("走访人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    visitor_person = models.ForeignKey(
        "staffing.Person", verbose_name=_("走访人员"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    visited_at = models.DateTimeField(_("走访时间"))
    outcome = models.CharField(_("走访情况"), max_length=20, choices=VisitOutcome.choices)
    findings = models.CharField(_("发现的问题"), max_length=500, blank=True)
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("转办工单"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_view = {
        R.STREET_STAFF: "household__compound__community__street",
        R.COMMUNITY_CADRE: "household__compound__community",
        R.GRID_WORKER: ("household__grid", ActorPath("visitor")),
    }
    scope_change = {}

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_at", "-pk"]
        indexes = [models.Index(fields=["household", "visited_at"], name="visit_household_at")]

    def __str__(self) -> str:
        return f"{self.household} {self.visited_at:%Y-%m-%d} {self.get_outcome_display()}"

    @property
    def met(self) -> bool:
        return self.outcome in MET
