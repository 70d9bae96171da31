"""Stationed cadres (驻点“两委”干部) of compounds, with history and office hours, and the reception days
(书记/物业经理接待日) residents can come to."""

from __future__ import annotations

import pghistory
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from accounts.roles import Role
from compounds.models import DistrictOwned
from staffing.models.base import Term, end_after_start, same_district, term_range
from staffing.models.teams import COMPOUND_VIEW

R = Role
COMPOUND_CHANGE = {R.STREET_STAFF: "compound__community__street", R.COMMUNITY_CADRE: "compound__community"}


class CadrePost(models.TextChoices):
    SECRETARY = "secretary", "党组织书记"
    DIRECTOR = "director", "居委会主任"
    MEMBER = "member", "两委委员"
    GRID_CHIEF = "grid_chief", "网格长"


@pghistory.track()
class StationedCadre(Term):
    """A community cadre stationed in a compound for a term (one at a time). The current one is mirrored
    onto Compound.stationed_cadre (what routing uses) through compounds.services."""

    compound = models.ForeignKey("compounds.Compound", verbose_name="小区", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "staffing.Person", verbose_name="驻点干部", on_delete=models.PROTECT, related_name="stationed_terms"
    )
    post = models.CharField("职务", max_length=20, choices=CadrePost.choices, default=CadrePost.MEMBER)
    office_hours = models.CharField("驻点时间", max_length=100, blank=True, help_text="如 周一至周五 9:00–17:00")

    scope_view = COMPOUND_VIEW
    scope_change = COMPOUND_CHANGE

    class Meta:
        verbose_name = "驻点干部"
        verbose_name_plural = "驻点干部"
        ordering = ["compound", "-start"]
        constraints = [
            end_after_start("stationed_end_after_start"),
            ExclusionConstraint(
                name="stationed_one_at_a_time",
                expressions=[(term_range(), RangeOperators.OVERLAPS), ("compound", RangeOperators.EQUAL)],
                violation_error_message="该小区在这段时间内已有驻点干部：请先结束前任的驻点。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compound} 驻点 {self.person}"

    def clean(self) -> None:
        errors = same_district(self, "compound", "person")
        if errors:
            raise ValidationError(errors)
        if self._state.adding and self.compound_id and self.person_id:
            account = self.person.account
            if (
                account is None
                or account.role != Role.COMMUNITY_CADRE
                or account.community_id != self.compound.community_id
            ):
                raise ValidationError(
                    {"person": f"驻点干部须为“{self.compound.community}”的社区干部，且已开通社区干部账号。"}
                )


class ReceptionHost(models.TextChoices):
    SECRETARY = "secretary", "书记接待日"
    PROPERTY_MANAGER = "property_manager", "物业经理接待日"
    STATIONED_CADRE = "stationed_cadre", "驻点干部接待"


WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]


@pghistory.track()
class ReceptionDay(DistrictOwned):
    """A weekly reception (接待日) in a compound: who receives residents, which weekday, when and where."""

    compound = models.ForeignKey("compounds.Compound", verbose_name="小区", on_delete=models.PROTECT, related_name="+")
    host = models.CharField("接待类型", max_length=20, choices=ReceptionHost.choices)
    person = models.ForeignKey(
        "staffing.Person", verbose_name="接待人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField("星期", choices=list(enumerate(WEEKDAYS)))
    starts_at = models.TimeField("开始时间")
    ends_at = models.TimeField("结束时间")
    place = models.CharField("地点", max_length=100)
    is_active = models.BooleanField("有效", default=True)

    scope_view = COMPOUND_VIEW
    scope_change = COMPOUND_CHANGE

    class Meta:
        verbose_name = "接待日"
        verbose_name_plural = "接待日"
        ordering = ["compound", "weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                name="reception_ends_after_start",
                condition=Q(ends_at__gt=models.F("starts_at")) & Q(weekday__gte=0, weekday__lte=6),
                violation_error_message="接待结束时间应晚于开始时间。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_host_display()} {WEEKDAYS[self.weekday]} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def clean(self) -> None:
        errors = same_district(self, "compound", "person")
        if errors:
            raise ValidationError(errors)
