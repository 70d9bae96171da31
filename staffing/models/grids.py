"""Grid staffing (网格力量): each grid's paired members — one community worker and one property staff member
(社区和物业各一名) — building heads (楼栋长) and party-member households (党员中心户) each linked to 5–15
households."""

from __future__ import annotations

import pghistory
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.policy import WHOLE_DISTRICT
from accounts.roles import Role
from compounds.models import Compound, DistrictOwned
from staffing.models.base import Term, end_after_start, same_district, term_range
from staffing.models.people import ASSESSED_ROLES, PersonRole

R = Role

PARTY_HOUSEHOLD_LINKS = (5, 15)


class GridSide(models.TextChoices):
    COMMUNITY = "community", _("社区网格员")
    PROPERTY = "property", _("物业网格员")


GRID_VIEW = {
    R.STREET_STAFF: "grid__community__street",
    R.COMMUNITY_CADRE: "grid__community",
    R.GRID_WORKER: "grid",
    R.DEPARTMENT_STAFF: WHOLE_DISTRICT,
}
GRID_CHANGE = {R.STREET_STAFF: "grid__community__street", R.COMMUNITY_CADRE: "grid__community"}


@pghistory.track()
class GridMember(Term):
    """A grid's community worker or property staff member for a term. One of each side at a time."""

    grid = models.ForeignKey("compounds.Grid", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    side = models.CharField(_("类别"), max_length=20, choices=GridSide.choices)
    person = models.ForeignKey(
        "staffing.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="grid_posts"
    )

    scope_view = GRID_VIEW
    scope_change = GRID_CHANGE

    class Meta:
        verbose_name = _("网格人员")
        verbose_name_plural = _("网格人员")
        ordering = ["grid", "side", "-start"]
        constraints = [
            end_after_start("grid_member_end_after_start"),
            ExclusionConstraint(
                name="grid_member_one_per_side",
                expressions=[
                    (term_range(), RangeOperators.OVERLAPS),
                    ("grid", RangeOperators.EQUAL),
                    ("side", RangeOperators.EQUAL),
                ],
                violation_error_message=_("该网格在这段时间内已有同类网格员：请先为前任登记结束日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grid} {self.get_side_display()} {self.person}"

    def clean(self) -> None:
        errors = same_district(self, "grid", "person")
        if errors:
            raise ValidationError(errors)
        if not (self._state.adding and self.grid_id and self.person_id):
            return
        grid, person = self.grid, self.person
        if self.side == GridSide.COMMUNITY:
            if person.role not in ASSESSED_ROLES or person.community_id != grid.community_id:
                message = gettext("社区网格员须为“%(community)s”的社区工作者、网格员或两委干部。")
                raise ValidationError({"person": ValidationError(message, params={"community": grid.community.name})})
        elif self.side == GridSide.PROPERTY:
            firms = set(
                Compound.objects.filter(buildings__grids=grid, property_firm__isnull=False).values_list(
                    "property_firm", flat=True
                )
            )
            if person.role != PersonRole.PROPERTY_STAFF or person.property_firm_id not in firms:
                raise ValidationError({"person": gettext("物业网格员须为服务本网格小区的物业企业人员。")})


@pghistory.track()
class BuildingHead(Term):
    """楼栋长 of a building for a term; one at a time."""

    building = models.ForeignKey(
        "compounds.Building", verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "staffing.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="building_posts"
    )

    scope_view = {
        R.STREET_STAFF: "building__compound__community__street",
        R.COMMUNITY_CADRE: "building__compound__community",
        R.GRID_WORKER: "building__grids",
        R.DEPARTMENT_STAFF: WHOLE_DISTRICT,
    }
    scope_change = {
        R.STREET_STAFF: "building__compound__community__street",
        R.COMMUNITY_CADRE: "building__compound__community",
    }

    class Meta:
        verbose_name = _("楼栋长")
        verbose_name_plural = _("楼栋长")
        ordering = ["building", "-start"]
        constraints = [
            end_after_start("building_head_end_after_start"),
            ExclusionConstraint(
                name="building_head_one_at_a_time",
                expressions=[(term_range(), RangeOperators.OVERLAPS), ("building", RangeOperators.EQUAL)],
                violation_error_message=_("该楼栋在这段时间内已有楼栋长：请先为前任登记结束日期。"),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(building)s 楼栋长 %(person)s") % {"building": self.building, "person": self.person}

    def clean(self) -> None:
        errors = same_district(self, "building", "person")
        if errors:
            raise ValidationError(errors)
        if self._state.adding and self.building_id and self.person_id:
            community_id = self.building.compound.community_id
            if self.person.community_id is not None and self.person.community_id != community_id:
                message = gettext("楼栋长须为“%(community)s”的居民。")
                community = self.building.compound.community.name
                raise ValidationError({"person": ValidationError(message, params={"community": community})})


@pghistory.track()
class PartyHousehold(DistrictOwned):
    """党员中心户: a party member's household that keeps in touch with 5–15 neighbouring households
    (Household.party_household)."""

    person = models.ForeignKey(
        "staffing.Person", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="party_households"
    )
    grid = models.ForeignKey("compounds.Grid", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(
        "compounds.Building", verbose_name=_("楼栋"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    since = models.DateField(_("设立日期"))
    is_active = models.BooleanField(_("有效"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_view = GRID_VIEW
    scope_change = GRID_CHANGE

    class Meta:
        verbose_name = _("党员中心户")
        verbose_name_plural = _("党员中心户")
        ordering = ["grid", "person__name", "pk"]

    def __str__(self) -> str:
        return gettext("党员中心户 %(person)s") % {"person": self.person}

    def clean(self) -> None:
        errors = same_district(self, "person", "grid", "building")
        if errors:
            raise ValidationError(errors)
        if self.person_id and not self.person.is_party_member:
            raise ValidationError(
                {"person": gettext("“%(person)s”未登记为中共党员，不能设为党员中心户。") % {"person": self.person}}
            )
        if self.grid_id and self.building_id and not self.grid.buildings.filter(pk=self.building_id).exists():
            raise ValidationError({"building": gettext("所选楼栋不在该网格内。")})
