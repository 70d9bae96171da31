"""Routing 分派: which unit first handles a new order, and which unit is the next rung of the ladder.

First match wins over the district's active RoutingRules by ascending priority. A rule's category matches
the order's category or any of its ancestors; tier, management mode and three-no match the compound
(an empty condition matches anything). Without a matching rule the category's default level applies.
A level that the compound cannot fill falls back to the community: a property-firm level on a compound
without a firm (三无, self-managed, community-hosted), or a department level without a department.

The stationed cadre (驻点"两委"干部, Compound.stationed_cadre) is a target level of rules and categories: the
order goes to that person as a named handler (handler level USER, so they see it in "my orders" and handle
it); a compound without a stationed cadre (or whose cadre no longer serves its community, or is inactive)
sends the order to its community instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from accounts.roles import Role
from compounds.models import Compound
from workorders.models import Category, HandlerLevel, RoutingMode, RoutingRule, WorkOrder

L = HandlerLevel

# The ladder (小事不出小区、大事不出社区、难事不出街镇). A named user (e.g. the stationed cadre) sits at the
# community rung; above the department there is no automatic rung (the district is notified).
NEXT_LEVEL = {
    L.PROPERTY_FIRM: L.COMMUNITY,
    L.USER: L.COMMUNITY,
    L.COMMUNITY: L.STREET,
    L.STREET: L.DEPARTMENT,
}


@dataclass(frozen=True)
class Route:
    level: HandlerLevel
    unit: models.Model
    mode: RoutingMode = RoutingMode.DISPATCH
    rule: RoutingRule | None = None
    target: HandlerLevel | None = None  # the level the rule named, when it differs (stationed cadre → USER)

    @property
    def description(self) -> str:
        how = "进入认领池" if self.mode == RoutingMode.POOL else "派单"
        by = f"（规则：{self.rule}）" if self.rule else "（默认）"
        return f"{how}至{(self.target or self.level).label}“{self.unit}”{by}"


def category_lineage(category: Category) -> list[int]:
    """The category and its ancestors' ids (the tree is shallow: a few queries at most)."""
    ids = []
    node: Category | None = category
    while node is not None and node.pk not in ids:
        ids.append(node.pk)
        node = node.parent
    return ids


def stationed_cadre(compound: Compound):
    """The compound's stationed cadre if they still serve its community and are active, else None."""
    cadre = compound.stationed_cadre if compound.stationed_cadre_id else None
    if cadre is None or not cadre.is_active or cadre.role != Role.COMMUNITY_CADRE:
        return None
    return cadre if cadre.community_id == compound.community_id else None


def unit_for(level: HandlerLevel | str, compound: Compound, department=None) -> models.Model | None:
    level = HandlerLevel(level)
    if level == L.STATIONED_CADRE:
        return stationed_cadre(compound)
    if level == L.PROPERTY_FIRM:
        return compound.property_firm if compound.has_property_service else None
    if level == L.COMMUNITY:
        return compound.community
    if level == L.STREET:
        return compound.community.street
    if level == L.DEPARTMENT:
        return department
    return None


def matching_rule(order: WorkOrder) -> RoutingRule | None:
    compound = order.compound
    rules = RoutingRule.objects.filter(district_id=order.district_id, is_active=True).filter(
        models.Q(category__isnull=True) | models.Q(category_id__in=category_lineage(order.category)),
        models.Q(tier="") | models.Q(tier=compound.community.tier),
        models.Q(management_mode="") | models.Q(management_mode=compound.management_mode),
        models.Q(three_no__isnull=True) | models.Q(three_no=compound.is_three_no),
    )
    return rules.select_related("target_department").order_by("priority").first()


def _route(level: HandlerLevel | str, unit: models.Model, mode: RoutingMode, rule: RoutingRule | None) -> Route:
    level = HandlerLevel(level)
    if level == L.STATIONED_CADRE:
        return Route(L.USER, unit, mode, rule, target=L.STATIONED_CADRE)
    return Route(level, unit, mode, rule)


def route_for(order: WorkOrder) -> Route:
    """Where a new order goes (see the module docstring)."""
    compound = order.compound
    rule = matching_rule(order)
    if rule is not None:
        unit = unit_for(rule.target_level, compound, rule.target_department)
        if unit is not None:
            return _route(rule.target_level, unit, RoutingMode(rule.mode), rule)
        if rule.target_level == L.STATIONED_CADRE:
            # no stationed cadre here: the community takes it, as the rule says (dispatch or pool)
            return Route(L.COMMUNITY, compound.community, RoutingMode(rule.mode), rule)
    category = order.category
    unit = unit_for(category.default_handler_level, compound, category.department)
    if unit is not None:
        mode = RoutingMode(rule.mode) if rule is not None else RoutingMode.DISPATCH
        return _route(category.default_handler_level, unit, mode, None)
    return Route(L.COMMUNITY, compound.community, RoutingMode.DISPATCH, None)


def can_escalate(order: WorkOrder) -> bool:
    """上报 has somewhere to go: the order's handler is below the top of the ladder (the rule
    "workorders.escalate" and work_order_escalate both ask this)."""
    return next_rung(order) is not None


def next_rung(order: WorkOrder) -> tuple[HandlerLevel, models.Model | None] | None:
    """The next level up from the order's current handler and its unit, or None at the top. At the street
    the next rung is the category's department, which may be None (then the street names the departments)."""
    current = HandlerLevel(order.handler_level) if order.handler_level else L.PROPERTY_FIRM
    level = NEXT_LEVEL.get(current)
    if level is None:
        return None
    return level, unit_for(level, order.compound, order.category.department)
