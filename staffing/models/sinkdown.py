"""Department sink-down teams (组团式下沉服务队; Xining: 33 teams, 120+ people from police, urban
management, justice and market supervision): members, the communities each team is posted to, and a log of
what the team did, by the seven task types of the report."""

from __future__ import annotations

import pghistory
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.policy import WHOLE_DISTRICT
from accounts.roles import Role
from compounds.models import DistrictOwned
from staffing.models.base import Term, end_after_start, same_district, term_range
from staffing.models.people import DEPARTMENT_ROLES

R = Role


class SinkDownTaskType(models.TextChoices):
    GOVERNANCE_LIST = "governance_list", _("治理清单")
    OPINION_SURVEY = "opinion_survey", _("民意调查")
    DISPUTE_MEDIATION = "dispute_mediation", _("矛盾调解")
    SAFETY_INSPECTION = "safety_inspection", _("安全巡查")
    ENVIRONMENT = "environment", _("环境整治")
    PARTY_BUILDING = "party_building", _("党建共建")
    POLICY_OUTREACH = "policy_outreach", _("政策宣传")


TEAM_VIEW = {
    R.STREET_STAFF: "posts__community__street",
    R.COMMUNITY_CADRE: "posts__community",
    R.DEPARTMENT_STAFF: ("department", "members__person__department"),
}


@pghistory.track()
class SinkDownTeam(DistrictOwned):
    """A sink-down service team led by a district department."""

    name = models.CharField(_("队名"), max_length=100)
    department = models.ForeignKey(
        "compounds.Department", verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="+"
    )
    formed_on = models.DateField(_("组建日期"))
    is_active = models.BooleanField(_("在运行"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_view = TEAM_VIEW
    scope_change = {}

    class Meta:
        verbose_name = _("下沉服务队")
        verbose_name_plural = _("下沉服务队")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"],
                name="sinkdown_team_name_unique",
                violation_error_message=_("本区已有同名下沉服务队。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = same_district(self, "department")
        if errors:
            raise ValidationError(errors)


def _under_team(view: dict) -> dict:
    return {role: (path if path == WHOLE_DISTRICT else _prefix(path)) for role, path in view.items()}


def _prefix(path):
    if isinstance(path, tuple):
        return tuple(f"team__{p}" for p in path)
    return f"team__{path}"


@pghistory.track()
class SinkDownMember(Term):
    """A department's staff member in a team for a term (队长 or 队员)."""

    team = models.ForeignKey(SinkDownTeam, verbose_name=_("服务队"), on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(
        "staffing.Person", verbose_name=_("队员"), on_delete=models.PROTECT, related_name="sinkdown_posts"
    )
    is_leader = models.BooleanField(_("队长"), default=False)

    scope_view = _under_team(TEAM_VIEW)
    scope_change = {}

    class Meta:
        verbose_name = _("服务队队员")
        verbose_name_plural = _("服务队队员")
        ordering = ["team", "-is_leader", "person__name"]
        constraints = [
            end_after_start("sinkdown_member_end_after_start"),
            ExclusionConstraint(
                name="sinkdown_member_once",
                expressions=[
                    (term_range(), RangeOperators.OVERLAPS),
                    ("team", RangeOperators.EQUAL),
                    ("person", RangeOperators.EQUAL),
                ],
                violation_error_message=_("该人员已在本服务队中。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.person}"

    def clean(self) -> None:
        errors = same_district(self, "team", "person")
        if errors:
            raise ValidationError(errors)
        if self._state.adding and self.person_id and self.person.role not in DEPARTMENT_ROLES:
            raise ValidationError({"person": gettext("服务队队员须为区级部门的工作人员（含社区民警）。")})


@pghistory.track()
class SinkDownPost(Term):
    """A team posted to a community (下沉到社区) for a term."""

    team = models.ForeignKey(SinkDownTeam, verbose_name=_("服务队"), on_delete=models.PROTECT, related_name="posts")
    community = models.ForeignKey(
        "compounds.Community", verbose_name=_("下沉社区"), on_delete=models.PROTECT, related_name="+"
    )

    scope_view = {
        R.STREET_STAFF: "community__street",
        R.COMMUNITY_CADRE: "community",
        R.DEPARTMENT_STAFF: ("team__department", "team__members__person__department"),
    }
    scope_change = {}

    class Meta:
        verbose_name = _("服务队下沉社区")
        verbose_name_plural = _("服务队下沉社区")
        ordering = ["team", "community__code", "-start"]
        constraints = [
            end_after_start("sinkdown_post_end_after_start"),
            ExclusionConstraint(
                name="sinkdown_post_once",
                expressions=[
                    (term_range(), RangeOperators.OVERLAPS),
                    ("team", RangeOperators.EQUAL),
                    ("community", RangeOperators.EQUAL),
                ],
                violation_error_message=_("该服务队已下沉到这个社区。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} → {self.community}"

    def clean(self) -> None:
        errors = same_district(self, "team", "community")
        if errors:
            raise ValidationError(errors)


@pghistory.track()
class SinkDownTask(DistrictOwned):
    """What a team did in a community on a day (工作台账)."""

    team = models.ForeignKey(SinkDownTeam, verbose_name=_("服务队"), on_delete=models.PROTECT, related_name="tasks")
    community = models.ForeignKey(
        "compounds.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    task_type = models.CharField(_("任务类型"), max_length=30, choices=SinkDownTaskType.choices)
    done_on = models.DateField(_("日期"))
    title = models.CharField(_("事项"), max_length=100)
    description = models.CharField(_("情况说明"), max_length=1000, blank=True)
    participants = models.PositiveSmallIntegerField(_("参与队员数"), default=1)
    residents_served = models.PositiveIntegerField(_("服务群众人次"), default=0)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_view = {
        R.STREET_STAFF: "community__street",
        R.COMMUNITY_CADRE: "community",
        R.DEPARTMENT_STAFF: ("team__department", "team__members__person__department"),
    }
    scope_change = {R.DEPARTMENT_STAFF: "team__department"}

    class Meta:
        verbose_name = _("服务队工作记录")
        verbose_name_plural = _("服务队工作记录")
        ordering = ["-done_on", "-pk"]
        indexes = [models.Index(fields=["district", "done_on"], name="sinkdown_task_done_on")]
        constraints = [
            models.CheckConstraint(
                name="sinkdown_task_participants",
                condition=Q(participants__gte=1, participants__lte=500),
                violation_error_message=_("参与队员数应在 1 至 500 之间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.done_on} {self.get_task_type_display()}"

    def clean(self) -> None:
        errors = same_district(self, "team", "community")
        if errors:
            raise ValidationError(errors)
        if self.team_id and self.community_id and self.done_on:
            posted = SinkDownPost.objects.current(self.done_on).filter(
                team_id=self.team_id, community_id=self.community_id
            )
            if not posted.exists():
                message = gettext("“%(team)s”在 %(day)s 未下沉到“%(community)s”。")
                raise ValidationError(
                    {"community": message % {"team": self.team, "day": self.done_on, "community": self.community}}
                )
