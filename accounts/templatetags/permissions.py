"""`{% may "workorders.dispatch" order as may_dispatch %}`: templates ask the same registry as services."""

from typing import Any

from django import template

from accounts import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: Any, rule: str, obj: Any = None) -> bool:
    request = context.get("request")
    actor = getattr(request, "user", None) if request is not None else context.get("user")
    return permissions.has(actor, rule, obj)
