"""What every funding service shares: the actor check, objects inside the actor's scope, who acted."""

from __future__ import annotations

from typing import Any

from django.db import models

from accounts.actors import is_system, require_actor
from accounts.permissions import require
from accounts.policy import CHANGE, access


def acting(actor: Any, rule: str, obj: Any = None) -> Any:
    require_actor(actor)
    require(actor, rule, obj)
    return actor


def reach(actor: Any, model: type[models.Model], pk: Any, *, action: str = CHANGE, lock: bool = False) -> Any:
    """The object `pk` of `model` inside the actor's scope (404 for missing and foreign alike)."""
    queryset = model._default_manager.all()
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return access(actor, queryset, action, pk=getattr(pk, "pk", pk))


def actor_user(actor: Any) -> Any:
    """The actor as a User foreign key value: a person, or None for the system."""
    return None if is_system(actor) or getattr(actor, "pk", None) is None else actor


def actor_name(actor: Any) -> str:
    return str(getattr(actor, "display_name", None) or actor)[:100]
