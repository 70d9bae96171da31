"""Who may do what to the organisation tree (accounts.permissions' one registry).

A compound's household count moves the survey cap and complaints per 100 households, and its management mode
decides who serves it: both are set by the district's officials or the street's staff (whose change scope
covers the compound), never by a community cadre; every change is in the compound's history (pghistory).
The compound's property firm is not an editable field at all: a service contract sets it
(ratings.services.contract_create / introduction steps).
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.permissions import (
    has_role,
    in_district,
    is_district_authority,
    is_platform_admin,
    is_street_staff,
    is_system_actor,
    predicate,
    register,
)
from accounts.roles import Role


@predicate
def own_district(actor: Any, district: Any) -> bool:
    """`district` (a District) is the actor's own; asked with none, yes."""
    return district is None or getattr(actor, "district_id", None) == district.pk


register(
    "compounds.change_households",
    is_district_authority | (is_street_staff & in_district),
    message=_("只有区级人员或街道工作人员可以修改小区户数。"),
)
register(
    "compounds.change_management_mode",
    is_district_authority | (is_street_staff & in_district),
    message=_("只有区级人员或街道工作人员可以修改小区的管理模式。"),
)


# The organisation import (streets, communities, compounds, buildings, grids) into a district.
@predicate
def system_for(actor: Any, district: Any) -> bool:
    """The system acting in `district` (or platform-wide: a SystemActor naming no district)."""
    return is_system_actor(actor) and (
        actor.district_id is None or district is None or actor.district_id == district.pk
    )


register(
    "compounds.import",
    is_platform_admin | system_for | (has_role(Role.DISTRICT_OFFICIAL) & own_district),
    message=_("只有本区的区级人员可以导入本区的组织数据。"),
)
# Every street's dashboard of the district (others see their own street's).
register("compounds.view_all_streets", is_district_authority, message=_("只有区级人员可以查看各街道的概览。"))
