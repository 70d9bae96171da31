"""Who may do what with work orders (accounts.permissions' registry), for what this module's callers need:
revealing a reporter's contact details, and setting the district's Open311 read policy and retention."""

from typing import Any

from accounts.permissions import is_district_authority, is_district_official, predicate, register
from accounts.policy import CHANGE, can


@predicate
def may_change_order(actor: Any, order: Any) -> bool:
    """The order is in the actor's change scope: its handlers, dispatchers and the grid worker who reported it."""
    return order is not None and can(actor, order, CHANGE)


# Whoever works the order may call the resident back; each reveal is written to the district's reveal log.
register(
    "workorders.reveal_reporter",
    is_district_authority | may_change_order,
    message="您无权查看该工单反映人的联系方式。",
)
# The district's Open311 read policy (which categories are public) and its retention period.
register(
    "workorders.configure_privacy",
    is_district_official,
    message="只有本区的区级人员可以修改开放接口与个人信息保存设置。",
)
# Retention: anonymising a district's expired requests (the nightly task acts as the system in the district).
register(
    "workorders.anonymise_expired",
    is_district_authority,
    message="只有系统任务或本区的区级人员可以匿名化过期诉求。",
)
