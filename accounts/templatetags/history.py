from typing import Any

from django import template

from accounts.history import object_history

register = template.Library()


@register.inclusion_tag("accounts/_history.html", takes_context=True)
def history_panel(context: Any, obj: Any) -> dict:
    """The object's change history (accounts.history), for the signed-in user if they may see the object."""
    request = context.get("request")
    actor = getattr(request, "user", None)
    return {"changes": object_history(actor=actor, obj=obj) if actor is not None else []}
