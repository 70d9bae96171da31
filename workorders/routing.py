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

The worker routes every new order (issue 12: its cost per order counts), so the district's active rules are
read once per process and district and kept with their version: a digest of the rules' rows (and of their
target departments) that the routing's own locked read of the order computes in the same statement
(`rules_version`). An edit by any path — the admin, the API, SQL — changes the digest, and the next routing
reads the rules again; nothing is invalidated by hand. The category's lineage comes with that read too
(`category_lineage_sql`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models
from django.db.models.expressions import RawSQL

from accounts.roles import Role
from compounds.models import Compound, Department
from config.locale import of_record
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
        return f"{how}至{of_record((self.target or self.level).label)}“{self.unit}”{by}"


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


def _rules_digest_sql(district: str) -> str:
    """SQL for the digest of the active rules of `district` (an SQL expression), each rule's row with its target
    department's row, in id order: any change to what routing reads from them changes it."""
    rule, department = RoutingRule._meta.db_table, Department._meta.db_table
    return (
        f"SELECT md5(coalesce(string_agg(r::text || coalesce(d::text, ''), ',' ORDER BY r.id), '')) "
        f'FROM "{rule}" r LEFT JOIN "{department}" d ON d.id = r.target_department_id '
        f"WHERE r.district_id = {district} AND r.is_active"
    )


NO_RULES = hashlib.md5(b"").hexdigest()  # the digest of a district without active rules (PostgreSQL's md5(''))


def rules_version() -> RawSQL:
    """An annotation of a WorkOrder query: the version of its district's active rules (see the module docstring)."""
    return RawSQL(f"({_rules_digest_sql(f'{WorkOrder._meta.db_table}.district_id')})", [])


def category_lineage_sql() -> RawSQL:
    """An annotation of a WorkOrder query: its category's id and its ancestors' ids (category_lineage, in SQL)."""
    table = Category._meta.db_table
    return RawSQL(
        f'(WITH RECURSIVE up(id, parent_id) AS (SELECT c.id, c.parent_id FROM "{table}" c '
        f"WHERE c.id = {WorkOrder._meta.db_table}.category_id "
        f'UNION SELECT c.id, c.parent_id FROM "{table}" c JOIN up ON c.id = up.parent_id) '
        "SELECT array_agg(id) FROM up)",
        [],
    )


@dataclass(frozen=True)
class _RuleBook:
    version: str
    rules: tuple[RoutingRule, ...]


# district id → its active rules as last read in this process, with their version
_rule_books: dict[int, _RuleBook] = {}


def district_rules(district_id: int, version: str | None = None) -> tuple[RoutingRule, ...]:
    """The district's active rules by ascending priority (with their target departments). With the `version` the
    caller read (rules_version), the process's copy when it is of that version, else one statement that reads the
    rules and their version together (so the copy kept is exactly the version it was read at)."""
    book = _rule_books.get(district_id)
    if book is not None and version is not None and book.version == version:
        return book.rules
    rules = tuple(
        RoutingRule.objects.filter(district_id=district_id, is_active=True)
        .select_related("target_department")
        .annotate(rules_version=RawSQL(f"({_rules_digest_sql('%s')})", [district_id]))
        .order_by("priority")
    )
    _rule_books[district_id] = _RuleBook(rules[0].rules_version if rules else NO_RULES, rules)
    return rules


def matching_rule(
    order: WorkOrder, *, rules: Sequence[RoutingRule] | None = None, lineage: Sequence[int] | None = None
) -> RoutingRule | None:
    """The first of the district's active rules (by priority) whose conditions all hold for the order. The
    routing task passes the rules and the lineage it read with the order; without them they are read here."""
    compound = order.compound
    if rules is None:
        rules = district_rules(order.district_id)
    categories = set(lineage if lineage is not None else category_lineage(order.category))
    tier, mode, three_no = compound.community.tier, compound.management_mode, compound.is_three_no
    for rule in rules:
        if (
            (rule.category_id is None or rule.category_id in categories)
            and (not rule.tier or rule.tier == tier)
            and (not rule.management_mode or rule.management_mode == mode)
            and (rule.three_no is None or rule.three_no == three_no)
        ):
            return rule
    return None


def _route(level: HandlerLevel | str, unit: models.Model, mode: RoutingMode, rule: RoutingRule | None) -> Route:
    level = HandlerLevel(level)
    if level == L.STATIONED_CADRE:
        return Route(L.USER, unit, mode, rule, target=L.STATIONED_CADRE)
    return Route(level, unit, mode, rule)


def route_for(
    order: WorkOrder, *, rules: Sequence[RoutingRule] | None = None, lineage: Sequence[int] | None = None
) -> Route:
    """Where a new order goes (see the module docstring; `rules` and `lineage` as for matching_rule)."""
    compound = order.compound
    rule = matching_rule(order, rules=rules, lineage=lineage)
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
