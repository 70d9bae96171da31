"""Who may do what in staffing (registered in the one registry, accounts.permissions).

The scope policy (the models' scope_view / scope_change maps) decides which rows an actor reaches; these
rules decide which roles may act on a row they reach. `change_scope` asks the policy whether the object is
inside the actor's change scope, so a street's staff manage their own street's teams and nobody else's.
Asked with no object ("may this user do this at all?", e.g. to show a button), a role rule answers for the
role alone.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.permissions import (
    change_scope,
    has_role,
    in_district,
    is_community_cadre,
    is_department_staff,
    is_district_authority,
    is_grid_worker,
    is_street_staff,
    predicate,
    register,
    view_scope,
)
from accounts.roles import STAFF_ROLES


@predicate
def is_the_person(actor: Any, person: Any) -> bool:
    """The person's own record (their login account)."""
    return person is not None and getattr(actor, "pk", None) is not None and person.account_id == actor.pk


@predicate
def of_own_department(actor: Any, obj: Any) -> bool:
    """A sink-down team (or its task or member) of the actor's own department."""
    if obj is None:
        return True
    team = getattr(obj, "team", obj)
    return getattr(actor, "department_id", None) is not None and team.department_id == actor.department_id


street_or_cadre = is_street_staff | is_community_cadre

register(
    "staffing.manage_people",
    is_district_authority | (street_or_cadre & change_scope),
    message=_("只有区级人员、本街道工作人员或本社区干部可以登记和修改人员信息。"),
)
register(
    "staffing.reveal_phone",
    is_district_authority | (street_or_cadre & change_scope) | is_the_person,
    message=_("只有管理该人员的区级人员、街道工作人员或社区干部可以查看完整手机号。"),
)
register(
    "staffing.manage_team",
    is_district_authority | (is_street_staff & change_scope),
    message=_("只有区级人员或本街道工作人员可以调整“2+4”服务团队。"),
)
register(
    "staffing.manage_sponsorship",
    is_district_authority,
    message=_("只有区级人员可以调整部门包抓小区。"),
)
register(
    "staffing.manage_grid",
    is_district_authority | (street_or_cadre & change_scope),
    message=_("只有区级人员、本街道工作人员或本社区干部可以调整网格人员、楼栋长和党员中心户。"),
)
register(
    "staffing.manage_households",
    is_district_authority | (street_or_cadre & change_scope),
    message=_("只有区级人员、本街道工作人员或本社区干部可以登记走访对象。"),
)
register(
    "staffing.log_visit",
    is_district_authority | ((is_grid_worker | street_or_cadre) & view_scope),
    message=_("只能走访本人网格（或本社区、本街道）的住户。"),
)
register(
    "staffing.manage_stationed",
    is_district_authority | (street_or_cadre & change_scope),
    message=_("只有区级人员、本街道工作人员或本社区干部可以调整驻点干部和接待日。"),
)
register(
    "staffing.manage_sinkdown",
    is_district_authority,
    message=_("只有区级人员可以组建和调整下沉服务队。"),
)
register(
    "staffing.log_sinkdown_task",
    is_district_authority | (is_department_staff & of_own_department),
    message=_("只有区级人员或本部门人员可以登记服务队的工作。"),
)
register(
    "staffing.manage_duty",
    is_district_authority | (street_or_cadre & change_scope),
    message=_("只有区级人员、本街道工作人员或本社区干部可以排班。"),
)
register(
    "staffing.assess_stars",
    is_district_authority | (street_or_cadre & change_scope),
    message=_("只有区级人员、本街道工作人员或本社区干部可以评定星级。"),
)
register(
    "staffing.approve_stars",
    is_district_authority,
    message=_("只有区级人员可以审定星级评定结果。"),
)
register(
    "staffing.import",
    is_district_authority,
    message=_("只有区级人员可以导入人员配备数据。"),
)

# The staffing pages: the district's people (every staff role) and the platform.
register(
    "staffing.view",
    is_district_authority | (in_district & has_role(*STAFF_ROLES)),
    message=_("人员配备页面只对本区工作人员开放。"),
)
# A grid worker's own pages (my grid, my visits, my stars) instead of the managers' overview.
register("staffing.my_grid", is_grid_worker, message=_("此页面供网格员使用。"))
