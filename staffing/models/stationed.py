"""Stationed cadres (驻点“两委”干部) of compounds, with history and office hours, and the reception days
(书记/物业经理接待日) residents can come to."""

from __future__ import annotations

import pghistory
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from compounds.models import DistrictOwned
from staffing.models.base import Term, end_after_start, same_district, term_range
from staffing.models.teams import COMPOUND_VIEW

R = Role
COMPOUND_CHANGE = {R.STREET_STAFF: "compound__community__street", R.COMMUNITY_CADRE: "compound__community"}


class CadrePost(models.TextChoices):
    SECRETARY = "secretary", _("党组织书记")
    DIRECTOR = "director", _("居委会主任")
    MEMBER = "member", _("两委委员")
    GRID_CHIEF = "grid_chief", _("网格长")


@pghistory.track()
class StationedCadre(Term):
    """A community cadre stationed in a compound for a term (one at a time). The current one is mirrored
    onto Compound.stationed_cadre (what routing uses) through compounds.services."""

    compound = models.ForeignKey(
        "compounds.Compound", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "staffing.Person", verbose_name=_("驻点干部"), on_delete=models.PROTECT, related_name="stationed_terms"
    )
    post = models.CharField(_("职务"), max_length=20, choices=CadrePost.choices, default=CadrePost.MEMBER)
    office_hours = models.CharField(_("驻点时间"), max_length=100, blank=True, help_text=_("如 周一至周五 9:00–17:00"))

    scope_view = COMPOUND_VIEW
    scope_change = COMPOUND_CHANGE

    class Meta:
        verbose_name = _("驻点干部")
        verbose_name_plural = _("驻点干部")
        ordering = ["compound", "-start"]
        constraints = [
            end_after_start("stationed_end_after_start"),
            ExclusionConstraint(
                name="stationed_one_at_a_time",
                expressions=[(term_range(), RangeOperators.OVERLAPS), ("compound", RangeOperators.EQUAL)],
                violation_error_message=_("该小区在这段时间内已有驻点干部：请先结束前任的驻点。"),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(compound)s 驻点 %(person)s") % {"compound": self.compound, "person": self.person}

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
                    {
                        "person": gettext("驻点干部须为“%(community)s”的社区干部，且已开通社区干部账号。")
                        % {"community": self.compound.community}
                    }
                )


class ReceptionHost(models.TextChoices):
    SECRETARY = "secretary", _("书记接待日")
    PROPERTY_MANAGER = "property_manager", _("物业经理接待日")
    STATIONED_CADRE = "stationed_cadre", _("驻点干部接待")


WEEKDAYS = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]


@pghistory.track()
class ReceptionDay(DistrictOwned):
    """A weekly reception (接待日) in a compound: who receives residents, which weekday, when and where."""

    compound = models.ForeignKey(
        "compounds.Compound", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    host = models.CharField(_("接待类型"), max_length=20, choices=ReceptionHost.choices)
    person = models.ForeignKey(
        "staffing.Person", verbose_name=_("接待人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=list(enumerate(WEEKDAYS)))
    starts_at = models.TimeField(pgettext_lazy("time of day", "开始时间"))
    ends_at = models.TimeField(pgettext_lazy("time of day", "结束时间"))
    place = models.CharField(_("地点"), max_length=100)
    is_active = models.BooleanField(_("有效"), default=True)

    scope_view = COMPOUND_VIEW
    scope_change = COMPOUND_CHANGE

    class Meta:
        verbose_name = _("接待日")
        verbose_name_plural = _("接待日")
        ordering = ["compound", "weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                name="reception_ends_after_start",
                condition=Q(ends_at__gt=models.F("starts_at")) & Q(weekday__gte=0, weekday__lte=6),
                violation_error_message=_("接待结束时间应晚于开始时间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_host_display()} {WEEKDAYS[self.weekday]} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def clean(self) -> None:
        errors = same_district(self, "compound", "person")
        if errors:
            raise ValidationError(errors)
