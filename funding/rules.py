"""Who may do what with the money (registered in the one registry, accounts.permissions).

Which rows an actor reaches is the scope policy's (the models' maps: a street reaches its own communities'
accounts and requests, a community its own; another street's community is a 404). These rules decide who may
act on a row they reach:
- a community cadre requests and attaches documents for their own community, and can never approve;
- the street's staff approve, reject and pay their street's requests — never a request they filed themselves;
- above the threshold a district official approves a second time — not the person who approved first;
- the district sets the policy, overrides, special funds, corrections, the year end and the bonus pools.
The system actor (tasks, demo) stands for the district inside its own district.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.permissions import (
    change_scope,
    is_community_cadre,
    is_district_authority,
    is_district_official,
    is_street_staff,
    is_system_actor,
    predicate,
    register,
    view_scope,
)


@predicate
def filed_it(actor: Any, obj: Any) -> bool:
    """The actor filed this request themself."""
    return obj is not None and getattr(actor, "pk", None) is not None and obj.requested_by_id == actor.pk


@predicate
def approved_it(actor: Any, obj: Any) -> bool:
    return obj is not None and getattr(actor, "pk", None) is not None and obj.approved_by_id == actor.pk


register(
    "funding.view",
    is_district_authority | is_street_staff | is_community_cadre,
    message=_("经费页面只对区级人员、街道工作人员和社区干部开放。"),
)
register(
    "funding.set_policy",
    is_district_authority,
    message=_("只有区级人员可以设置经费标准、下达年度经费。"),
)
register(
    "funding.override",
    is_district_authority,
    message=_("只有区级人员可以单独核定社区经费或调整社区分类。"),
)
register("funding.special", is_district_authority, message=_("只有区级人员可以拨付专项经费。"))
register(
    "funding.donation",
    is_district_authority | (is_street_staff & view_scope),
    message=_("只有区级人员或本街道工作人员可以登记社区基金会捐赠。"),
)
register(
    "funding.request",
    (is_system_actor & is_district_authority) | (is_community_cadre & view_scope),
    message=_("只有本社区干部可以提出经费支出申请。"),
)
register(
    "funding.attach",
    (is_system_actor & is_district_authority) | ((is_community_cadre | is_street_staff) & change_scope),
    message=_("只有本社区干部或本街道工作人员可以上传报价单和发票。"),
)
register(
    "funding.approve",
    (is_system_actor & is_district_authority) | (is_street_staff & change_scope & ~filed_it),
    message=_("只有本街道工作人员可以审批社区的经费支出申请，且不能审批自己提出的申请；社区不能审批本社区的申请。"),
)
register(
    "funding.second_approve",
    (is_system_actor & is_district_authority) | (is_district_official & ~filed_it & ~approved_it),
    message=_("超过门槛的支出须由区级人员二次审批，且二次审批人不能是申请人或街道审批人。"),
)
register(
    "funding.pay",
    (is_system_actor & is_district_authority) | is_district_official | (is_street_staff & change_scope),
    message=_("只有本街道工作人员或区级人员可以登记支付。"),
)
register("funding.correct", is_district_authority, message=_("只有区级人员可以登记冲正分录。"))
register("funding.year_end", is_district_authority, message=_("只有区级人员可以执行年末结转。"))
register("funding.manage_bonus", is_district_authority, message=_("只有区级人员可以设置和计算绩效奖励。"))
register(
    "funding.approve_bonus",
    (is_system_actor & is_district_authority) | is_district_official,
    message=_("只有区级人员可以审定绩效奖励和下载发放表。"),
)
