"""Who may do what with work orders (accounts.permissions' registry), for what this module's callers need:
revealing a reporter's contact details, and setting the district's Open311 read policy and retention."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.actors import is_system
from accounts.permissions import (
    has_role,
    in_district,
    is_district_authority,
    is_district_official,
    is_grid_worker,
    is_platform_admin,
    is_system_actor,
    predicate,
    register,
)
from accounts.policy import CHANGE, can
from accounts.roles import Integration, Role
from workorders.models.orders import Channel
from workorders.statemachine import can_make_in_a_row


@predicate
def may_change_order(actor: Any, order: Any) -> bool:
    """The order is in the actor's change scope: its handlers, dispatchers and the grid worker who reported it."""
    return order is not None and can(actor, order, CHANGE)


# Whoever works the order may call the resident back; each reveal is written to the district's reveal log.
register(
    "workorders.reveal_reporter",
    is_district_authority | may_change_order,
    message=_("您无权查看该工单反映人的联系方式。"),
)
# The district's Open311 read policy (which categories are public) and its retention period.
register(
    "workorders.configure_privacy",
    is_district_official,
    message=_("只有本区的区级人员可以修改开放接口与个人信息保存设置。"),
)
# The district's catalogue of categories and urgency classes, seeded when the district opens (the platform
# administrator), by the demo and the commands (the system in the district) or by its own official.
register(
    "workorders.seed_catalogue",
    is_district_authority,
    message=_("只有平台管理员、系统任务或本区的区级人员可以初始化诉求类别与紧急程度。"),
)
# Retention: anonymising a district's expired requests (the nightly task acts as the system in the district).
register(
    "workorders.anonymise_expired",
    is_district_authority,
    message=_("只有系统任务或本区的区级人员可以匿名化过期诉求。"),
)


# ---------------------------------------------------------------------------------------------------- filing
# Which role files on which channel: the one table asked by the API, the staff pages, Open311, the 12345 push
# and the services (work_order_file). A channel an integration owns (OWNED_CHANNELS) is filed only by that
# integration's account of the district (or the platform acting for it), and its external numbers are that
# integration's: nobody else may put a 12345 number on an order.
FILING_CHANNELS: dict[str, frozenset[str]] = {
    Role.DISTRICT_OFFICIAL: frozenset({Channel.PHONE, Channel.WALK_IN, Channel.ASSIGNED_FROM_ABOVE}),
    Role.STREET_STAFF: frozenset({Channel.PHONE, Channel.WALK_IN, Channel.ASSIGNED_FROM_ABOVE}),
    # Stationed community cadres report what they find, like grid workers (格格发现; DESIGN.md §1).
    Role.COMMUNITY_CADRE: frozenset({Channel.PHONE, Channel.WALK_IN, Channel.ASSIGNED_FROM_ABOVE, Channel.GRID}),
    Role.GRID_WORKER: frozenset({Channel.GRID}),
    # Property firms and departments handle the orders routed to them; they file none.
}
OWNED_CHANNELS: dict[str, str] = {
    Channel.HOTLINE_12345: Integration.HOTLINE_12345,
    Channel.OPEN311: Integration.OPEN311,
}
# Channels whose orders carry an external number, and whose number it is (None: the filer's own, e.g. the
# reference of an order assigned from above).
EXTERNAL_NUMBER_CHANNELS = frozenset({Channel.HOTLINE_12345, Channel.ASSIGNED_FROM_ABOVE, Channel.OPEN311})
# The resident's QR report has no account: the public page files it as the system (SystemActor "public:…").
PUBLIC_CHANNELS = frozenset({Channel.RESIDENT_QR})


def filing_channels(actor: Any) -> frozenset[str]:
    """The channels `actor` may file on (a person by role, an integration account by what it is for)."""
    if actor is None or not getattr(actor, "is_active", False):
        return frozenset()
    if is_system(actor):
        return frozenset(Channel.values)
    role = str(getattr(actor, "role", ""))
    if role == Role.INTEGRATION:
        return frozenset(channel for channel, owner in OWNED_CHANNELS.items() if owner == actor.integration)
    if getattr(actor, "is_platform_admin", False):
        # The platform administrator names the district and files for an integration (a replayed push).
        return frozenset(OWNED_CHANNELS)
    return FILING_CHANNELS.get(role, frozenset())


@predicate
def files_on_channel(actor: Any, channel: Any) -> bool:
    """The actor may file on `channel` (asked with no channel: on any channel at all)."""
    channels = filing_channels(actor)
    return bool(channels) if channel is None else str(channel) in channels


@predicate
def files_hotline(actor: Any) -> bool:
    return Channel.HOTLINE_12345 in filing_channels(actor)


register(
    "workorders.import_hotline",
    is_district_official | is_system_actor | is_platform_admin | files_hotline,
    message=_("只有区级人员、本区 12345 接口账号或平台管理员可以导入 12345 平台转办工单。"),
)
register(
    "workorders.file",
    files_on_channel,
    message=_("您不能通过该来源渠道登记工单（平台转办、开放接口的工单只能由对应的接口账号提交）。"),
)


# ---------------------------------------------------------------------------------------------------- lifecycle


@predicate
def dispatches_order(actor: Any, order: Any) -> bool:
    """The order's street staff and community cadres (with no order: the role dispatches at all)."""
    role = str(getattr(actor, "role", ""))
    if role == Role.STREET_STAFF:
        return order is None or actor.street_id == order.street_id
    if role == Role.COMMUNITY_CADRE:
        return order is None or actor.community_id == order.community_id
    return False


@predicate
def handles_order(actor: Any, order: Any) -> bool:
    """The order's current handler: its unit's staff (firm, community, street, department) or the person."""
    if order is None:
        return False
    role, level = str(getattr(actor, "role", "")), order.handler_level
    return (
        (level == "property_firm" and role == Role.FIRM_STAFF and actor.property_firm_id == order.handler_firm_id)
        or (level == "community" and role == Role.COMMUNITY_CADRE and actor.community_id == order.handler_community_id)
        or (level == "street" and role == Role.STREET_STAFF and actor.street_id == order.handler_street_id)
        or (
            level == "department"
            and role == Role.DEPARTMENT_STAFF
            and actor.department_id == order.handler_department_id
        )
        or (level == "user" and getattr(actor, "pk", None) is not None and actor.pk == order.handler_user_id)
    )


# The rungs of the ladder a dispatcher acts for (accepting, returning, transferring or escalating on a unit's
# behalf): a street's staff for the firms, the communities and the street itself, a community's cadres for the
# firms and their community (and both for a named person, or an order not yet sent anywhere). An order
# escalated above them — to the street, to a department — is its new handler's to move.
DISPATCHER_RUNGS: dict[str, frozenset[str]] = {
    Role.STREET_STAFF: frozenset({"", "property_firm", "community", "street", "user"}),
    Role.COMMUNITY_CADRE: frozenset({"", "property_firm", "community", "user"}),
}


@predicate
def acts_for_handler(actor: Any, order: Any) -> bool:
    """The actor dispatches the order and its current handler is on a rung they answer for (DISPATCHER_RUNGS)."""
    if not dispatches_order(actor, order):
        return False
    return order is None or (order.handler_level or "") in DISPATCHER_RUNGS.get(str(actor.role), frozenset())


@predicate
def below_the_top_rung(actor: Any, order: Any) -> bool:
    """The order has a rung above its handler (a department's order is at the top: 上报 has nowhere to go)."""
    from workorders.routing import can_escalate

    return order is not None and can_escalate(order)


@predicate
def may_accept_and_start(actor: Any, order: Any) -> bool:
    """The order waits for acceptance by its unit (not in a claim pool) and may then be started."""
    return order is not None and not order.is_pooled and can_make_in_a_row(order, "accept_start")


# Dispatch, merge, reject, close, assign in bulk: the district's authority, the order's street and community.
register(
    "workorders.dispatch",
    is_district_authority | (in_district & dispatches_order),
    message=_("只有区、街道或社区的工作人员可以执行此操作。"),
)
# Accept, start, resolve, return, transfer: the current handler, or whoever dispatches the order.
register(
    "workorders.handle",
    is_district_authority | (in_district & (handles_order | acts_for_handler)),
    message=_("您不是该工单的当前承办单位，不能执行此操作。"),
)
# 上报: whoever may handle the order, while there is a rung above its handler (what work_order_escalate runs).
register(
    "workorders.escalate",
    (is_district_authority | (in_district & (handles_order | acts_for_handler))) & below_the_top_rung,
    message=_("工单已在最高层级（职能部门），无法继续上报。"),
)
# Claiming a pooled order, and what the order page offers a handler: the handler unit's own staff only.
register(
    "workorders.claim",
    in_district & handles_order,
    message=_("该工单不在您单位的认领池中。"),
)
# 受理并开始处理 in one step: the handler unit's own staff (who go and do the work), where the state machine
# allows accepting and starting in a row (workorders.statemachine.COMPOUND_MOVES). Dispatchers accept on a
# unit's behalf with the single move; they do not start another unit's work.
register(
    "workorders.accept_and_start",
    in_district & handles_order & may_accept_and_start,
    message=_("只有该工单当前承办单位的人员可以受理并开始处理。"),
)


@predicate
def reported_it_in_a_category_closed_on_the_spot(actor: Any, order: Any) -> bool:
    """The grid worker reported the order themselves, its category is one the district lets grid workers
    resolve on the spot (Category.grid_resolves_on_the_spot), and it is not yet accepted by anyone."""
    return (
        order is not None
        and getattr(actor, "pk", None) is not None
        and order.reported_by_id == actor.pk
        and order.category_id is not None
        and order.category.grid_resolves_on_the_spot
        and order.state in ("submitted", "assigned", "transferred", "escalated")
        and not order.is_pooled
        and can_make_in_a_row(order, "resolve_on_the_spot")
    )


# 当场办结: a grid worker solves on the spot a small problem they found, where the district's policy allows it
# for the category (小事不出小区: a cleared corridor needs no dispatch).
register(
    "workorders.resolve_on_the_spot",
    in_district & is_grid_worker & reported_it_in_a_category_closed_on_the_spot,
    message=_("该类别的诉求不允许网格员当场办结，或该工单已由其他单位受理。"),
)
# Deliberation meetings (议事会) are the district's, streets' and communities' (of their own area: the scope).
register(
    "workorders.record_meeting",
    is_district_authority | (in_district & (has_role(Role.STREET_STAFF) | has_role(Role.COMMUNITY_CADRE))),
    message=_("只有区、街道或社区的工作人员可以记录议事会。"),
)
# The monthly figures (三率) pages: the district's officials and the streets' staff.
register(
    "workorders.read_kpis",
    is_district_authority | has_role(Role.STREET_STAFF),
    message=_("只有区级人员和街道工作人员可以查看考核指标。"),
)
