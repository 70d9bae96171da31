"""Who may do what: one registry of named predicates (django-rules), asked by services, views, API
permissions, forms and templates alike.

The scope policy (accounts.policy) answers *which rows* an actor sees or changes; this registry answers
*which actions* an actor may take on a row it can already see. Each app registers its rules in its own
`rules.py` (loaded by `rules.apps.AutodiscoverRulesConfig`), named `<app>.<verb>`:

    # workorders/rules.py
    from accounts.permissions import predicate, register, is_district_official, in_scope
    register("workorders.dispatch", is_district_official | is_order_street_staff | is_order_cadre)

    # a service
    require(actor, "workorders.dispatch", order)          # Forbidden (403) with the rule's Chinese message

    # a view or template
    if has(request.user, "workorders.dispatch", order): ...
    {% load permissions %}{% may "workorders.dispatch" order as may_dispatch %}

A refusal is always `Forbidden` (a subclass of Django's PermissionDenied): the API answers 403 and a page
its 403 page, in every app. An object outside the actor's scope is not a refusal but a 404 (policy.access).
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts.actors import is_system
from accounts.roles import Role

predicate = rules.predicate

# The registry itself: a RuleSet of its own, so Django's superuser shortcut (User.has_perm) never
# answers for it and a system actor is asked like anybody else.
REGISTRY = rules.RuleSet()
MESSAGES: dict[str, str] = {}
DEFAULT_MESSAGE = _("您无权执行此操作。")


class Forbidden(PermissionDenied):
    """The one refusal: the actor may see the object but not do this to it."""

    def __init__(self, message: str = DEFAULT_MESSAGE, *, rule: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule


def register(name: str, pred: Any, *, message: str = DEFAULT_MESSAGE) -> None:
    """Register (or replace) the rule `name`; `message` is what a refused actor reads."""
    if REGISTRY.rule_exists(name):
        REGISTRY.set_rule(name, pred)
    else:
        REGISTRY.add_rule(name, pred)
    MESSAGES[name] = message


def has(actor: Any, name: str, obj: Any = None) -> bool:
    """May `actor` do `name` (to `obj`)? An unknown rule is a programming error, never a yes."""
    if not REGISTRY.rule_exists(name):
        raise KeyError(f"unknown permission rule {name!r}")
    if actor is None or not getattr(actor, "is_active", False):
        return False
    return REGISTRY.test_rule(name, actor, obj)


def require(actor: Any, name: str, obj: Any = None, *, message: str | None = None) -> None:
    if not has(actor, name, obj):
        raise Forbidden(message or MESSAGES.get(name, DEFAULT_MESSAGE), rule=name)


def rule_names() -> list[str]:
    return sorted(REGISTRY.keys())


# --- predicates every app builds on --------------------------------------------------------------


@predicate
def is_system_actor(actor: Any) -> bool:
    return is_system(actor)


@predicate
def is_platform_admin(actor: Any) -> bool:
    return bool(getattr(actor, "is_platform_admin", False)) and not is_system(actor)


def has_role(*roles: Role) -> Any:
    """A predicate: the actor (a person) has one of `roles`."""
    wanted = {str(role) for role in roles}

    @predicate(f"has_role({','.join(sorted(wanted))})")
    def check(actor: Any) -> bool:
        return not is_system(actor) and str(getattr(actor, "role", "")) in wanted

    return check


def same_district(actor: Any, obj: Any) -> bool:
    """The object (anything with `district_id`) is in the actor's district; platform and system-wide
    actors are in every district."""
    if obj is None:
        return True
    if getattr(actor, "is_platform_admin", False):
        return True
    return getattr(actor, "district_id", None) is not None and actor.district_id == getattr(obj, "district_id", None)


in_district = predicate(same_district, name="in_district")


@predicate
def change_scope(actor: Any, obj: Any) -> bool:
    """The object is inside the actor's change scope (accounts.policy); no object: the role may at all."""
    from accounts.policy import CHANGE, can

    return True if obj is None else can(actor, obj, CHANGE)


@predicate
def view_scope(actor: Any, obj: Any) -> bool:
    """The object is inside the actor's view scope (accounts.policy); no object: the role may at all."""
    from accounts.policy import VIEW, can

    return True if obj is None else can(actor, obj, VIEW)


is_district_official = has_role(Role.DISTRICT_OFFICIAL) & in_district
is_street_staff = has_role(Role.STREET_STAFF)
is_community_cadre = has_role(Role.COMMUNITY_CADRE)
is_grid_worker = has_role(Role.GRID_WORKER)
is_firm_staff = has_role(Role.FIRM_STAFF)
is_department_staff = has_role(Role.DEPARTMENT_STAFF)
# The district's own staff with a say over the whole district: its officials, the platform, the system.
is_district_authority = (is_system_actor & in_district) | is_platform_admin | is_district_official
